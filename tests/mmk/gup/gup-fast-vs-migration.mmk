// GUP-fast pinning a page while page migration moves it (v5.10, models/linux-5.10/gup.mmk
// and migrate.mmk).
//
// GUP-fast reads the PTE once, without a lock, takes a speculative reference on the page it
// names (try_grab_compound_head()) and then rechecks that the PTE still holds the value it
// read: if not, it drops the reference and falls back to the slow path. Migration clears
// and flushes the PTE (try_to_unmap_one()), checks that only its isolation reference is
// left (migrate_page_move_mapping()), copies the page and maps the copy. On x86 the flush
// is an IPI that waits for the IRQs-off walker, so a walk that saw the old PTE has pinned
// before the count check, and the migration gives up. Where TLB invalidation is broadcast
// by the hardware (arm64, whose GUP-fast is the generic one of 2667f50e8b81, "mm:
// introduce a general RCU get_user_pages_fast()", v3.18, which relies on RCU-freed page
// tables rather than on IPIs), nothing waits: the walker can pin the old page after the
// count check, and only the PTE recheck keeps the driver from handing the device a page
// the process no longer maps (its DMA would be lost: lost_write on X).

import "gup-test-helpers.mmk";

test "x86: the flush IPI waits for the walker, so the migration sees its pin and backs off" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

test "broadcast TLB invalidation: GUP-fast's PTE recheck catches the migration and takes the slow path" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// The entry point: a migration of the page at addr under mmap_lock held for read, as
// move_pages(2) runs it (tests/mmk/migrate/migration-vs-store.mmk).
fn migrate_page_at(addr) source "mm/migrate.c:do_move_pages_to_node@v5.10 (one page; the page lookup of add_page_for_migration() is the PTE walk of migrate_one_page())" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    migrate_one_page(vma, addr);
    mmap_read_unlock(mm);
}

