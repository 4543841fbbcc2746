// The scenario of tests/mmk/thread/driver-aba-no-flush.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// Peter Xu's hypothetical driver: RO->RW->RO in the COW window, no flush.
// Peter Xu (https://lore.kernel.org/r/20201221223041.GL6640@xz-x1): a driver that changes PTEs
// under mmap_read_lock and the PTL, lets the page contents change, and restores the PTE,
// all between wp_page_copy()'s unlock and relock. pte_same() passes; the copy is stale.
// Here CPU2 changes the contents through the briefly writable PTE.
test "Peter Xu's hypothetical driver: RO->RW->RO in the COW window, no flush" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { dirty accessed };
    cpu0 { driver_aba_no_flush(X); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}
// A driver, not kernel code: PTE RO -> RW, then back to the same RO value.
fn driver_aba_no_flush(addr) source "hypothetical driver (Peter Xu, 20201221223041.GL6640@xz-x1)" {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let orig = *ptep;
    set_pte_at(mm, addr, ptep, pte_mkwrite(orig));
    spin_unlock(ptl);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, orig);
    spin_unlock(ptl);
    mmap_read_unlock(mm);
}
// The same, bracketed by the pending count with one batched flush at the end (Nadav:
// "the driver could have used inc_tlb_flush_pending() and batch flushes").
fn driver_aba_batched_flush(addr) source "hypothetical driver (Peter Xu / Nadav Amit, B8095F3C-81E3-4AF9-A6A5-F597D51264BD@gmail.com)" {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    mmap_read_lock(mm);
    inc_tlb_flush_pending(mm);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let orig = *ptep;
    set_pte_at(mm, addr, ptep, pte_mkwrite(orig));
    spin_unlock(ptl);
    spin_lock(ptl);
    set_pte_at(mm, addr, ptep, orig);
    spin_unlock(ptl);
    flush_tlb_range(vma, addr, addr + PAGE_SIZE);
    dec_tlb_flush_pending(mm);
    mmap_read_unlock(mm);
}
