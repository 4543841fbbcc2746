// do_wp_page() of 6.12 on an anonymous page: "If we encounter a page that is marked exclusive,
// we must reuse the page without further checks" (PageAnonExclusive); a page not marked
// exclusive is reused only if wp_can_reuse_anon_folio() finds this mapping's reference the
// only one, under the folio lock, and it then becomes exclusive. The faults run under the
// per-VMA lock (a VMA with an anon_vma: the scenario's), so a read fault, a write fault and a
// MADV_DONTNEED (mmap_lock for read) of the same VMA all run at once.

// The PTE is read-only but the page exclusive (as after mprotect(PROT_READ) and back, or a
// NUMA hinting fault that left it read-only): the write reuses it in place while another
// CPU's read fault maps the zero page next to it and reads the page through its own walk.
test "a write fault reuses an exclusive page while another CPU takes a read fault in the VMA" {
    kernel "linux-6.12";
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X[0] -> P { dirty accessed };
    tlb cpu1: X[0] -> P { };
    cpu0 { X[0] = 8; check_maps(X, P); }
    cpu1 { let b = *X[1]; let a = *X[0]; }
    expect safe;
}

// 6.12's rule for anonymous memory: a writable PTE maps a PageAnonExclusive page (the reuse
// marks a page it reuses exclusive; GUP's FOLL_PIN relies on it).
fn check_exclusive_if_writable(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    if pte_present(*pte) && pte_write(*pte) {
        BUG_ON(!PageAnonExclusive(pte_page(*pte)));
    }
    pte_unmap_unlock(pte, ptl);
    mmap_read_unlock(mm);
}

// The write reused the page: X still maps P, now writable.
fn check_maps(addr, page) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    BUG_ON(pte_page(*pte) != page || !pte_write(*pte));
    pte_unmap_unlock(pte, ptl);
    mmap_read_unlock(mm);
}

// The same page not marked exclusive but mapped once, with no other reference (its other
// mapping gone, as after the fork child's exit): wp_can_reuse_anon_folio() takes the folio
// lock, reuses it and marks it exclusive. A MADV_DONTNEED of the page races the fault: the
// folio lock must be dropped while the PTL still pins the page (be068f29034f; see
// mutation-be068f29034f-unlock-after-reuse.mmk).
test "a write fault reuses a page mapped once, racing MADV_DONTNEED of it" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { dirty accessed };
    cpu0 { X = 8; check_exclusive_if_writable(X); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// A page mapped twice is copied, never reused; the copy is exclusive and writable, and the old
// page, mapped once now, is reused by the other mapping's write (refcount 1 once the copy's
// reference is dropped) or copied if the copier still holds its reference.
test "two write faults on a page mapped twice: one copies, the other copies or reuses" {
    kernel "linux-6.12";
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty accessed };
    pte X[1] -> P { dirty accessed };
    cpu0 { X[0] = 8; }
    cpu1 { X[1] = 9; }
    expect safe;
}

// Two stores to the same address of a page mapped twice: both faults copy it, and the second
// to take the PTL finds the PTE changed (pte_same() in wp_page_copy()) and drops its copy; its
// store then lands in the first one's copy on the retry.
test "two write faults on the same address of a page mapped twice" {
    kernel "linux-6.12";
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty accessed };
    pte X[1] -> P { dirty accessed };
    cpu0 { X[0] = 8; }
    cpu1 { X[0] = 9; }
    expect safe;
}

// wp_page_copy() when no frame is left for the copy (the 6.12 form of
// tests/mmk/cow/copy-alloc-fails.mmk): VM_FAULT_OOM, the reference do_wp_page() took on the
// old folio dropped (folio_put(old_folio) at `oom:`), and the fault retried from user space
// once CPU1's MADV_DONTNEED has freed a page.
test "a COW fault whose copy cannot be allocated drops its reference on the old page" {
    kernel "linux-6.12";
    cpus 2;
    frames 2;
    vma X[2]: anon private read write;
    vma Y: anon private read write;
    page P = 7;
    page Q = 1 { exclusive: 1 };
    pte X[0] -> P { dirty accessed };
    pte X[1] -> P { dirty accessed };
    pte Y -> Q { write dirty accessed };
    cpu0 { X[0] = 8; }
    cpu1 { madvise(Y, 1, MADV_DONTNEED); }
    expect safe;
}

// The first write fault of an empty PTE racing MADV_DONTNEED of it: the new folio goes on this
// CPU's LRU batch (with the batch's reference) while the PTL still keeps the zap out.
test "a write fault on an empty PTE racing MADV_DONTNEED" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}
