// Malformed on purpose: a statement without its `;` (mmcheck must exit 2 with a location).
test "missing semicolon" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { X = 8 }
    expect safe;
}
