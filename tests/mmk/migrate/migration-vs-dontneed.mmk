// MADV_DONTNEED racing a migration of the same page: both hold mmap_lock for read, so the
// zap can meet the migration entry try_to_unmap_one() left. zap_pte_range() (v5.10) clears
// it (pte_clear_not_present_full()) like any other entry, so remove_migration_ptes() finds
// nothing to restore and the address reads zero-filled after madvise() returns. A zap that
// skipped the entry would let the migration map the copy back: the process would read the
// contents it had just discarded.

test "after MADV_DONTNEED returns, the address reads zero whenever the migration ran" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 {
        madvise(X, 1, MADV_DONTNEED);
        let v = *X;
        assert(v == 0);
    }
    expect safe;
}

// A migration of the page at addr under mmap_lock held for read (as in
// tests/mmk/gup/gup-fast-vs-migration.mmk).
fn migrate_page_at(addr) source "mm/migrate.c:do_move_pages_to_node@v5.10 (one page; the page lookup of add_page_for_migration() is the PTE walk of migrate_one_page())" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    migrate_one_page(vma, addr);
    mmap_read_unlock(mm);
}
