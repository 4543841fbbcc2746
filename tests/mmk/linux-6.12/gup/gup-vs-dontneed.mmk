// GUP's slow path looking a page up for write while another thread zaps it with
// MADV_DONTNEED (6.12, models/linux-6.12/gup.mmk follow_page_pte()), and a driver's pin
// racing the same discard.
//
// follow_page_pte() reads the PTE and takes its reference under the PTL
// (pte_offset_map_lock()). MADV_DONTNEED runs under mmap_lock held for read too, so both run
// at once: its zap clears the PTE under the same PTL and frees the page only after its TLB
// flush (tlb_finish_mmu()). The PTL is what keeps the page the lookup read from being freed
// before try_grab_folio(): with the PTE read before the lock, the lookup can take its
// reference on a page already back in the allocator (use_after_free; the last test).

import "gup-test-helpers.mmk";

test "6.12: MADV_DONTNEED racing a FOLL_WRITE get_user_pages(): the PTL orders the lookup's reference and the zap" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { write_then_put(X, 5); }
    expect safe;
}

// A driver pins for DMA while the program discards the range: whichever comes first, the
// DMA lands in the pinned page; if the discard took the page from the address first, the
// DMA is lost with it, the program's own race (no lost write).
test "6.12: a pin racing MADV_DONTNEED: a DMA into a page the program discarded is its own race" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// The check that the first scenario reaches the race: follow_page_pte() with the PTE read
// (and the page named) before the PTL is taken.
test "6.12: the lookup with the PTE read before the PTL grabs a freed page (the scenario's check)" {
    kernel "linux-6.12";
    import "follow-page-pte-unlocked.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { write_then_put(X, 5); }
    expect violation(use_after_free);
}

// A short-term user of the page (as access_remote_vm() is): look it up for write through
// the slow path, store through it as the kernel would (copy_to_user_page()), then drop the
// reference.
fn write_then_put(addr, v) {
    let page = null;
    if get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE) == 1 {
        dma_add(page, v, current_mm(), addr);
        put_page(page);
    }
}
