// The x86 shootdown of 6.12.y written as model code (models/arch/x86-tlb-v6.12.mmk), checked
// on the paths of the founding race: the flushes go through mm->context.tlb_gen, the
// per-CPU generations and IPIs (flush_tlb_multi(), which flushes the sending CPU too), and
// must leave no CPU with a stale entry.

test "6.12: mprotect's flush over the IPI protocol: no stale entry survives it" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    invariants: default - sigsegv;   // the store after mprotect() is meant to fault
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ); }
    cpu1 { X = 8; }
    expect safe;
}

// flush_tlb_func()'s first condition for a partial flush, f->new_tlb_gen == local_tlb_gen +
// 1, keeps a CPU that has not caught up with an earlier generation from flushing only the
// newer range and then recording that it caught up with both (its comment gives the example
// of two concurrent flushes, a full one and a partial one, handled in reverse order). Here
// NUMA balancing's scan (cpu0, mmap_lock for read) raises tlb_flush_pending and makes X
// PROT_NONE; MADV_DONTNEED (cpu1, mmap_lock for read) zaps Y and, finding the other flush
// pending (mm_tlb_flush_nested()), flushes the whole mm: generation 1, its IPI to cpu0 still
// queued. cpu0 flushes X: generation 2, and it handles its own flush first: local 0, wanted
// 2, latest 2, so a full flush; the queued IPI of generation 1 then returns early (1 <= 2).
test "6.12: cpu0 two generations behind does a full flush: its writable Y entry goes" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    cpus 2;
    vma X: anon private read write;
    vma Y: anon private read write;
    page P = 7;
    page Q = 9;
    pte X -> P { write dirty accessed };
    pte Y -> Q { write dirty accessed };
    tlb cpu0: Y -> Q { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { madvise(Y, 1, MADV_DONTNEED); }
    expect safe;
}

// The same without that condition: cpu0 flushes X alone and records generation 2; the IPI
// of cpu1's full flush (generation 1) then finds it "already up to date in respect to
// f->new_tlb_gen" and returns. Its entry for Y outlives the zap, and the page behind it is
// freed once cpu1's flush returns.
test "6.12 without the generation check: cpu0 flushes X alone and keeps Y's entry to a freed page" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    import "no-generation-check.mmk";
    cpus 2;
    vma X: anon private read write;
    vma Y: anon private read write;
    page P = 7;
    page Q = 9;
    pte X -> P { write dirty accessed };
    pte Y -> Q { write dirty accessed };
    tlb cpu0: Y -> Q { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { madvise(Y, 1, MADV_DONTNEED); }
    expect violation(stale_tlb);
}
