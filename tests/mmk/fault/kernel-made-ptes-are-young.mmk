// x86 PAGE_COPY, PAGE_READONLY and PAGE_NONE carry _PAGE_ACCESSED, and mk_pte() keeps it
// (arch/x86/include/asm/pgtable_types.h, v5.10): a PTE the fault path installs is young
// before any access through it. CPU1 looks at the PTE under the PTL as soon as it is
// installed, before CPU0's retried access could set A by a walk.

test "a write fault installs a young PTE" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 1; }
    cpu1 { check_young(X); }
    expect safe;
}

test "a read fault installs a young zero-page PTE" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { let v = *X; }
    cpu1 { check_young(X); }
    expect safe;
}

fn check_young(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let pte = *ptep;
    BUG_ON(pte_present(pte) && !pte_young(pte));
    spin_unlock(ptl);
}
