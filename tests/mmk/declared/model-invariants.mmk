// Invariants a model declares: checked on every state (for every allocated page with
// `for page`), or where every program has finished (`at end`), and named in expectations
// like the built-in ones.

invariant refs_cover_maps for page p "a page's refcount covers its mappings" {
    page_count(p) >= page_mapcount(p)
}

invariant pending_drained at end "tlb_flush_pending is back to 0 when every program has finished" {
    !mm_tlb_flush_pending(current_mm())
}

test "a put_page too many breaks the file's refcount invariant" {
    kernel "linux-5.10";
    // the tree's refcount invariant says the same: this test checks the file's own
    invariants: default - refcount;
    cpus 1;
    vma X[2]: anon private read write;
    page P = 7;
    // mapped twice: refcount 2, mapcount 2; one put_page leaves it mapped but short
    pte X[0] -> P { write dirty };
    pte X[1] -> P { write dirty };
    cpu0 { drop_ref(X); }
    expect violation(refs_cover_maps);
}

test "a get_page and a put_page keep it" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { get_and_put(X); }
    cpu1 { get_and_put(X); }
    expect safe;
}

test "the v5.10 tree's refcount invariant catches the same put_page" {
    kernel "linux-5.10";
    cpus 1;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { write dirty };
    pte X[1] -> P { write dirty };
    cpu0 { drop_ref(X); }
    expect violation(refcount);
}

test "a raised tlb_flush_pending at the end breaks the end-of-run invariant" {
    kernel "linux-5.10";
    // lock_hygiene checks the same at the end; leave it out to see the model's own
    invariants: default - lock_hygiene;
    cpus 1;
    vma X: anon private read write;
    cpu0 { raise(); }
    expect violation(pending_drained);
}

fn drop_ref(addr) {
    let page = pte_page(*pte_offset_map(current_mm(), addr));
    put_page(page);
}

fn get_and_put(addr) {
    let page = pte_page(*pte_offset_map(current_mm(), addr));
    get_page(page);
    put_page(page);
}

fn raise() {
    inc_tlb_flush_pending(current_mm());
}
