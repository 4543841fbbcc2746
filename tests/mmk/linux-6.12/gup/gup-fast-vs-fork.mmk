// GUP-fast pins a page while fork() write-protects it (6.12, models/linux-6.12/gup.mmk
// gup_fast(); 57efa1fe5957, "mm/gup: prevent gup_fast from racing with COW during fork",
// Jason Gunthorpe, v5.11-rc1; tests/mmk/fork/gup-fast-vs-fork.mmk for v5.10).
//
// A driver thread pins X for write with pin_user_pages_fast(), for a device to write into
// by DMA; another thread of the process forks, then writes X. In 6.12 fork's
// copy_present_ptes() asks folio_try_dup_anon_rmap_pte() first: a page that is
// PageAnonExclusive and may be pinned (MMF_HAS_PINNED, folio_maybe_dma_pinned()) is copied
// for the child at once; any other is shared, marked not exclusive and write-protected in
// the parent. Nothing orders that check against GUP-fast, which takes neither lock: the
// walk reads the writable PTE, fork finds the page unpinned and shares it, GUP-fast pins
// it and its PTE recheck still passes, and then fork write-protects the parent's PTE. The
// parent's next write finds a page that is not exclusive (and pinned: refcount over 3) and
// copies it away from the pin: the device's DMA lands in a page only the child maps
// (lost_write on the parent's X). 57efa1fe5957 wraps fork's copy in the write side of
// mm->write_protect_seq; a FOLL_PIN GUP-fast that overlapped it unpins and takes the slow
// path, which waits for fork's mmap_lock.

import "gup-test-helpers.mmk";

test "6.12: a GUP-fast pin racing fork either comes before fork's check or takes the slow path" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { fork_mm(); X += 1; }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

test "without 57efa1fe5957: the pin races fork's write-protect and the DMA lands in the child's page" {
    kernel "linux-6.12";
    import "gup-fast-no-write-protect-seq.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { fork_mm(); X += 1; }
    cpu1 { pin_for_dma(X, 100); }
    expect violation(lost_write);
}
