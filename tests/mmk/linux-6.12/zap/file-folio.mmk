// Test set-up for the delayed-rmap tests (not kernel code): every folio is a file folio
// (the tree has no page cache: folio->mapping stays anonymous, this answers false), and a
// writeback driver.
override fn folio_test_anon(folio) source "mmcheck: a test's file folio (include/linux/page-flags.h:folio_test_anon@v6.12 answering false)" {
    return false;
}

// Writeback of a dirty file folio, as far as the races need: folio_mkclean() (mm/rmap.c)
// returns at once for a folio that is not mapped ("if (!folio_mapped(folio)) return 0");
// otherwise its rmap walk (page_mkclean_one(), through page_vma_mapped_walk(), which takes the
// PTL) write-protects and cleans each PTE that maps the folio, with a flush. Either way the
// writeback then relies on no CPU being able to store into the folio without a fault; that
// promise is the ghost check (at the one address that maps the folio in these tests, under
// the PTL when the walk took it).
fn writeback_mkclean(folio, addr) source "mmcheck: a test driver, mm/rmap.c:folio_mkclean@v6.12 -> page_mkclean_one() (one mapping)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    mmap_read_unlock(mm);
    if !folio_mapped(folio) {
        // Ghost, not kernel code: the folio is clean from here on for the writeback.
        assume_tlb_coherent(vma, addr);
        return;
    }
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    if pte == null {
        return;
    }
    let entry = *pte;
    if pte_present(entry) && pte_page(entry) == folio && (pte_dirty(entry) || pte_write(entry)) {
        entry = ptep_clear_flush(vma, addr, pte);
        entry = pte_wrprotect(entry);
        entry = pte_mkclean(entry);
        set_pte_at(mm, addr, pte, entry);
    }
    // Ghost, not kernel code: the folio is clean from here on for the writeback.
    assume_tlb_coherent(vma, addr);
    pte_unmap_unlock(pte, ptl);
}
