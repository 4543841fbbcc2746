// Test drivers the 6.12 migration tests share (not kernel code).

// The entry point: move_pages(2) of the page at addr to another node, under mmap_lock held
// for read. In 6.12 add_folio_for_migration() drops mmap_lock before migrate_pages() runs and
// the rmap walk holds the anon_vma lock instead; the tree has no anon_vma objects or rmap
// walk (models/linux-6.12/migrate.mmk), so the driver keeps mmap_lock across the migration,
// which keeps the VMA and its page table in place as the anon_vma lock does for the walk.
fn migrate_page_at(addr) source "mm/migrate.c:do_pages_move@v6.12 (one page: add_folio_for_migration() and do_move_pages_to_node(), under mmap_lock)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    migrate_one_page(vma, addr);
    mmap_read_unlock(mm);
}

// Which page X maps now (a test driver's look under the PTL): the migration's
// destination once it has run, or null if the PTE is not present.
fn page_mapped_at(addr) source "mmcheck: a test driver, the page the PTE of addr maps" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptl = null;
    let page = null;
    let ptep = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    if ptep != null {
        if pte_present(*ptep) {
            page = pte_page(*ptep);
        }
        pte_unmap_unlock(ptep, ptl);
    }
    mmap_read_unlock(mm);
    return page;
}

// A driver: pin the page of addr for write, let the device add v to it by DMA, unpin.
fn pin_for_dma(addr, v) source "mmcheck: a test driver, a DMA through pin_user_pages_fast(FOLL_WRITE)" {
    let page = null;
    if pin_user_pages_fast(addr, 1, FOLL_WRITE, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        unpin_user_page(page);
    }
}
