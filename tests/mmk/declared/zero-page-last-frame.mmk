// A `for page` invariant is re-evaluated for the pages a step wrote. With 64 frames the zero
// page is the 65th struct page: a step that writes only its words must still be checked (a
// 64-bit set of touched pages once skipped it, and this test was SAFE).
invariant no_dirty_page for page p "no page has PG_dirty set" {
    !test_bit(PG_dirty, &p->flags)
}

test "a write to the zero page's struct page, with 64 frames, is checked" {
    kernel "linux-5.10";
    cpus 1;
    frames 64;
    vma X: anon private read write;
    cpu0 { dirty_zero_page(); }
    expect violation(no_dirty_page);
}

test "the same with the zero page left alone: safe" {
    kernel "linux-5.10";
    cpus 1;
    frames 64;
    vma X: anon private read write;
    cpu0 { X = 1; }
    expect safe;
}

fn dirty_zero_page() {
    set_bit(PG_dirty, &ZERO_PAGE(0)->flags);
}
