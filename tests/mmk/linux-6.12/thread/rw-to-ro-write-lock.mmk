// The scenario of tests/mmk/mprotect/rw-to-ro-write-lock.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// mprotect(PROT_READ) takes mmap_lock for write and flushes before dropping it, so no
// fault (which needs mmap_lock for read) can copy the page while CPU2 still holds a stale
// writable entry. Stores through that entry land in the still-mapped page. CPU1's store
// after the mprotect is killed by SIGSEGV, as it must be; nothing else breaks.
test "mprotect RW->RO under the write lock, racing a faulter and a stale-TLB writer" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
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
