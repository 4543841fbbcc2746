// Test drivers the 6.12 GUP tests share (not kernel code): a driver pins a user page and its
// device writes into it by DMA; a debugger writes through /proc/pid/mem.

// A driver: pin the page of addr for write, let the device add v to it by DMA, unpin.
fn pin_for_dma(addr, v) source "mmcheck: a test driver, a DMA through pin_user_pages_fast(FOLL_WRITE)" {
    let page = null;
    if pin_user_pages_fast(addr, 1, FOLL_WRITE, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        unpin_user_page(page);
    }
}

// The debugger's write: __access_remote_vm() for one word of the current mm
// (get_user_pages_remote() with FOLL_FORCE | FOLL_WRITE is get_user_pages_unlocked() here,
// and copy_to_user_page() the kernel's store into the page it got, which the lost-write
// ghost expects at addr).
fn proc_mem_write(addr, v) source "mmcheck: a test driver, mm/memory.c:__access_remote_vm@v6.12 with FOLL_FORCE | FOLL_WRITE" {
    let page = null;
    if get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_FORCE) == 1 {
        dma_add(page, v, current_mm(), addr);
        put_page(page);
    }
}
