// A driver pins a page for DMA while the program discards the range (MADV_DONTNEED), v5.10.
// Whichever comes first, the device's DMA lands in the pinned page: if the discard took the
// page from the address first (or while the pin was taken), the DMA is lost with the
// discarded page. That is the program's own race between its pin and its discard, which
// madvise(2) allows: no lost write. (Before the ghost kept a discarded page marked until it
// is freed, the DMA after the discard was taken for one the address must see.)

import "gup-test-helpers.mmk";

test "a DMA into a page the program discarded is the program's race, not a lost write" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// The discard is one address space's: the page stays mm1's, and mm1's address must see a
// DMA through mm1's pin, whenever mm0 discards its own mapping of the page.
test "a discard in one mm leaves the page another mm maps: its DMA must be seen there" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 in mm1 { pin_for_read_dma(X, 100); }
    expect safe;
}

// The same through a read pin of a COW-shared page (no FOLL_WRITE: no COW break), as a
// device that writes through a read-only pin would (the pin-coherence hole of v5.10 that
// the page stays shared).
fn pin_for_read_dma(addr, v) {
    let page = null;
    if pin_user_pages_fast(addr, 1, 0, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        unpin_user_page(page);
    }
}
