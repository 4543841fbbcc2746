// Malformed on purpose: an override calls a primitive that does not exist.
test "unknown primitive" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { X = 8; }
    expect safe;
}

override fn ptep_clear_flush(vma, address, ptep) source "mm/pgtable-generic.c:ptep_clear_flush@v5.10" {
    let pte = ptep_get_and_clear(vma->vm_mm, address, ptep);
    flush_tlb_pages(vma, address);
    return pte;
}
