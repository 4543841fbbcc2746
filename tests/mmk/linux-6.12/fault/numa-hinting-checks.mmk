// The checks shared by numa-hinting.mmk and its mutation (a model file: no test here).

// After the store has retired, the PTE that maps X is soft-dirty: the write was tracked.
fn check_soft_dirty(addr) source "mmcheck: test check" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    BUG_ON(pte_present(*pte) && !pte_soft_dirty(*pte));
    pte_unmap_unlock(pte, ptl);
    mmap_read_unlock(mm);
}

