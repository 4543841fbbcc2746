// Two `cpus` lines: which one holds? Neither: it is an error.
test "two cpus lines" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpus 2;
    cpu0 { X = 1; }
}
