// Test drivers the GUP tests share (not kernel code): a driver pins a user page and its
// device writes into it by DMA.

// A driver: pin the page of addr for write, let the device add v to it by DMA, unpin.
fn pin_for_dma(addr, v) source "mmcheck: a test driver, a DMA through pin_user_pages_fast(FOLL_WRITE)" {
    let page = null;
    if pin_user_pages_fast(addr, 1, FOLL_WRITE, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        unpin_user_page(page);
    }
}
