// The tree's pin_exclusive invariant (models/linux-6.12/invariants.mmk): at the end, a mapped
// anonymous page that may be pinned is exclusive to its process, so no COW can take it away
// from the pin. The scenario of pin-unshare.mmk, with the pin held to the end (so
// page_leak, which counts a pin as a reference nobody accounts for, is not checked): after a
// fork, parent and child share P; the parent pins X read-only while another of its threads
// writes X.

fn pin_and_hold(addr) source "mmcheck: a test driver, a read-only pin held to the end" {
    let page = null;
    pin_user_pages_fast(addr, 1, 0, &page);
}

test "6.12: the read-only pin unshares P first, and the pinned copy stays exclusive" {
    kernel "linux-6.12";
    invariants: default - page_leak;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty };
    cpu0 { pin_and_hold(X); }
    cpu1 { X = 8; }
    expect safe;
}

// Before a7f226604170 the pin takes the shared P; the writer's COW then maps a copy in the
// parent, and the pinned P is left mapped, shared, in the child.
test "before a7f226604170: the pinned page is left shared, and pin_exclusive breaks" {
    kernel "linux-6.12";
    import "gup-must-unshare-v5.18.mmk";
    invariants: default - page_leak;
    cpus 2;
    mms 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    pte mm1:X -> P { dirty };
    cpu0 { pin_and_hold(X); }
    cpu1 { X = 8; }
    expect violation(pin_exclusive);
}
