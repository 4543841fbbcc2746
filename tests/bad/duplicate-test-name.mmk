// Two tests with one name: `--test` and replay tokens could not tell them apart.
test "store" {
    kernel "linux-5.10";
    vma X: anon private read write;
    cpu0 { X = 1; }
}

test "store" {
    kernel "linux-5.10";
    vma X: anon private read write;
    cpu0 { X = 2; }
}
