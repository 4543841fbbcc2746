// GUP-fast pinning a page while page migration moves it (6.12, models/linux-6.12/gup.mmk
// and migrate.mmk).
//
// GUP-fast reads the PTE once, without a lock and with IRQs disabled, grabs the folio with
// the pin's bias (try_grab_folio_fast(): GUP_PIN_COUNTING_BIAS references) and then rechecks
// the PMD entry and the PTE: if either changed it drops the pin and takes the slow path.
// try_to_migrate_one() clears and flushes the PTE, then marks the page maybe-shared with
// folio_try_share_anon_rmap_pte(), which fails if the folio may be pinned: then the PTE is
// put back and the migration backs off (6c287605fd56, "mm: remember exclusively mapped
// anonymous pages with PG_anon_exclusive", and 088b8aa537c2, "mm: fix PageAnonExclusive
// clearing racing with concurrent RCU GUP-fast", David Hildenbrand, v5.19 and v6.1). Later,
// migrate_folio() finds any reference beyond the isolation's and gives up. On x86 the flush
// is an IPI that waits for the IRQs-off walker, so a walk that saw the old PTE has pinned
// before the migration looks; where TLB invalidation is broadcast (`knob tlb_broadcast`:
// arm64, a paravirtual flush that skips preempted vCPUs) nothing waits, and the walker's PTE
// recheck is what sends a pin taken after the clear back to the slow path, which waits for
// the migration entry to go. Either way the pin and the mapping agree: the driver's DMA
// lands in the page X maps at the end (lost_write checks it).

import "migrate-test-helpers.mmk";

test "6.12, x86: the flush IPI waits for the walker, so the migration sees its pin and backs off" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

test "6.12, broadcast TLB invalidation: GUP-fast's recheck or the pin check keeps pin and mapping together" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// A pin taken after the migration must find the page X maps exclusive, or the pin is not
// reliable. remove_migration_pte() restores PageAnonExclusive from the writable migration
// entry (RMAP_EXCLUSIVE), so a write fault after mprotect() has made the PTE read-only
// again reuses the pinned page (do_wp_page(): PageAnonExclusive) and the device's DMA lands
// in the page X maps, wherever the pin falls.
test "6.12: a page pinned after its migration stays the page X maps across a write fault" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); mprotect(X, 1, PROT_READ); mprotect(X, 1, PROT_READ | PROT_WRITE); X += 1; }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// The same with remove_migration_pte() as it would be without the exclusive marker of the
// migration entry: before 6c287605fd56 ("mm: remember exclusively mapped anonymous pages
// with PG_anon_exclusive", v5.19-rc1) migration entries recorded only writable or readable,
// and 6.12's remove_migration_pte() without `rmap_flags |= RMAP_EXCLUSIVE` maps the
// destination as maybe-shared. GUP-fast pins it for write (its PTE is writable, so nothing
// asks for exclusivity; CONFIG_DEBUG_VM's sanity_check_pinned_pages() would BUG here), the
// PTE goes read-only, and the write fault finds a page that is not exclusive and has the
// pin's references: wp_can_reuse_anon_folio() refuses and wp_page_copy() maps a copy. The
// device's DMA then lands in the old page, which X no longer maps (lost_write on X).
test "without the exclusive marker: the write fault copies the pinned page away from the pin" {
    kernel "linux-6.12";
    import "remove-migration-pte-not-exclusive.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); mprotect(X, 1, PROT_READ); mprotect(X, 1, PROT_READ | PROT_WRITE); X += 1; }
    cpu1 { pin_for_dma(X, 100); }
    expect violation(lost_write);
}

// try_to_migrate_one() without the pin check (try-to-migrate-one-no-pin-check.mmk): for an
// order-0 anonymous folio the mutation is masked in 6.12, and the test says so. A pin taken
// before the PTE was cleared is still seen by migrate_folio()'s refcount check
// (folio_ref_count() != folio_expected_refs()), the migration gives up, and
// migrate_folio_undo_src() -> remove_migration_pte() restores the mapping of the source with
// RMAP_EXCLUSIVE, because the entry was writable: the page is exclusive again, pinned and
// mapped. The pin check in try_to_migrate_one() matters where no refcount check follows
// (device-private folios, THP splits with freezing) and for readable-exclusive entries
// restored after the pin; neither is in this tree (the machine has no readable-exclusive
// entries, see migrate.mmk). Kept as a record of why no historical mutation of this rule
// is in this folder.
test "without the pin check in try_to_migrate_one(): the refcount check still backs off (masked)" {
    kernel "linux-6.12";
    import "try-to-migrate-one-no-pin-check.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}
