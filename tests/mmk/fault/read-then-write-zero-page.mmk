// A read fault on an empty anonymous PTE maps the shared zero page read-only (special PTE);
// the write that follows faults again and do_wp_page() copies from the zero page (it has
// no struct page for vm_normal_page()). Two CPUs race to populate: whatever the order, the
// address ends up holding the store, and the zero page is never written.
test "read, then write, an untouched anonymous page (zero page, then COW)" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { let v = *X; X = 5; }
    cpu1 { let w = *X; }
    expect safe;
}
