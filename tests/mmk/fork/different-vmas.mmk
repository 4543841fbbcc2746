// Two processes with different VMAs: `vma mm1:Z ...` is a VMA of address space 1 only, and
// `vma mm0:W ...` one of mm0 only; an unqualified VMA is in every declared address space.
// Each process faults in its own VMAs, and an address only the other process maps is a
// SIGSEGV.

test "each process reaches its own VMAs and the shared one" {
    kernel "linux-5.10";
    invariants: lost_write, sigsegv, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 6;
    vma X: anon private read write;
    vma mm0:W at 600: anon private read write;
    vma mm1:Z at 1200: anon private read write;
    page P = 7;
    pte W -> P { write dirty accessed };
    cpu0 { W = 8; X = 1; }
    cpu1 in mm1 { Z = 2; X = 3; }
    expect safe;
}

test "an address only the other process maps is a SIGSEGV" {
    kernel "linux-5.10";
    invariants: sigsegv, model_error;
    cpus 1;
    mms 2;
    tables 6;
    vma X: anon private read write;
    vma mm0:W at 600: anon private read write;
    vma mm1:Z at 1200: anon private read write;
    cpu0 in mm1 { W = 1; }
    expect violation(sigsegv);
}
