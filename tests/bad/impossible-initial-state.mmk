// Malformed on purpose: CPU1 caches a writable translation of a read-only PTE while no
// flush is pending, a state no kernel path can leave behind.
test "impossible TLB entry" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { X = 8; }
    expect safe;
}
