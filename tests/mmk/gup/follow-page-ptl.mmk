// GUP's slow path looking a page up while another thread zaps it (v5.10,
// models/linux-5.10/gup.mmk follow_page_pte()).
//
// follow_page_pte() reads the PTE and takes its reference on the page under the PTL
// (pte_offset_map_lock()). MADV_DONTNEED runs under mmap_lock held for read too, so both
// run at once: its zap clears the PTE under the same PTL and frees the page only after its
// TLB flush (tlb_finish_mmu()). The PTL is what keeps the page the lookup read from being
// freed before get_page(): without it (or with the PTE read before the lock) the lookup
// can take a reference on a page already back in the allocator (use_after_free). Page
// migration changes the PTE from the kernel's side the same way: it replaces it under the
// PTL and frees the old page once the copy is mapped (migrate_one_page()).

test "MADV_DONTNEED racing get_user_pages(): the PTL orders the lookup's reference and the zap" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { get_then_put(X); }
    expect safe;
}

test "migration racing get_user_pages(): the lookup pins the old page or finds the entry and waits" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { get_then_put(X); }
    expect safe;
}

// A short-term user of the page (as access_remote_vm() is): look it up for write through
// the slow path, then drop the reference.
fn get_then_put(addr) {
    let page = null;
    if get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE) == 1 {
        put_page(page);
    }
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
