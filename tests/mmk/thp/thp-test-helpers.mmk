// Test drivers the THP tests share (not kernel code).

// What the caller of MADV_DONTNEED may rely on when no CPU touches the range: its PMD entry
// maps nothing (a huge leaf would hand a later load the old contents instead of zero-fill).
fn check_zapped(addr) source "mmcheck: a test driver, the MADV_DONTNEED contract as a caller sees it" {
    let mm = current_mm();
    mmap_read_lock(mm);
    assert(pmd_none(*pmd_offset(mm, addr)));
    mmap_read_unlock(mm);
}

// Another path (as migration or reclaim would): the huge page's lock and a reference taken
// under mmap_lock, if the range is still mapped huge; a zap of the range while the lock is
// held; then both given back.
fn lock_and_zap(addr) source "mmcheck: a test driver, a third party holding a huge page's lock" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let pmd = *pmd_offset(mm, addr);
    if !pmd_trans_huge(pmd) {
        // (split already: this path is for the huge page)
        mmap_read_unlock(mm);
        return;
    }
    let page = pmd_page(pmd);
    get_page(page);
    lock_page(page);
    mmap_read_unlock(mm);
    madvise(addr, 1, MADV_DONTNEED);
    unlock_page(page);
    put_page(page);
}
