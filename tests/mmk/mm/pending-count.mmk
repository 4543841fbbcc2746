// mm->tlb_flush_pending counts the paths with a flush deferred past the PTL, because
// several may be at it at once: NUMA hinting changes PTEs under mmap_read_lock, so two
// task_numa_work() scans can overlap. With v4.12's bool (fixes/tlb-flush-pending-bool-v4.12.mmk)
// the second scan finds the PTE already PROT_NONE, changes nothing, flushes nothing, and
// clears the flag under the first scan's deferred flush: cpu2 still caches X writable with
// no flush advertised. With v5.10's count its decrement leaves the first scan's raise.
test "tlb_flush_pending as v4.12's flag: an overlapping NUMA scan clears it under a deferred flush" {
    kernel "linux-5.10";
    import "fixes/tlb-flush-pending-bool-v4.12.mmk";
    cpus 3;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { task_numa_work(); }
    expect violation(stale_tlb);
}

test "v5.10's count: overlapping NUMA scans keep the deferred flush advertised" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { task_numa_work(); }
    expect safe;
}
