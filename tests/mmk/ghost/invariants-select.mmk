// A test chooses the invariants it checks: `invariants: SET;` where SET is `all`,
// `default` (the model tree's default set) or a list of names, then `+ NAME` / `- NAME`.
// A violation of an invariant the test does not check is not reported; model_error always is.

// CPU0 write-protects X and never flushes; CPU1 keeps writing through its stale entry. The
// store lands in the page X still maps, so no write is lost: with stale_tlb off, nothing
// is reported.
test "stale_tlb not checked: a write-protect that never flushes is not reported" {
    kernel "linux-5.10";
    invariants: default - stale_tlb;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { wrprotect_no_flush(X); }
    cpu1 { X = 9; }
    expect safe;
}

test "stale_tlb checked: the same write-protect is a violation" {
    kernel "linux-5.10";
    invariants: all;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { wrprotect_no_flush(X); }
    cpu1 { X = 9; }
    expect violation(stale_tlb);
}

// Scenario A checked for lost writes only: its stale entries are not reported, its lost
// write is.
test "only lost_write checked: Scenario A still loses CPU2's store" {
    kernel "linux-5.10";
    invariants: lost_write;
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}

fn wrprotect_no_flush(addr) source "test helper: RW->RO under the PTL, no flush" {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    spin_unlock(ptl);
}
