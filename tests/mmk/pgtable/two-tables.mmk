// VMAs in two 2 MiB ranges (`at`): each range has its own PMD entry, PTE table and PTL.
// mprotect() of Y takes Y's PTL alone, so a fault on X runs beside it; each address keeps
// its stores.

test "mprotect of Y beside a store to X in another PTE table" {
    kernel "linux-5.10";
    invariants: default - sigsegv;   // the store to Y after mprotect() is meant to fault
    cpus 3;
    vma X: anon private read write;
    vma Y at 512: anon private read write;
    page P = 7;
    page Q = 9;
    pte X -> P { write dirty accessed };
    pte Y -> Q { write dirty accessed };
    tlb cpu2: Y -> Q { write dirty };
    cpu0 { mprotect(Y, 1, PROT_READ); }
    cpu1 { X = 8; }
    cpu2 { Y = 10; }
    expect safe;
}

// Holding X's PTL does not hold Y's: one CPU takes both (with X and Y in one table they
// would be the same lock, and taking it again would be a deadlock).
test "the PTLs of two tables are two locks" {
    kernel "linux-5.10";
    invariants: deadlock, lock_hygiene, model_error;
    cpus 1;
    vma X: anon private read write;
    vma Y at 512: anon private read write;
    cpu0 { lock_both(X, Y); }
    expect safe;
}

test "in one table, X's and Y's PTL are one lock" {
    kernel "linux-5.10";
    invariants: deadlock, lock_hygiene, model_error;
    cpus 1;
    vma X: anon private read write;
    vma Y: anon private read write;
    cpu0 { lock_both(X, Y); }
    expect violation(deadlock);
}

fn lock_both(a, b) {
    let mm = current_mm();
    let pa = pte_lockptr(mm, pte_offset_map(mm, a));
    let pb = pte_lockptr(mm, pte_offset_map(mm, b));
    spin_lock(pa);
    spin_lock(pb);
    spin_unlock(pb);
    spin_unlock(pa);
}
