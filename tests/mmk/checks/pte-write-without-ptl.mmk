// lock_hygiene: a PTE written without its page-table lock.
test "set_pte_at without the PTL" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { unlocked_wrprotect(X); }
    expect violation(lock_hygiene);
}

fn unlocked_wrprotect(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
}
