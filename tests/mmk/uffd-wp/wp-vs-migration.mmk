// UFFDIO_WRITEPROTECT racing a migration of the page (v5.10): both hold mmap_lock for read.
// When the protection meets the migration entry, change_pte_range() makes it a read entry
// and marks it uffd-wp (pte_swp_mkuffd_wp()), so remove_migration_pte() maps the new page
// read-only and uffd-wp. A protection that skipped the entry would let the migration map the
// copy writable again after UFFDIO_WRITEPROTECT returned: the process's next store would land
// without a fault, behind the monitor's back.

test "after UFFDIO_WRITEPROTECT returns, a store faults even when a migration was in flight" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 {
        userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP);
        store_must_fault(X, 9);
    }
    expect safe;
}

// A store that does not fault (the kernel's copy_to_user_inatomic()): it must not land, as a
// user store would sleep in handle_userfault() until a monitor unprotects the page.
fn store_must_fault(addr, v) {
    let landed = copy_to_user_inatomic(addr, v);
    assert(!landed);
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
