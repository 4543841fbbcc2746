// lock_hygiene: mmap_read_lock() may sleep, and must not be called with the PTL held.
test "mmap_read_lock under the PTL" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { sleep_in_atomic(X); }
    expect violation(lock_hygiene);
}

fn sleep_in_atomic(addr) {
    let mm = current_mm();
    let ptl = pte_lockptr(mm, pte_offset_map(mm, addr));
    spin_lock(ptl);
    mmap_read_lock(mm);
    mmap_read_unlock(mm);
    spin_unlock(ptl);
}
