// nondet(): an outcome decided outside the model. The search takes both ways; the diagram
// shows which one a step took. A BUG_ON on one outcome is found, whichever outcome it is;
// with that outcome made impossible the same model is safe.

test "a BUG_ON on the true outcome is found" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { choose_then_check(true); }
    expect violation(assertion);
}

test "a BUG_ON on the false outcome is found" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { choose_then_check(false); }
    expect violation(assertion);
}

test "with the outcome impossible, the same model is safe" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { choose_then_check(2); }
    expect safe;
}

// Two CPUs, each at a choice behind a shared step: partial-order reduction must not take
// one outcome alone. Only cpu1 choosing true after cpu0 chose false breaks it.
test "choices on two CPUs under reduction: the one bad combination is found" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { record_choice(X, 1); }
    cpu1 { record_choice(X, 2); }
    expect violation(assertion);
}

fn model_says_yes() source "stands for an outcome outside the model" {
    return nondet();
}

fn choose_then_check(bad) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let yes = model_says_yes();
    mmap_read_unlock(mm);
    BUG_ON(yes == bad);
}

// Each CPU takes the PTL, makes its choice while holding it, and records it in the PTE's
// write bit (cpu0) or dirty bit (cpu1). The last one checks the other's record.
fn record_choice(addr, who) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let yes = model_says_yes();
    let pte = *ptep;
    if who == 1 && !yes {
        pte = pte_wrprotect(pte);
    }
    if who == 2 {
        // cpu0 chose false (write bit cleared) and this CPU chooses true
        BUG_ON(!pte_write(pte) && yes && pte_dirty(pte));
    }
    set_pte_at(mm, addr, ptep, pte);
    spin_unlock(ptl);
}
