// Nadav Amit's RFCv2 1/2, write-bit half (20201225092529.3228466-2-namit@vmware.com):
// unprotect (MM_CP_UFFD_WP_RESOLVE) preserves the RW bit, so it no longer demotes a
// writable PTE to read-only (the cause of Scenario A). Later done as
// MM_CP_TRY_CHANGE_WRITABLE in v6.2.
import "linux-5.10";

override fn change_pte_range(vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_pte_range@v5.10 + namit RFCv2 1/2 (preserve_write on resolve)" {
    let pages = 0;
    let dirty_accountable = cp_flags & MM_CP_DIRTY_ACCT;
    let prot_numa = cp_flags & MM_CP_PROT_NUMA;
    let uffd_wp = cp_flags & MM_CP_UFFD_WP;
    let uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;
    let mm = vma->vm_mm;
    // pte_offset_map_lock()
    let pte = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, pte);
    spin_lock(ptl);
    // target_node stays NUMA_NO_NODE: the scenarios run several threads (mm_users > 1).
    flush_tlb_batched_pending(mm);
    while true {
        let oldpte = *pte;
        if pte_present(oldpte) {
            // RFCv2: keep RW when resolving a uffd-wp fault, as NUMA does
            let preserve_write = (prot_numa || uffd_wp_resolve) && pte_write(oldpte);
            let skip = false;
            if prot_numa {
                if pte_protnone(oldpte) {
                    skip = true;
                } else {
                    let page = vm_normal_page(vma, addr, oldpte);
                    if page == null {
                        skip = true;
                    } else if is_cow_mapping(vma->vm_flags) && page_mapcount(page) != 1 {
                        skip = true;
                    }
                }
            }
            if !skip {
                oldpte = ptep_modify_prot_start(vma, addr, pte);
                let ptent = pte_modify(oldpte, newprot);
                if preserve_write {
                    // pte_mk_savedwrite() is pte_mkwrite() on x86
                    ptent = pte_mkwrite(ptent);
                }
                if uffd_wp {
                    ptent = pte_wrprotect(ptent);
                    ptent = pte_mkuffd_wp(ptent);
                } else if uffd_wp_resolve {
                    // "Leave the write bit to be handled by PF interrupt handler": but
                    // pte_modify() already took RW from newprot, which is read-only.
                    ptent = pte_clear_uffd_wp(ptent);
                }
                if dirty_accountable && pte_dirty(ptent) && (pte_soft_dirty(ptent) || !(vma->vm_flags & VM_SOFTDIRTY)) {
                    ptent = pte_mkwrite(ptent);
                }
                ptep_modify_prot_commit(vma, addr, pte, oldpte, ptent);
                pages = pages + 1;
            }
        }
        // pte++, addr += PAGE_SIZE, addr != end
        addr = addr + PAGE_SIZE;
        if addr == end {
            break;
        }
        pte = pte_offset_map(mm, addr);
    }
    pte_unmap_unlock(pte, ptl);
    return pages;
}
