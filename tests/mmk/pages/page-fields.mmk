// struct page is the model tree's (models/linux-5.10/page.mmk): one per frame, its fields
// reached through a page handle (`page->field`, `&page->field`), each access one step.

test "two get_page()s and put_page()s on a mapped page keep its counts" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { ref_and_drop(X); }
    cpu1 { ref_and_drop(X); }
    expect safe;
}

test "a reference dropped twice frees the page under its mapping: bad_page() and the refcount invariant" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty };
    cpu0 { drop_twice(X); }
    cpu1 { ref_and_drop(X); }
    expect violation(refcount);
}

test "a refcount read and written back in two steps loses a reference" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { racy_get(X); }
    cpu1 { racy_get(X); }
    // three references at the end: the mapping and the two gets
    expect violation(assertion);
}

test "touching a page another CPU dropped the last reference of is use_after_free" {
    kernel "linux-5.10";
    // the frame is freed with its PTE still set: leave out the checks that fire first
    invariants: use_after_free;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { drop_once(X); }
    cpu1 { peek_flags(X); }
    expect violation(use_after_free);
}

fn page_at(addr) {
    return pte_page(*pte_offset_map(current_mm(), addr));
}

fn ref_and_drop(addr) {
    let page = page_at(addr);
    get_page(page);
    put_page(page);
}

fn drop_twice(addr) {
    let page = page_at(addr);
    put_page(page);
    put_page(page);
}

fn drop_once(addr) {
    put_page(page_at(addr));
}

fn peek_flags(addr) {
    let page = page_at(addr);
    let f = page->flags;
}

// page_ref_inc() done wrong: a load and a store of the counter
fn racy_get(addr) {
    let page = page_at(addr);
    let n = atomic_read(&page->_refcount);
    atomic_set(&page->_refcount, n + 1);
    if atomic_add_return(0, &page->_refcount) == 3 {
        // the other CPU's increment is in: both must be
        return;
    }
    assert(page_count(page) != 2 || !racy_done(page));
}

fn racy_done(page) {
    return test_and_set_bit(PG_referenced, &page->flags);
}
