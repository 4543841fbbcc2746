// munmap() frees the PTE tables under the range through its mmu_gather (v5.10,
// models/linux-5.10/mmap.mmk unmap_region()).
//
// unmap_region() zaps the range (unmap_vmas()), then free_pgtables() unlinks each table
// nobody else maps in (pmd_clear()) and queues it in the gather (pte_free_tlb()), and only
// then tlb_finish_mmu() flushes the TLBs and the paging-structure caches and frees the
// queued pages and tables. The order is what makes the table come back: a table queued in
// a gather that has already finished is never freed (and its unlinking never flushed).
//
// X is the last page of the first 2 MiB range and the only VMA there, so munmap(X) frees
// that range's table; the stack S starts the next range. After the unmap, a store to X's
// address grows S down into the first range (v5.10 keeps mmap_lock for write while the
// next VMA is VM_GROWSDOWN, 246c320a8cfe, so it waits for the whole munmap) and the fault
// needs a PTE table there. `tables 2` is the two tables the scenario starts with: the fault
// finds one only if munmap gave X's back. Without it, __pte_alloc() fails, the fault returns
// VM_FAULT_OOM and the store faults again for ever (livelock).

test "the table munmap frees goes back through its gather, and the growing stack gets it" {
    kernel "linux-5.10";
    import "opt-in/stack-growth-v5.10.mmk";
    invariants: lost_write, sigsegv, livelock, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    tables 2;
    vma X at 511: anon private read write;
    vma S at 512: anon private read write growsdown;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { munmap(X, 1); }
    cpu1 { X = 8; }
    expect safe;
}
