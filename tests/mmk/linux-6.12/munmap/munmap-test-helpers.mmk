// Test helpers the 6.12 munmap tests share (not kernel code).

// After munmap(addr, 1) returns: no VMA maps addr and the range's PTE table is gone (the
// scenarios put addr alone in its 2 MiB range). A munmap that did nothing fails here.
fn assert_unmapped(addr) source "mmcheck: a test check of munmap()'s result" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    assert(vma == null || vma->vm_start > addr);
    let pmd = pmd_offset(mm, addr);
    assert(pmd_none(*pmd));
    mmap_read_unlock(mm);
}

// A driver: pin the page of addr for write with GUP-fast, let the device add v to it by DMA,
// unpin (tests/mmk/gup/gup-test-helpers.mmk's, on 6.12's GUP).
fn pin_for_dma(addr, v) source "mmcheck: a test driver, a DMA through pin_user_pages_fast(FOLL_WRITE)" {
    let page = null;
    if pin_user_pages_fast(addr, 1, FOLL_WRITE, &page) == 1 {
        dma_add(page, v, current_mm(), addr);
        unpin_user_page(page);
    }
}

// How many VMAs the mm has (under mmap_lock).
fn count_vmas() source "mmcheck: a test check of the VMA layout" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let n = 0;
    let v = mm->mmap;
    while v != null {
        n = n + 1;
        v = v->vm_next;
    }
    mmap_read_unlock(mm);
    return n;
}
