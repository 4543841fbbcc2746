// A CPU switching into an mm while another CPU of it flushes (x86 with PCID; CVE-2025-37964).
//
// cpu1 ran a task of mm0 before and its PCID still holds X -> P; it now runs mm1 and is not
// in mm0's cpumask. It switches back to mm0 while cpu0 zaps X (MADV_DONTNEED), flushes and
// frees P. switch_mm_irqs_off() sets its bit in mm_cpumask(mm0), then reads tlb_gen; the
// flush bumps tlb_gen, then reads the cpumask: either the switch sees the new generation and
// flushes the ASID, or the flush sees the bit and sends the IPI, which waits for the switch
// (IRQs off) and flushes. v5.10's IPI filter (tlb_is_not_lazy()) sends to every CPU of the
// cpumask that is not lazy. 6db2526c1d69 (v6.14) filtered on loaded_mm == mm too, which a
// CPU writes only after its CR3 load: the flush skips the switching CPU, which then keeps
// the ASID's old entries and stores into the freed page. fea4e317f9e7 flushes a CPU whose
// loaded_mm is LOADED_MM_SWITCHING; in v5.10's order (and 6.1, 6.6 and 6.12's) that store
// comes after the tlb_gen read, so the window stays open until 83b0177a6c48's backport moves
// it before the cpumask and the read.
//
// stale_tlb is checked with the x86 model's promise (stale_tlb_flush_owed()): an mm's entries
// kept under its PCID while the CPU runs another mm, or switches, are not stale yet, as long
// as the switch back is bound to flush them (no ASID slot for the mm, or one behind its
// generation). In the bugs the switching CPU comes back to the mm with the entries unflushed:
// stale_tlb, then the store into the freed page (use_after_free, which the tests expect).

test "v5.10: the switching CPU is in the cpumask before it reads tlb_gen, so it gets the IPI or sees the new generation" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 in mm1 { context_switch(mm0); X = 9; }
    expect safe;
}

test "6db2526c1d69: should_flush_tlb() skips a CPU whose loaded_mm is not yet the mm" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    import "should-flush-tlb-6db2526c1d69.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 in mm1 { context_switch(mm0); X = 9; }
    expect violation(use_after_free);
}

// The same bug under stale_tlb alone: the model's promise (stale_tlb_flush_owed()) forgives
// the switching CPU's kept entries only until it runs the mm again; it comes back with them
// unflushed, and stale_tlb says so before any store.
test "6db2526c1d69 under stale_tlb alone: the CPU runs the mm again with the kept entry" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    import "should-flush-tlb-6db2526c1d69.mmk";
    invariants: stale_tlb, deadlock, lock_hygiene, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 in mm1 { context_switch(mm0); X = 9; }
    expect violation(stale_tlb);
}

test "fea4e317f9e7 with v5.10's switch order: LOADED_MM_SWITCHING comes after the tlb_gen read, and the window stays" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    import "should-flush-tlb-fea4e317f9e7.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 in mm1 { context_switch(mm0); X = 9; }
    expect violation(use_after_free);
}

test "fea4e317f9e7 and 83b0177a6c48's order: the switching CPU is flushed or reads the new generation" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    import "should-flush-tlb-fea4e317f9e7.mmk";
    import "switch-order-83b0177a6c48.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 in mm1 { context_switch(mm0); X = 9; }
    expect safe;
}
