// Two CPUs increment the toy counter once each.
test "two increments" {
    kernel "toy";
    cpus 2;
    vma X: anon private read write;
    cpu0 { inc(); }
    cpu1 { inc(); }
    expect safe;
}
