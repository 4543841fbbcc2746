// A `for page` invariant is re-evaluated for a page only when a step writes that page's
// struct page, as long as its evaluations have only ever read the page they are for. This
// one reads another page (through a global handle): every page must be evaluated again
// after every step that changes what it reads, or the violation below is missed.
struct holder {
    q: handle;
}
global g: holder;

invariant q_stays_small for page p "the page g.q names has fewer than 3 references (checked from every page)" {
    g.q == null || p == g.q || page_count(g.q) < 3
}

test "an invariant of page P that reads page Q is checked when only Q changes" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    vma Y: anon private read write;
    page P = 1;
    page Q = 2;
    pte X -> P { write dirty };
    pte Y -> Q { write dirty };
    cpu0 { point_at(Y); bump(Y); bump(Y); }
    expect violation(q_stays_small);
}

fn page_at(addr) {
    return pte_page(*pte_offset_map(current_mm(), addr));
}

fn point_at(addr) {
    g.q = page_at(addr);
}

fn bump(addr) {
    get_page(page_at(addr));
}
