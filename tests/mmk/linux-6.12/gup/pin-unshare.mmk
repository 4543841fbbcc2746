// Pin coherence (6.12, models/linux-6.12/gup.mmk gup_must_unshare()): a FOLL_PIN of an
// anonymous page must stay the page mapped at the pinned address. a7f226604170
// ("mm/gup: trigger FAULT_FLAG_UNSHARE when R/O-pinning a possibly shared anonymous page",
// David Hildenbrand, v5.19) with c89357e27f20 ("mm: support GUP-triggered unsharing of
// anonymous pages"): a read-only pin of a page that may be shared (not PageAnonExclusive,
// as after fork()) first unshares it, a FAULT_FLAG_UNSHARE fault that gives this process
// an exclusive copy, mapped read-only, and pins that. GUP-fast gives up on such a page
// (gup_must_unshare(NULL, ...)) and the slow path's follow_page_pte() returns -EMLINK,
// which faultin_page() turns into the unsharing fault.
//
// The scenario: after a fork, the parent (mm0) and the child (mm1) share P read-only. A
// driver thread of the parent pins X read-only (a device that reads the buffer, and must
// see what the process writes there), while another thread of the parent writes X. The
// write faults: on an exclusive page do_wp_page() reuses it (the pin keeps naming the
// mapped page); on a shared one it copies, and the parent's X then maps the copy. Without
// the unshare the pin is taken on the shared P, the write copies P away from the pin, and
// the device reads a page the process no longer maps: the write is never seen through the
// pin.
//
// The machine has no invariant for "the pinned page is the mapped page", so the driver
// checks it: once the writer is done (it signals through the test's own flag), it walks the
// page table under mmap_lock and the PTL and asserts that X still maps the page it pinned.

struct pin_test {
    writer_done: int;
}
global pin_test_state: pin_test;

test "6.12: a read-only pin of a page fork() shared unshares it first, so the writer's COW keeps the pinned page" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty };
    cpu0 { pin_read_then_check(X); }
    cpu1 { X = 8; writer_done(); }
    expect safe;
}

test "before a7f226604170: the read-only pin takes the shared page, and the writer's COW maps a copy instead" {
    kernel "linux-6.12";
    import "gup-must-unshare-v5.18.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty };
    cpu0 { pin_read_then_check(X); }
    cpu1 { X = 8; writer_done(); }
    expect violation(assertion);
}

// The same through the lost-write ghost: the device writes into the page pinned for X
// (dma_add: a store the address must see), the process writes X too. Through a pin of the
// shared page, a DMA after the writer's COW lands in the page only the child maps.
test "6.12: a DMA through a read-only pin of a page fork() shared is seen at the pinned address" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty };
    cpu0 { pin_for_read_dma(X, 100); }
    cpu1 { X += 1; }
    expect safe;
}

test "before a7f226604170: the DMA lands in the page the writer's COW left to the child" {
    kernel "linux-6.12";
    import "gup-must-unshare-v5.18.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty };
    cpu0 { pin_for_read_dma(X, 100); }
    cpu1 { X += 1; }
    expect violation(lost_write);
}

// The writer's signal (a test driver, not kernel code).
fn writer_done() source "mmcheck: a test driver, the writer thread says it is done" {
    pin_test_state.writer_done = 1;
}

// A driver: a read-only pin (pin_user_pages_fast() without FOLL_WRITE), then, once the
// writer is done, the pin-coherence check: the PTE of addr, read under mmap_lock and its
// PTL, maps the pinned page.
fn pin_read_then_check(addr) source "mmcheck: a test driver, a read-only pin and the pin-coherence check" {
    let mm = current_mm();
    let page = null;
    if pin_user_pages_fast(addr, 1, 0, &page) == 1 {
        wait_until(pin_test_state.writer_done == 1);
        mmap_read_lock(mm);
        let ptep = pte_offset_map(mm, addr);
        let ptl = pte_lockptr(mm, ptep);
        spin_lock(ptl);
        let pte = *ptep;
        assert(pte_present(pte) && pte_page(pte) == page);
        spin_unlock(ptl);
        mmap_read_unlock(mm);
        unpin_user_page(page);
    }
}

// A driver: a read-only pin, and a device that writes through it by DMA (as
// tests/mmk/gup/pin-vs-dontneed.mmk's: a stand-in for a device that reads what the process
// wrote, which the lost-write ghost can check).
fn pin_for_read_dma(addr, v) source "mmcheck: a test driver, a DMA through pin_user_pages_fast() without FOLL_WRITE" {
    let page = null;
    if pin_user_pages_fast(addr, 1, 0, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        unpin_user_page(page);
    }
}
