// khugepaged collapsing a PTE table into a huge PMD leaf while GUP-fast pins a page through
// it (70cbc3cc78a99, "mm: gup: fix the fast GUP race against THP collapse", v6.0,
// backported to v5.10.148).
//
// collapse_huge_page() clears the PMD entry and flushes (pmdp_collapse_flush()), then checks
// under the old table's PTL that no one holds an extra reference to the page
// (is_refcount_suitable()), copies it into the huge page and maps that. GUP-fast walks with
// IRQs disabled and no lock: it reads the PMD entry, then the PTE through the table it
// names, pins the page and rechecks the PTE (not the PMD). On x86 the flush is an IPI that
// waits for GUP-fast to enable IRQs, so a walk that saw the old PMD entry has pinned before
// the refcount check. Where TLB invalidation is broadcast by the hardware (arm64; KVM's
// paravirtual flush that skips preempted vCPUs), nothing waits: GUP-fast pins after the
// check, its PTE recheck passes (the PTEs stay until the copy), and the driver's DMA goes to
// the old page, which the process no longer maps (lost_write). The fix rechecks the PMD
// entry too, and backs off to the slow path, which waits for khugepaged's mmap_lock.

import "../gup/gup-test-helpers.mmk";

test "x86: the flush IPI waits for the IRQs-off walker, so the collapse sees its pin" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

test "broadcast TLB invalidation (v5.10): GUP-fast pins the page the collapse copies away" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect violation(lost_write);
}

test "broadcast TLB invalidation with 70cbc3cc78a99: GUP-fast rechecks the PMD entry" {
    kernel "linux-5.10";
    import "fixes/70cbc3cc78a99-gup-fast-pmd-recheck.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

