// The scenario of tests/mmk/thread/numa-hinting.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Negative control: NUMA hinting (task_numa_work -> change_prot_numa) changes PTEs under
// mmap_read_lock, with a deferred flush, but leaves a catcher (PROTNONE -> do_numa_page)
// and preserves the write bit: a fault never sees a read-only PTE that a CPU still writes.
test "NUMA hinting racing a faulter and a stale-TLB writer" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
