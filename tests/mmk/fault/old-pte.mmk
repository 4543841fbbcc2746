// A PTE declared `old` has no A bit (as after page_referenced() cleared it, or after
// fork's copy_present_pte()'s pte_mkold()): the hardware's walk on the next access sets it,
// in the same step as the access. (x86 caches only accessed translations, so an `old` PTE
// cannot come with a TLB entry.)

test "a store through an old PTE sets its A bit" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty old };
    cpu0 { check_young(X, false); X = 8; check_young(X, true); }
    expect safe;
}

test "an old PTE is not young before the access" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty old };
    cpu0 { check_young(X, true); }
    expect violation(assertion);
}

fn check_young(addr, young) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptep = pte_offset_map(mm, addr);
    assert(pte_young(*ptep) == young);
    mmap_read_unlock(mm);
}
