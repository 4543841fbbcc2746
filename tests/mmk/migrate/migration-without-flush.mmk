// The migration of migration-vs-store.mmk with try_to_unmap_one() clearing the PTE without
// its flush (ptep_get_and_clear() for ptep_clear_flush(): the flush the migration entry must
// not go without). cpu1's cached writable entry lets its store land in the old page after
// the copy: the new page, mapped at X, never has it.
test "without the flush, a store after the copy is lost with the old page" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { migrate_page_at(X); }
    cpu1 { X = 8; }
    expect violation(lost_write);
}

fn migrate_page_at(addr) source "mm/migrate.c:do_move_pages_to_node@v5.10 (one page)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    migrate_one_page(vma, addr);
    mmap_read_unlock(mm);
}

override fn try_to_unmap_one(page, vma, address) source "mm/rmap.c:try_to_unmap_one@v5.10, mutated: ptep_get_and_clear() for ptep_clear_flush()" {
    let mm = vma->vm_mm;
    let ptep = pte_offset_map(mm, address);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    if !pte_present(*ptep) || pte_page(*ptep) != page {
        pte_unmap_unlock(ptep, ptl);
        return false;
    }
    let pteval = ptep_get_and_clear(mm, address, ptep);
    let entry = make_migration_entry(page, pte_write(pteval));
    let swp_pte = swp_entry_to_pte(entry);
    if pte_soft_dirty(pteval) {
        swp_pte = pte_swp_mksoft_dirty(swp_pte);
    }
    if pte_uffd_wp(pteval) {
        swp_pte = pte_swp_mkuffd_wp(swp_pte);
    }
    set_pte_at(mm, address, ptep, swp_pte);
    page_remove_rmap(page);
    put_page(page);
    pte_unmap_unlock(ptep, ptl);
    return true;
}
