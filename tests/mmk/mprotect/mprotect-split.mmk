// mprotect() of part of a VMA (v5.10): mprotect_fixup() splits the VMA at the range's ends
// (split_vma()) and changes the flags of the middle part alone, under mmap_lock held for
// write; change_protection() then write-protects its PTEs and flushes. A store to the
// protected page lands before the PTE change or faults with SIGSEGV; the others land.

test "mprotect of the middle page: stores to the sides land, the middle one lands first or faults" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[3]: anon private read write;
    page P = 7;
    page Q = 8;
    page R = 9;
    pte X[0] -> P { write dirty accessed };
    pte X[1] -> Q { write dirty accessed };
    pte X[2] -> R { write dirty accessed };
    tlb cpu1: X[1] -> Q { write dirty };
    cpu0 { mprotect(X[1], 1, PROT_READ); }
    cpu1 { X[0] = 1; X[1] = 2; X[2] = 3; }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(stale_tlb);
}

test "mprotect of the middle page, then the sides are still writable" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, assertion, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    vma X[3]: anon private read write;
    page P = 7;
    pte X[0] -> P { write dirty accessed };
    cpu0 {
        let r = mprotect(X[1], 1, PROT_READ);
        assert(r == 0);
        X[2] = 3;
        let v = *X[1];
        assert(v == 0);
    }
    cpu1 { X[0] = 1; }
    expect safe;
}
