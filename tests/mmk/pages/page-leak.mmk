// The tree's page_leak invariant (models/linux-5.10/invariants.mmk): when every program has
// finished, a page still allocated is referenced by its mappings, the LRU pagevecs that
// hold it and the references the scenario declared, and by nothing else.

// A COW fault on a page mapped twice copies it (do_wp_page() cannot reuse it): the old
// page loses one mapping and its reference, the new one is mapped and parked in cpu0's
// pagevec. Every reference is accounted for, whatever the order of the two stores.
test "COW copies of a page mapped twice leave no reference unaccounted" {
    kernel "linux-5.10";
    invariants: page_leak;
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty };
    pte X[1] -> P { dirty };
    cpu0 { X[0] = 1; }
    cpu1 { X[1] = 2; }
    expect safe;
}

// A reference the scenario declares (a pin held outside the model) is accounted for too.
test "a declared extra reference is not a leak" {
    kernel "linux-5.10";
    invariants: page_leak;
    cpus 1;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { dirty };
    cpu0 { X = 1; }
    expect safe;
}

// A get_page() nobody drops: the page can never be freed.
test "a reference taken and never dropped is a leak" {
    kernel "linux-5.10";
    invariants: page_leak;
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { take_ref(X); }
    expect violation(page_leak);
}

fn take_ref(addr) {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    get_page(vm_normal_page(vma, addr, *ptep));
    spin_unlock(ptl);
}

// A fix file that sets scenario pages up itself must record their extra references too
// (models/fixes/reuse-rule-v5.19-anon-exclusive.mmk overrides scenario_page()).
test "v5.19's reuse rule on an exclusive page with a declared extra reference leaks nothing" {
    kernel "linux-5.10";
    import "fixes/reuse-rule-v5.19-anon-exclusive.mmk";
    invariants: page_leak;
    cpus 1;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { dirty };
    cpu0 { X = 1; }
    expect safe;
}
