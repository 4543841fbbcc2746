// 6.12's zap_pte_range() (madvise.mmk's text) with 1cf35d47712d ("mm: split 'tlb_flush_mmu()'
// into tlb flushing and memory freeing parts", Linus Torvalds, v3.15) reverted: the forced
// flush of a dirty shared page comes after the PTL is dropped, as when tlb_flush_mmu() both
// flushed and freed and so could not run under the lock. A historical mutation, not a kernel
// version.
override fn zap_pte_range(tlb, vma, addr, end) source "mm/memory.c:zap_pte_range@v6.12 with 1cf35d47712d reverted" {
    let force_flush = false;
    let force_break = false;
    let mm = tlb->mm;
    let ptl = null;
    // tlb_change_page_size(): no-op on x86; init_rss_vec(): rss not modelled
    let start_pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    if start_pte == null {
        return addr;
    }
    let pte = start_pte;
    flush_tlb_batched_pending(mm);
    while true {
        let ptent = *pte;
        let nr = 1;
        if !pte_none(ptent) {
            if need_resched() {
                break;
            }
            if pte_present(ptent) {
                let max_nr = (end - addr) / PAGE_SIZE;
                nr = zap_present_ptes(tlb, vma, pte, ptent, max_nr, addr, &force_flush, &force_break);
                if force_break {
                    addr = addr + nr * PAGE_SIZE;
                    break;
                }
            } else {
                zap_nonpresent_pte(tlb, vma, pte, ptent, addr);
            }
        }
        // while (pte += nr, addr += PAGE_SIZE * nr, addr != end)
        addr = addr + PAGE_SIZE * nr;
        if addr == end {
            break;
        }
        pte = pte_offset_map(mm, addr);
    }
    // add_mm_rss_vec(): not modelled
    // 1cf35d47712d reverted: the forced flush (and the delayed rmaps) only after the PTL is
    // dropped
    pte_unmap_unlock(start_pte, ptl);
    if force_flush {
        tlb_flush_mmu_tlbonly(tlb);
        tlb_flush_rmaps(tlb, vma);
    }
    // "If we forced a TLB flush (either due to running out of batch buffers or because we
    // needed to flush dirty TLB entries before releasing the ptl), free the batched memory
    // too. Come back again if we didn't do everything."
    if force_flush {
        tlb_flush_mmu(tlb);
    }
    return addr;
}
