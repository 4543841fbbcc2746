// A shared anonymous mapping: the model would copy its pages on write like a private
// mapping's, so it is rejected until shared mappings are modelled.
test "write to a shared mapping" {
    kernel "linux-5.10";
    cpus 1;
    vma S: anon shared read write;
    cpu0 { S = 1; }
    expect safe;
}
