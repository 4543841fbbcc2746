// The first faults of a 2 MiB range with no PTE table (the PMD entry none): each fault under
// the per-VMA lock sees pmd_none() in handle_pte_fault(), allocates a table in
// do_anonymous_page() -> pte_alloc() -> __pte_alloc(), and pmd_install() publishes it under
// the PMD lock unless the other fault's table got there first (then this one is freed:
// pte_free()). pte_offset_map_lock() then reads the PMD entry again and locks the table it
// names. A read and a store race; a spare frame in the table pool lets both allocate.
test "two first faults of a range race to install its PTE table" {
    kernel "linux-6.12";
    cpus 2;
    tables 2;
    vma X[2]: anon private read write;
    pmd X -> none;
    cpu0 { X[0] = 8; }
    cpu1 { let v = *X[1]; X[1] = 9; }
    expect safe;
}
