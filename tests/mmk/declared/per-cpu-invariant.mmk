// A model invariant that reads a per-CPU variable must see every step that changes it. The
// per-CPU words normally carry no reduction bit (only their own CPU touches them); here an
// invariant reads cpu0's pagevec, so a step that fills it must be checked against it.
invariant pagevec_empty "cpu0's LRU pagevec is empty (false once a fault parks a page there)" {
    per_cpu_ptr(&lru_add, 0)->nr == 0
}

test "an invariant over cpu0's pagevec is checked when a fault fills it" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { X = 1; }
    expect violation(pagevec_empty);
}
