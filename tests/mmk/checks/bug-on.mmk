// assertion: BUG_ON() in a model fires.
test "BUG_ON a present PTE" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { check_absent(X); }
    expect violation(assertion);
}

fn check_absent(addr) {
    BUG_ON(pte_present(*pte_offset_map(current_mm(), addr)));
}
