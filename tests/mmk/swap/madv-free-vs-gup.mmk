// MADV_FREE (v5.10) with reclaim (MADV_PAGEOUT, opt-in/swap-v5.10.mmk): a lazyfree page
// may be thrown away, and the address then reads zero-fill, unless something was stored in
// it after the MADV_FREE. A direct IO read into the buffer pins it with GUP, lets the device
// write it, and only then dirties it (bio_set_pages_dirty()): between the pin and the
// dirtying, v5.10's reclaim sees a clean lazyfree page and discards it, and the data read
// lands in a page no PTE maps (6c8e2a256915: "Userspace might read the zero-page instead of
// actual data from a direct IO read").

test "MADV_FREE, then a store: reclaim keeps the redirtied page" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_FREE); X = 7; }
    cpu1 { madvise(X, 1, MADV_PAGEOUT); }
    expect safe;
}

test "MADV_FREE, then nothing: reclaim may throw the contents away" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error, assertion;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_FREE); let v = *X; assert(v == 5 || v == 0); }
    cpu1 { madvise(X, 1, MADV_PAGEOUT); }
    expect safe;
}

test "v5.10: a direct IO read into a MADV_FREE buffer races reclaim, and the data is lost" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_FREE); direct_io_read(X, 100); }
    cpu1 { madvise(X, 1, MADV_PAGEOUT); }
    expect violation(lost_write);
}

test "with 6c8e2a256915, reclaim keeps a lazyfree page GUP holds" {
    kernel "linux-5.10";
    import "opt-in/swap-v5.10.mmk";
    import "fixes/6c8e2a256915-madv-free-gup-refcount.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 3;
    vma X: anon private read write;
    page P = 5;
    pte X -> P { write, dirty };
    cpu0 { madvise(X, 1, MADV_FREE); direct_io_read(X, 100); }
    cpu1 { madvise(X, 1, MADV_PAGEOUT); }
    expect safe;
}

// A direct IO read into the buffer at addr (__blkdev_direct_IO_simple(), a test driver):
// bio_iov_iter_get_pages() pins it with get_user_pages_fast(FOLL_WRITE), the device writes
// v into it, then bio_set_pages_dirty() (set_page_dirty_lock()) and the bio's release of
// the page.
fn direct_io_read(addr, v) source "mmcheck: a test driver, a block device's direct IO read (fs/block_dev.c:__blkdev_direct_IO_simple@v5.10)" {
    let page = null;
    if get_user_pages_fast(addr, 1, FOLL_WRITE, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        lock_page(page); // set_page_dirty_lock()
        set_page_dirty(page);
        unlock_page(page);
        put_page(page);
    }
}
