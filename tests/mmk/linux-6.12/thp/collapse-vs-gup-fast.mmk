// khugepaged collapsing a PTE table into a huge PMD leaf while GUP-fast pins a page through
// it (6.12, models/linux-6.12/khugepaged.mmk and gup.mmk).
//
// collapse_huge_page() takes mmap_lock for write and the VMA's lock (vma_start_write()),
// clears the PMD entry and flushes (pmdp_collapse_flush()), sends an IPI to every CPU and
// waits for it (tlb_remove_table_sync_one(), 2ba99c5e0881), then checks under the old
// table's PTL that nobody holds an extra reference to the page (is_refcount_suitable()),
// copies it into the huge page, deposits the old table and maps the huge leaf. GUP-fast walks
// with IRQs disabled and no lock: it reads the PMD entry, the PTE through the table it names,
// pins the page and rechecks both (70cbc3cc78a99). On x86 the flush is an IPI that waits for
// GUP-fast to enable IRQs, so a walk that saw the old PMD entry has pinned before the
// refcount check, and the collapse backs off; where TLB invalidation does not interrupt the
// walker (`knob tlb_broadcast`: a paravirtual flush that skips preempted vCPUs, arm64's
// TLBI), tlb_remove_table_sync_one()'s IPI still does, and GUP-fast's PMD recheck catches a
// walk that starts later. Either way the pin and the mapping agree: the driver's DMA lands
// in the page X maps at the end (lost_write checks it).

import "thp-test-helpers.mmk";

test "6.12, x86: the flush IPI waits for the IRQs-off walker, so the collapse sees its pin" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

test "6.12, broadcast TLB invalidation: tlb_remove_table_sync_one() and the PMD recheck keep pin and mapping together" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

// The collapse does collapse: alone, it leaves a huge leaf, and a store after it lands in
// the huge page.
test "6.12: a collapse with nobody racing it maps the huge leaf" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 1;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); check_collapsed(X); X += 1; }
    expect safe;
}

// GUP-fast without the PMD recheck (before 70cbc3cc78a99, "mm: gup: fix the fast GUP race
// against THP collapse", Yang Shi, v6.0-rc) and khugepaged without the IPI (before
// 2ba99c5e0881, "mm/khugepaged: fix GUP-fast interaction by sending IPI", Jann Horn,
// v6.1): with broadcast TLB invalidation nothing holds khugepaged off a walker that read
// the old PMD entry. GUP-fast pins after the refcount check, its PTE recheck passes (the
// PTE stays until the copy), and the DMA goes to the old page, which the process no longer
// maps (lost_write). Either fix alone closes this in 6.12: the IPI waits for the walker to
// finish its pin before the refcount check, and the PMD recheck sends a walk that pins
// after the clear to the slow path.
test "without 70cbc3cc78a99 and 2ba99c5e0881: GUP-fast pins the page the collapse copies away" {
    kernel "linux-6.12";
    import "gup-fast-no-pmd-recheck-70cbc3cc78a99.mmk";
    import "khugepaged-no-ipi-2ba99c5e0881.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect violation(lost_write);
}

test "without 70cbc3cc78a99 alone: tlb_remove_table_sync_one()'s IPI waits for the pin" {
    kernel "linux-6.12";
    import "gup-fast-no-pmd-recheck-70cbc3cc78a99.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}
