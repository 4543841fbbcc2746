// Test drivers the 6.12 THP tests share (not kernel code).

// A driver: pin the page of addr for write, let the device add v to it by DMA, unpin.
fn pin_for_dma(addr, v) source "mmcheck: a test driver, a DMA through pin_user_pages_fast(FOLL_WRITE)" {
    let page = null;
    if pin_user_pages_fast(addr, 1, FOLL_WRITE, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        unpin_user_page(page);
    }
}

// What the collapse left: the range of addr mapped by a huge leaf (a collapse that did
// nothing would pass the race tests).
fn check_collapsed(addr) source "mmcheck: a test driver, the PMD entry a collapse leaves" {
    let mm = current_mm();
    mmap_read_lock(mm);
    assert(pmd_trans_huge(*pmd_offset(mm, addr)));
    mmap_read_unlock(mm);
}
