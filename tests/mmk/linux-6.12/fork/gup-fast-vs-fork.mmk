// GUP-fast pins a page while fork() copies the page tables (6.12): the write_protect_seq
// protocol of 57efa1fe5957 ("mm/gup: prevent gup_fast from racing with COW during fork",
// v5.11-rc1, backported to v5.10.4), as 6.12 has it with PageAnonExclusive.
//
// A driver thread pins X for write with pin_user_pages_fast(), for a device to write into by
// DMA; another thread of the process forks, then writes X itself. Fork asks "may this page be
// pinned?" under the PTLs (folio_try_dup_anon_rmap_pte(): MMF_HAS_PINNED and
// folio_maybe_dma_pinned() of a PageAnonExclusive page) and copies such a page into the child
// at once, so that the pin keeps naming the page the parent maps. GUP-fast takes no lock:
// it reads the PTE, pins, and checks that the PTE did not change; a writable PTE needs no
// unshare check. If the pin lands after fork's question and before fork write-protects the
// parent's PTE, both checks pass: the child shares the pinned page, PageAnonExclusive is
// cleared, the parent's PTE is read-only, and the parent's next write copies it away from the
// pin. The device's DMA then lands in a page only the child maps: the parent never sees it
// (lost_write on the parent's X). 6.12 wraps fork's copy in the write side of
// mm->write_protect_seq, and GUP-fast with FOLL_PIN gives up (and takes the slow path, which
// waits for fork's mmap_lock) if the count was odd when it started or changed during its walk.

import "../../gup/gup-test-helpers.mmk";

test "6.12: a GUP-fast pin either comes before fork's pinned check or takes the slow path" {
    kernel "linux-6.12";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
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

test "6.12 without 57efa1fe5957: a GUP-fast pin racing fork's write-protect leaves the DMA in the child's page" {
    kernel "linux-6.12";
    import "copy-page-range-no-seqcount.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
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

// Before 70e806e4e645 ("mm: Do early cow for pinned pages during fork() for ptes", Peter Xu,
// v5.9) fork shared a pinned page with the child like any other: even a pin taken long before
// the fork loses the parent's page at the parent's next write. (The later race above needs
// the pin to land inside fork's copy; this one does not.)
test "6.12 without 70e806e4e645: fork shares a pinned page, and the parent's write copies it away from the pin" {
    kernel "linux-6.12";
    import "dup-anon-rmap-no-early-cow.mmk";
    invariants: lost_write, stale_tlb, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
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
