// Negative control: NUMA hinting (task_numa_work -> change_prot_numa) changes PTEs under
// mmap_read_lock, with a deferred flush, but leaves a catcher (PROTNONE -> do_numa_page)
// and preserves the write bit: a fault never sees a read-only PTE that a CPU still writes.
test "NUMA hinting racing a faulter and a stale-TLB writer" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
