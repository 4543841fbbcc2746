// A CPU switching into an mm while another CPU of it flushes (x86 with PCID, 6.12.y;
// CVE-2025-37964 and its stable follow-up).
//
// cpu1 ran a task of mm0 before and its PCID still holds X -> P; it now runs mm1 and is not
// in mm0's cpumask. It switches back to mm0 while cpu0 zaps X (MADV_DONTNEED), flushes and
// frees P. switch_mm_irqs_off() sets its bit in mm_cpumask(mm0), then reads tlb_gen; the
// flush bumps tlb_gen, then reads the cpumask: either the switch sees the new generation and
// flushes the ASID, or the flush sees the bit and, if its IPI filter lets it, sends the IPI,
// which waits for the switch (IRQs off) and flushes.
//
// The filter's history in 6.12.y: 6.12.0's tlb_is_not_lazy() sends to every CPU of the
// cpumask that is not lazy (safe). 6db2526c1d69's should_flush_tlb() (v6.14, backported)
// filters on loaded_mm == mm too, which a switching CPU writes only after its CR3 load: the
// flush skips it, and it keeps the ASID's old entries and stores into the freed page.
// fea4e317f9e7 (CVE-2025-37964, backported; in 6.12.40) flushes a CPU whose loaded_mm is
// LOADED_MM_SWITCHING; but in 6.12.y's switch_mm_irqs_off() that store came after the
// tlb_gen read, so the window stayed open until the stable backport of 83b0177a6c48 moved
// it before the cpumask updates and the read (models/arch/x86-tlb-v6.12.mmk has it).
//
// stale_tlb is checked with the x86 model's promise (stale_tlb_flush_owed()): an mm's entries
// kept under its PCID while the CPU runs another mm, or switches, are not stale yet, as long
// as the switch back is bound to flush them (no ASID slot for the mm, or one behind its
// generation). In the bugs the switching CPU comes back to the mm with the entries unflushed:
// stale_tlb, then the store into the freed page (use_after_free, which the tests expect).

test "6.12.y: LOADED_MM_SWITCHING first (83b0177a6c48's backport) and fea4e317f9e7's should_flush_tlb(): flushed or reads the new generation" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
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

test "6.12.0: tlb_is_not_lazy() sends to every CPU of the cpumask, whatever its switch order" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    import "tlb-is-not-lazy-v6.12.0.mmk";
    import "switch-order-6.12.40.mmk";
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

test "6db2526c1d69 (fixed by fea4e317f9e7): should_flush_tlb() skips a CPU whose loaded_mm is not yet the mm" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    import "should-flush-tlb-6db2526c1d69.mmk";
    import "switch-order-6.12.40.mmk";
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
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    import "should-flush-tlb-6db2526c1d69.mmk";
    import "switch-order-6.12.40.mmk";
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

// 6db2526c1d69's filter is wrong whatever the switch order: with LOADED_MM_SWITCHING stored
// first (6.12.y's order now), it still sees a loaded_mm that is not the mm and skips.
test "6db2526c1d69's should_flush_tlb() with 6.12.y's switch order: LOADED_MM_SWITCHING is not the mm either" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
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

test "6.12.40 (fixed by 83b0177a6c48's backport): fea4e317f9e7's test of LOADED_MM_SWITCHING, but the store comes after the tlb_gen read" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    import "switch-order-6.12.40.mmk";
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
