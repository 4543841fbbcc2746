// mprotect(PROT_READ) takes mmap_lock for write and flushes before dropping it, so no
// fault (which needs mmap_lock for read) can copy the page while CPU2 still holds a stale
// writable entry. Stores through that entry land in the still-mapped page. CPU1's store
// after the mprotect is killed by SIGSEGV, as it must be; nothing else breaks.
test "mprotect RW->RO under the write lock, racing a faulter and a stale-TLB writer" {
    kernel "linux-5.10";
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
