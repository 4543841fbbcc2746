// refcount: one put_page() too many.
test "put_page twice on a mapped page" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { double_put(X); }
    expect violation(refcount);
}

fn double_put(addr) {
    let page = pte_page(*pte_offset_map(current_mm(), addr));
    put_page(page);
    put_page(page);
}
