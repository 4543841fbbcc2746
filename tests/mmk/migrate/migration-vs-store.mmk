// Page migration (v5.10, models/linux-5.10/migrate.mmk) racing a store to the page. The
// migration replaces the PTE with a migration entry under the PTL and flushes it
// (try_to_unmap_one(): ptep_clear_flush()) before it copies the page; a CPU that still
// caches the old translation can store into the old page only until that flush, so the copy
// has the store. A CPU that faults on the migration entry waits for the old page's lock
// (do_swap_page() -> migration_entry_wait()) and retries on the new page. Either way the
// store survives (lost_write checks every store against the page finally mapped).

test "a store through a cached entry lands before the flush, and the copy has it" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

test "a store that faults on the migration entry waits and lands in the new page" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

test "a read-only mapping migrates to a read-only mapping: the store faults to COW" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

// No frame for the new page: the migration gives up (-ENOMEM) and drops the reference it
// took on the old page (page_leak checks the count at the end).
test "no frame for the new page: the migration gives up and leaves the page as it was" {
    kernel "linux-5.10";
    cpus 2;
    frames 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect safe;
}

// MADV_DONTNEED zaps the page while the migration looks it up: the lookup reads the PTE and
// takes its reference under the PTL, so the zap cannot free the page between the two, and
// the unmap finds the PTE gone (try_to_unmap_one() rechecks it under the PTL); a zap after
// the unmap clears the migration entry, and remove_migration_pte() finds nothing to restore
// (tests/mmk/migrate/migration-vs-dontneed.mmk checks what the process reads then).
test "MADV_DONTNEED racing the migration's lookup and unmap" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// The entry point: a migration of the page at addr under mmap_lock held for read, as
// move_pages(2) (do_move_pages_to_node()) and NUMA balancing (migrate_misplaced_page())
// run it.
fn migrate_page_at(addr) source "mm/migrate.c:do_move_pages_to_node@v5.10 (one page; the page lookup of add_page_for_migration() is the PTE walk of migrate_one_page())" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    migrate_one_page(vma, addr);
    mmap_read_unlock(mm);
}
