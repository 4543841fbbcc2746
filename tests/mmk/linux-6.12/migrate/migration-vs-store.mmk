// Page migration (6.12, models/linux-6.12/migrate.mmk: migrate_folio_unmap(),
// try_to_migrate_one(), migrate_folio_move(), remove_migration_pte()) racing a store to the
// page. try_to_migrate_one() replaces the PTE with a migration entry under the PTL and
// flushes it (ptep_clear_flush()) before migrate_folio() copies the folio; a CPU that still
// caches the old translation can store into the old page only until that flush, so the
// copy has the store. A CPU that faults on the migration entry waits for the migration
// (do_swap_page() -> migration_entry_wait()) and retries on the new page. Either way the
// store survives (lost_write checks every store against the page finally mapped).

import "migrate-test-helpers.mmk";

test "6.12: a store through a cached entry lands before the flush, and the copy has it" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

test "6.12: a store that faults on the migration entry waits and lands in the new page" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

// The migration must actually move the page (a migration that did nothing would pass the
// tests above): with nobody else touching X, X maps another page afterwards, writable and
// exclusive again (the writable migration entry, RMAP_EXCLUSIVE), and the store after it
// needs no copy.
test "6.12: the migration moves the page and keeps it exclusive" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 1;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); check_moved_exclusive(X, P); X = 8; }
    expect safe;
}

// A read-only mapping of a page that is not exclusive (as after fork) migrates to a
// read-only, not exclusive mapping (a readable migration entry): the store faults, and
// do_wp_page() decides reuse or copy by the refcount.
test "6.12: a read-only mapping migrates to a read-only mapping: the store faults" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

// No frame for the new page: the migration gives up (-ENOMEM) and drops the isolation
// reference (page_leak checks the count at the end).
test "6.12: no frame for the new page: the migration gives up and leaves the page as it was" {
    kernel "linux-6.12";
    cpus 2;
    frames 1;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

// MADV_DONTNEED zaps the page while the migration looks it up, unmaps it or waits to map
// the new page: the lookup takes its reference under the PTL; try_to_migrate_one()
// rechecks the PTE under the PTL; a zap of the migration entry leaves
// remove_migration_pte() nothing to restore, and the old folio's last reference is the
// isolation's ("Folio was freed from under us").
test "6.12: MADV_DONTNEED racing the migration" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// The test's check (not kernel code): X maps a page other than `old`, writable, and
// PageAnonExclusive.
fn check_moved_exclusive(addr, old) source "mmcheck: a test driver, the state a migration leaves" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptl = null;
    let ptep = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    assert(ptep != null);
    let pte = *ptep;
    assert(pte_present(pte));
    assert(pte_page(pte) != old);
    assert(pte_write(pte));
    assert(PageAnonExclusive(pte_page(pte)));
    pte_unmap_unlock(ptep, ptl);
    mmap_read_unlock(mm);
}
