// An `at end` invariant may read per-CPU variables without making their words visible to
// the partial-order reduction: the reduction keeps every end state. Here two CPUs fault in
// the same page; the winner's fault parks the new page in its own pagevec, the loser's
// page is freed. Which pagevec ends up holding it depends on the interleaving, and the
// end state where cpu1 won must still be found with the reduction on.
invariant cpu1_pagevec_empty at end "cpu1's LRU pagevec is empty when the programs have finished" {
    per_cpu_ptr(&lru_add, 1)->nr == 0
}

test "the end state where cpu1's fault won the race is reached" {
    kernel "linux-5.10";
    invariants: cpu1_pagevec_empty;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 1; }
    cpu1 { X = 2; }
    expect violation(cpu1_pagevec_empty);
}

test "with cpu1 only reading, its pagevec stays empty" {
    kernel "linux-5.10";
    invariants: cpu1_pagevec_empty;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 1; }
    cpu1 { let v = *X; }
    expect safe;
}
