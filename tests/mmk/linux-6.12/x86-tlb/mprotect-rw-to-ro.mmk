// A 6.12 path test run over the x86 flush protocol: the first test of
// tests/mmk/linux-6.12/mprotect/rw-to-ro.mmk with models/arch/x86-tlb-v6.12.mmk imported, so
// mprotect()'s mmu_gather flush (tlb_end_vma() -> tlb_flush_mmu_tlbonly() -> tlb_flush())
// goes through flush_tlb_mm_range(), flush_tlb_multi() and the IPIs instead of the
// machine's synchronous shootdown.
//
// mprotect(PROT_READ) on 6.12: do_mprotect_pkey() takes mmap_lock for write and gathers the
// whole call in one mmu_gather; change_pte_range() write-protects the PTE under the PTL and
// records the flush (pte_needs_flush(): RW cleared), and tlb_end_vma() flushes at the end of
// the VMA's walk, before mmap_write_unlock(): tlb_gen 1, an IPI to cpu1 and cpu2 (both in
// the mm's cpumask, neither lazy), and cpu0's own flush. No fault (mmap_lock for read, or the
// VMA lock, which vma_start_write() in mprotect_fixup() excludes) can copy the page while
// CPU2 still holds a stale writable entry, and stores through that entry land in the
// still-mapped page. CPU1's store after the mprotect is killed by SIGSEGV, as it must be;
// nothing else breaks.
test "6.12 over the x86 flush protocol: mprotect RW->RO racing a faulting store and a stale-TLB writer" {
    kernel "linux-6.12";
    import "arch/x86-tlb-v6.12.mmk";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(stale_tlb);
    expect no violation(use_after_free);
    expect no violation(deadlock);
    expect no violation(lock_hygiene);
    expect no violation(refcount);
}
