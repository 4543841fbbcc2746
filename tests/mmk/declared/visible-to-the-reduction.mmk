// A declared invariant's reads are visible to partial-order reduction. This one reads page
// contents and a VMA's flags (which no built-in per-state check reads) and breaks only while
// cpu0 is half-way through its copies AND cpu1 has VM_LOCKED set. The two CPUs touch disjoint
// objects, so a reduction that did not know what the invariant reads would run one CPU's
// steps alone and never stand in that state.

invariant not_both "P holds R's contents only while X is not VM_LOCKED" {
    memcmp_pages(page_at(0), page_at(2)) != 0 || !(find_vma(current_mm(), 0)->vm_flags & VM_LOCKED)
}

test "a transient state seen only when both CPUs are half-way" {
    kernel "linux-5.10";
    cpus 2;
    vma X[4]: anon private read write;
    page P = 0;
    page Q = 0;
    page R = 1;
    page Z = 0;
    pte X[0] -> P { write dirty };
    pte X[1] -> Q { write dirty };
    pte X[2] -> R { write dirty };
    pte X[3] -> Z { write dirty };
    cpu0 { copy_and_restore(0); }
    cpu1 { lock_and_unlock_vma(0); }
    expect violation(not_both);
}

fn page_at(addr) {
    return pte_page(*pte_offset_map(current_mm(), addr));
}

// The page at addr takes R's contents, then Z's again.
fn copy_and_restore(addr) {
    let page = page_at(addr);
    let r = page_at(2);
    let z = page_at(3);
    copy_user_highpage(page, r);
    copy_user_highpage(page, z);
}

fn lock_and_unlock_vma(addr) {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = find_vma(mm, addr);
    vma->vm_flags = vma->vm_flags | VM_LOCKED;
    vma->vm_flags = vma->vm_flags & ~VM_LOCKED;
    mmap_write_unlock(mm);
}
