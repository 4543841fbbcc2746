// Each invariant must be able to fire: the page lock and mmap_lock taken in opposite orders.
test "ABBA: page lock then mmap_lock, against mmap_lock then page lock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { lock_page_then_mmap(X); }
    cpu1 { mmap_then_lock_page(X); }
    expect violation(deadlock);
}

fn lock_page_then_mmap(addr) {
    let mm = current_mm();
    let page = pte_page(*pte_offset_map(mm, addr));
    lock_page(page);
    mmap_write_lock(mm);
    mmap_write_unlock(mm);
    unlock_page(page);
}

fn mmap_then_lock_page(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let page = pte_page(*pte_offset_map(mm, addr));
    lock_page(page);
    unlock_page(page);
    mmap_read_unlock(mm);
}
