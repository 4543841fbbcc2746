// Opt-in: transparent huge pages as v5.10 has them for anonymous memory, in "madvise" mode
// (only VM_HUGEPAGE VMAs: `vma X: anon private read write hugepage;`). Import it into a test
// (`import "opt-in/thp-v5.10.mmk";`) to get, over the tree's huge_memory.mmk:
//   - the THP fault path: __handle_mm_fault()'s huge branches, do_huge_pmd_anonymous_page(),
//     huge_pmd_set_accessed(), do_huge_pmd_wp_page() (reuse, or split and fall back),
//     do_huge_pmd_numa_page();
//   - change_protection() through change_pmd_range() and change_huge_pmd() (mprotect,
//     NUMA hinting, userfaultfd write-protect of a huge leaf);
//   - the split of a huge PMD (__split_huge_pmd(), __split_huge_pmd_locked());
//   - MADV_DONTNEED through zap_pmd_range() (its lockless pmd check, zap_huge_pmd());
//   - clear_refs' huge-leaf branch (pmd_trans_huge_lock(), clear_soft_dirty_pmd()).
// Text read from a 5.10.13 tree (mm/huge_memory.c, mm/memory.c, mm/mprotect.c,
// mm/pgtable-generic.c, fs/proc/task_mmu.c, include/linux/huge_mm.h,
// include/linux/pgtable.h).
//
// The model's huge page is one frame, mapped at the first address of its 2 MiB range: a split
// writes the one PTE of that address (the kernel writes 512), page_ref_add(page,
// HPAGE_PMD_NR - 1) and the compound mapcount's move to the subpages are not modelled, and a
// VMA holding that address stands for one that holds the whole range
// (transhuge_vma_suitable()); a range from that address covers the huge page (the kernel's
// next - addr == HPAGE_PMD_SIZE).
//
// Left out: the huge zero page (the use_zero_page knob is taken as off, so a read fault
// allocates a huge page too), the migration of a misplaced huge page (one NUMA node: a
// hinting fault restores the leaf's protection), huge PUDs, THP migration entries, file,
// shmem and DAX THPs, memcg charging, mmu notifiers, khugepaged_enter(), counters and vm
// events, mlock (PageMlocked), splitting
// the compound page itself (split_huge_page(), the deferred split queue), and
// handle_pte_fault()'s and do_anonymous_page()'s pmd_trans_unstable() rechecks (a PTE fault
// racing a THP fault on the same none PMD is a model error).

// include/linux/mm.h: every VMA of the model is anonymous (no vm_ops)
fn vma_is_anonymous(vma) source "include/linux/mm.h:vma_is_anonymous@v5.10" {
    return true;
}

// include/linux/huge_mm.h, in "madvise" mode (CONFIG_TRANSPARENT_HUGEPAGE_MADVISE, or
// /sys/kernel/mm/transparent_hugepage/enabled set to madvise). Temporary stacks, DAX and
// MMF_DISABLE_THP are not modelled.
fn __transparent_hugepage_enabled(vma) source "include/linux/huge_mm.h:__transparent_hugepage_enabled@v5.10" {
    if vma->vm_flags & VM_NOHUGEPAGE {
        return false;
    }
    return (vma->vm_flags & VM_HUGEPAGE) != 0;
}

// include/linux/huge_mm.h. The kernel wants haddr..haddr + HPAGE_PMD_SIZE inside the VMA;
// the model's huge page is one frame at haddr, so the VMA must hold haddr.
fn transhuge_vma_suitable(vma, haddr) source "include/linux/huge_mm.h:transhuge_vma_suitable@v5.10" {
    if haddr < vma->vm_start || haddr + PAGE_SIZE > vma->vm_end {
        return false;
    }
    return true;
}

// include/linux/pgtable.h: one read of the entry (pmd_read_atomic()); !pmd_present() (a THP
// migration entry) and pmd_bad() are never true here.
fn pmd_none_or_trans_huge_or_clear_bad(pmd) source "include/linux/pgtable.h:pmd_none_or_trans_huge_or_clear_bad@v5.10" {
    let pmdval = *pmd;
    if pmd_none(pmdval) || pmd_trans_huge(pmdval) {
        return 1;
    }
    return 0;
}

fn pmd_trans_unstable(pmd) source "include/linux/pgtable.h:pmd_trans_unstable@v5.10" {
    return pmd_none_or_trans_huge_or_clear_bad(pmd);
}

// mm/swapfile.c: a THP outside the swap cache (the model has none) is reused when at most
// one mapping maps it (page_trans_huge_map_swapcount(): the model's huge page has one
// _mapcount).
fn reuse_swap_page(page) source "mm/swapfile.c:reuse_swap_page@v5.10 (no swap cache)" {
    return page_mapcount(page) <= 1;
}

// The huge zero page is not modelled: the read-fault branch (use_zero_page) is off.
fn do_huge_pmd_anonymous_page(vmf) source "mm/huge_memory.c:do_huge_pmd_anonymous_page@v5.10" {
    let vma = vmf->vma;
    let haddr = vmf->address & ~(HPAGE_PMD_SIZE - 1);
    if !transhuge_vma_suitable(vma, haddr) {
        return VM_FAULT_FALLBACK;
    }
    if anon_vma_prepare(vma) != 0 {
        return VM_FAULT_OOM;
    }
    // khugepaged_enter(): not modelled
    // alloc_hugepage_vma(), prep_transhuge_page(): one frame
    let page = alloc_page_vma(vma, haddr);
    if page == null {
        return VM_FAULT_FALLBACK;
    }
    return __do_huge_pmd_anonymous_page(vmf, page);
}

// mem_cgroup_charge() and the counters are left out; clear_huge_page(): frames come zeroed.
fn __do_huge_pmd_anonymous_page(vmf, page) source "mm/huge_memory.c:__do_huge_pmd_anonymous_page@v5.10" {
    let vma = vmf->vma;
    let haddr = vmf->address & ~(HPAGE_PMD_SIZE - 1);
    let pgtable = pte_alloc_one(vma->vm_mm);
    if pgtable == null {
        put_page(page);
        return VM_FAULT_OOM;
    }
    vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd);
    if !pmd_none(*vmf->pmd) {
        // unlock_release:
        // mutate: equivalent(swap-adjacent) the new huge page and its table were never published (no PMD entry, rmap or pagevec holds them): no other CPU can reach either, so giving them back before or after the unlock, in either order, is the same
        spin_unlock(vmf->ptl);
        // mutate: equivalent(swap-adjacent) the new huge page and its table were never published (no PMD entry, rmap or pagevec holds them): no other CPU can reach either, so giving them back before or after the unlock, in either order, is the same
        pte_free(vma->vm_mm, pgtable);
        put_page(page);
        return 0;
    }
    // check_stable_address_space(): no OOM reaper
    if userfaultfd_missing(vma) {
        // mutate: equivalent(swap-adjacent) the new huge page and its table were never published (no PMD entry, rmap or pagevec holds them): no other CPU can reach either, so giving them back before or after the unlock, in either order, is the same
        spin_unlock(vmf->ptl);
        // mutate: equivalent(swap-adjacent) the new huge page and its table were never published (no PMD entry, rmap or pagevec holds them): no other CPU can reach either, so giving them back before or after the unlock, in either order, is the same
        put_page(page);
        pte_free(vma->vm_mm, pgtable);
        return handle_userfault(vmf, VM_UFFD_MISSING);
    }
    let entry = mk_huge_pmd(page, vma->vm_page_prot);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both and the new page is reached only through the leaf set_pmd_at() writes last: no other CPU can see the page, its rmap, its pagevec slot or the deposit between them
    entry = maybe_pmd_mkwrite(pmd_mkdirty(entry), vma);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both and the new page is reached only through the leaf set_pmd_at() writes last: no other CPU can see the page, its rmap, its pagevec slot or the deposit between them
    page_add_new_anon_rmap(page, vma, haddr);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both and the new page is reached only through the leaf set_pmd_at() writes last: no other CPU can see the page, its rmap, its pagevec slot or the deposit between them
    lru_cache_add_inactive_or_unevictable(page, vma);
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both and the new page is reached only through the leaf set_pmd_at() writes last: no other CPU can see the page, its rmap, its pagevec slot or the deposit between them; the deposit is read only under the PMD lock
    pgtable_trans_huge_deposit(vma->vm_mm, vmf->pmd, pgtable);
    set_pmd_at(vma->vm_mm, haddr, vmf->pmd, entry);
    spin_unlock(vmf->ptl);
    return 0;
}

// update_mmu_cache_pmd() is a no-op on x86.
fn huge_pmd_set_accessed(vmf, orig_pmd) source "mm/huge_memory.c:huge_pmd_set_accessed@v5.10" {
    // mutate: equivalent(swap-adjacent) vmf is this fault's own record, and the flags it reads never change: the load commutes with taking the lock
    let write = vmf->flags & FAULT_FLAG_WRITE;
    vmf->ptl = pmd_lock(vmf->vma->vm_mm, vmf->pmd);
    if pmd_same(*vmf->pmd, orig_pmd) {
        let entry = pmd_mkyoung(orig_pmd);
        if write {
            entry = pmd_mkdirty(entry);
        }
        let haddr = vmf->address & ~(HPAGE_PMD_SIZE - 1);
        pmdp_set_access_flags(vmf->vma, haddr, vmf->pmd, entry, write);
    }
    spin_unlock(vmf->ptl);
}

// A write fault on a read-only huge leaf: reuse it in place when nothing else maps the page,
// else split the PMD and let the PTE-level fault copy (VM_FAULT_FALLBACK). is_huge_zero_pmd():
// no huge zero page.
fn do_huge_pmd_wp_page(vmf, orig_pmd) source "mm/huge_memory.c:do_huge_pmd_wp_page@v5.10" {
    let vma = vmf->vma;
    let haddr = vmf->address & ~(HPAGE_PMD_SIZE - 1);
    vmf->ptl = pmd_lockptr(vma->vm_mm, vmf->pmd);
    spin_lock(vmf->ptl);
    if !pmd_same(*vmf->pmd, orig_pmd) {
        spin_unlock(vmf->ptl);
        return 0;
    }
    let page = pmd_page(orig_pmd);
    // Lock page for reuse_swap_page()
    if !trylock_page(page) {
        get_page(page);
        spin_unlock(vmf->ptl);
        lock_page(page);
        spin_lock(vmf->ptl);
        if !pmd_same(*vmf->pmd, orig_pmd) {
            // mutate: equivalent(swap-adjacent) two releases in a row, and nothing this fault does after them: a CPU that waits for one of the two locks and then needs the other only waits a step longer, with the same outcome
            spin_unlock(vmf->ptl);
            unlock_page(page);
            put_page(page);
            return 0;
        }
        put_page(page);
    }
    // "We can only reuse the page if nobody else maps the huge page or it's part."
    if reuse_swap_page(page) {
        let entry = pmd_mkyoung(orig_pmd);
        entry = maybe_pmd_mkwrite(pmd_mkdirty(entry), vma);
        // mutate: equivalent(swap-adjacent) the PMD lock is held across both: a CPU that takes the page lock as it is released reaches the leaf only through the PMD lock, after the write
        pmdp_set_access_flags(vma, haddr, vmf->pmd, entry, 1);
        // mutate: equivalent(swap-adjacent) two releases in a row, and nothing this fault does after them: a CPU that waits for one of the two locks and then needs the other only waits a step longer, with the same outcome
        unlock_page(page);
        spin_unlock(vmf->ptl);
        return VM_FAULT_WRITE;
    }
    // mutate: equivalent(swap-adjacent) two releases in a row, and nothing this fault does after them: a CPU that waits for one of the two locks and then needs the other only waits a step longer, with the same outcome
    unlock_page(page);
    spin_unlock(vmf->ptl);
    // fallback:
    __split_huge_pmd(vma, vmf->pmd, vmf->address, false, null);
    return VM_FAULT_FALLBACK;
}

// Returns 0 if the PMD could not be locked (no huge leaf any more), 1 if it was locked but
// nothing changed, HPAGE_PMD_NR if the protection changed and the TLB needs a flush. THP
// migration entries and the huge zero page are not modelled.
fn change_huge_pmd(vma, pmd, addr, newprot, cp_flags) source "mm/huge_memory.c:change_huge_pmd@v5.10" {
    let mm = vma->vm_mm;
    let prot_numa = cp_flags & MM_CP_PROT_NUMA;
    let uffd_wp = cp_flags & MM_CP_UFFD_WP;
    let uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;
    let ptl = __pmd_trans_huge_lock(pmd, vma);
    if ptl == null {
        return 0;
    }
    let preserve_write = prot_numa && pmd_write(*pmd);
    let ret = 1;
    if prot_numa && pmd_protnone(*pmd) {
        spin_unlock(ptl);
        return ret;
    }
    // "In case prot_numa, we are under mmap_read_lock(mm). It's critical to not clear pmd
    // intermittently to avoid race with MADV_DONTNEED which is also under
    // mmap_read_lock(mm)" (ced108037c2a).
    let entry = pmdp_invalidate(vma, addr, pmd);
    entry = pmd_modify(entry, newprot);
    if preserve_write {
        // pmd_mk_savedwrite() is pmd_mkwrite() on x86
        entry = pmd_mkwrite(entry);
    }
    if uffd_wp {
        entry = pmd_wrprotect(entry);
        entry = pmd_mkuffd_wp(entry);
    } else if uffd_wp_resolve {
        // "Leave the write bit to be handled by PF interrupt handler"
        entry = pmd_clear_uffd_wp(entry);
    }
    ret = HPAGE_PMD_SIZE; // HPAGE_PMD_NR
    set_pmd_at(mm, addr, pmd, entry);
    spin_unlock(ptl);
    return ret;
}

// The PMD lock taken, the leaf rechecked, the page locked (dropping the PMD lock to sleep
// for it if need be), then __split_huge_pmd_locked(). Only freeze == false and page == null
// (a split of the mapping, not for migration) are modelled.
fn __split_huge_pmd(vma, pmd, address, freeze, page) source "mm/huge_memory.c:__split_huge_pmd@v5.10" {
    if freeze || page != null {
        not_modelled(); // split_huge_pmd_address() for migration or split_huge_page()
    }
    let haddr = address & ~(HPAGE_PMD_SIZE - 1);
    let ptl = pmd_lock(vma->vm_mm, pmd);
    // repeat:
    let split = false;
    while true {
        if !pmd_trans_huge(*pmd) {
            // pmd_devmap(), is_pmd_migration_entry(): not modelled (goto out)
            break;
        }
        page = pmd_page(*pmd);
        if !trylock_page(page) {
            // mutate: equivalent(swap-adjacent) the PMD lock is held across both: the entry read is the same before or after the reference is taken
            get_page(page);
            let _pmd = *pmd;
            spin_unlock(ptl);
            lock_page(page);
            spin_lock(ptl);
            if !pmd_same(*pmd, _pmd) {
                unlock_page(page);
                put_page(page);
                page = null;
                continue; // goto repeat
            }
            put_page(page);
        }
        // PageMlocked(): mlock is not modelled
        split = true;
        break;
    }
    if split {
        __split_huge_pmd_locked(vma, pmd, haddr, freeze);
    }
    // out:
    spin_unlock(ptl);
    if page != null {
        unlock_page(page);
    }
}

// The anonymous case: the leaf made not present and flushed first (no CPU may hold huge and
// small TLB entries for one address at once, and the entry must stay pmd_trans_huge() for
// lockless walkers), then the deposited table filled and linked. The model's huge page is one
// frame: the one PTE written is haddr's; the compound mapcount's move to the subpages
// (_mapcount, PG_double_map) and page_ref_add(page, HPAGE_PMD_NR - 1) are not modelled.
fn __split_huge_pmd_locked(vma, pmd, haddr, freeze) source "mm/huge_memory.c:__split_huge_pmd_locked@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm never changes after vm_area_alloc(): the load commutes with the invalidation
    let mm = vma->vm_mm;
    // !vma_is_anonymous(), is_huge_zero_pmd(): no file THPs, no huge zero page
    let old_pmd = pmdp_invalidate(vma, haddr, pmd);
    // is_pmd_migration_entry(old_pmd): no THP migration entries
    let page = pmd_page(old_pmd);
    if pmd_dirty(old_pmd) {
        set_bit(PG_dirty, &page->flags); // SetPageDirty()
    }
    let write = pmd_write(old_pmd);
    let young = pmd_young(old_pmd);
    let soft_dirty = pmd_soft_dirty(old_pmd);
    let uffd_wp = pmd_uffd_wp(old_pmd);
    // "Withdraw the table only after we mark the pmd entry invalid."
    // mutate: equivalent(swap-adjacent) mk_pte() reads vm_page_prot, written only under mmap_lock held for write, which every caller excludes (it holds it for read), and the deposit is read only under the PMD lock, held here: the two commute
    let pgtable = pgtable_trans_huge_withdraw(mm, pmd);
    // pmd_populate(mm, &_pmd, pgtable): the table is filled before it is linked
    // "Note that NUMA hinting access restrictions are not transferred to avoid any
    // possibility of altering permissions across VMAs."
    let entry = mk_pte(page, vma->vm_page_prot);
    entry = maybe_mkwrite(entry, vma);
    if !write {
        entry = pte_wrprotect(entry);
    }
    if !young {
        entry = pte_mkold(entry);
    }
    if soft_dirty {
        entry = pte_mksoft_dirty(entry);
    }
    if uffd_wp {
        entry = pte_mkuffd_wp(entry);
    }
    let pte = pte_offset_map(pgtable, haddr);
    BUG_ON(!pte_none(*pte));
    set_pte_at(mm, haddr, pte, entry);
    // smp_wmb(): "make pte visible before pmd"
    pmd_populate(mm, pmd, pgtable);
}

// include/linux/huge_mm.h
fn split_huge_pmd(vma, pmd, address) source "include/linux/huge_mm.h:split_huge_pmd@v5.10" {
    if pmd_trans_huge(*pmd) {
        __split_huge_pmd(vma, pmd, address, false, null);
    }
}


// ---- mm/memory.c ----

override fn __handle_mm_fault(vma, address, flags) source "mm/memory.c:__handle_mm_fault@v5.10" {
    let vmf = struct vm_fault { .vma = vma, .address = address, .flags = flags };
    let dirty = flags & FAULT_FLAG_WRITE;
    // pgd_offset(), p4d_alloc(), pud_alloc(), pmd_alloc(): the levels above the PMD entry
    // always exist here; huge PUDs are not modelled.
    vmf->pmd = pmd_offset(vma->vm_mm, address);
    if pmd_none(*vmf->pmd) && __transparent_hugepage_enabled(vma) {
        let ret = create_huge_pmd(vmf);
        if !(ret & VM_FAULT_FALLBACK) {
            return ret;
        }
    } else {
        let orig_pmd = *vmf->pmd;
        // is_swap_pmd(): no THP migration entries; pmd_devmap(): no DAX
        if pmd_trans_huge(orig_pmd) {
            if pmd_protnone(orig_pmd) && vma_is_accessible(vma) {
                return do_huge_pmd_numa_page(vmf, orig_pmd);
            }
            if dirty && !pmd_write(orig_pmd) {
                let ret = wp_huge_pmd(vmf, orig_pmd);
                if !(ret & VM_FAULT_FALLBACK) {
                    return ret;
                }
            } else {
                huge_pmd_set_accessed(vmf, orig_pmd);
                return 0;
            }
        }
    }
    return handle_pte_fault(vmf);
}

// The NUMA hinting fault on a huge leaf, with one NUMA node: mpol_misplaced() is
// NUMA_NO_NODE, so the leaf gets its protection back (clear_pmdnuma) and
// migrate_misplaced_transhuge_page() is never reached. task_numa_fault() and the counters
// are not modelled. put_and_wait_on_page_locked() waits for the page lock, then drops its
// reference (the kernel drops it as it goes to sleep).
fn do_huge_pmd_numa_page(vmf, pmd) source "mm/huge_memory.c:do_huge_pmd_numa_page@v5.10" {
    let vma = vmf->vma;
    let haddr = vmf->address & ~(HPAGE_PMD_SIZE - 1);
    vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd);
    if !pmd_same(pmd, *vmf->pmd) {
        spin_unlock(vmf->ptl); // out_unlock:
        return 0;
    }
    // "If there are potential migrations, wait for completion and retry without disrupting
    // NUMA hinting information." pmd_trans_migrating(): the page is locked.
    let page = pmd_page(*vmf->pmd);
    if PageLocked(page) {
        if !get_page_unless_zero(page) {
            spin_unlock(vmf->ptl);
            return 0;
        }
        spin_unlock(vmf->ptl);
        might_sleep();
        wait_until(!PageLocked(page)); // put_and_wait_on_page_locked()
        put_page(page);
        return 0;
    }
    page = pmd_page(pmd);
    // "Acquire the page lock to serialise THP migrations but avoid dropping
    // page_table_lock if at all possible"
    let page_locked = trylock_page(page);
    // target_nid = mpol_misplaced() is NUMA_NO_NODE: "If the page was locked, there are no
    // parallel migrations"
    if !page_locked {
        // "Migration could have started since the pmd_trans_migrating check"
        if !get_page_unless_zero(page) {
            spin_unlock(vmf->ptl);
            return 0;
        }
        spin_unlock(vmf->ptl);
        might_sleep();
        wait_until(!PageLocked(page)); // put_and_wait_on_page_locked()
        put_page(page);
        return 0;
    }
    // clear_pmdnuma: (pmd_savedwrite() is pmd_write() on x86)
    let was_writable = pmd_write(pmd);
    pmd = pmd_modify(pmd, vma->vm_page_prot);
    pmd = pmd_mkyoung(pmd);
    if was_writable {
        pmd = pmd_mkwrite(pmd);
    }
    // mutate: equivalent(swap-adjacent) the PMD lock is held across both: a CPU that takes the page lock as it is released reaches the leaf only through the PMD lock, after the write
    set_pmd_at(vma->vm_mm, haddr, vmf->pmd, pmd);
    // update_mmu_cache_pmd() is a no-op on x86
    unlock_page(page);
    spin_unlock(vmf->ptl);
    return 0;
}

// Anonymous VMAs only (no vm_ops->huge_fault).
fn create_huge_pmd(vmf) source "mm/memory.c:create_huge_pmd@v5.10" {
    return do_huge_pmd_anonymous_page(vmf);
}

fn wp_huge_pmd(vmf, orig_pmd) source "mm/memory.c:wp_huge_pmd@v5.10" {
    // vma_is_anonymous(): every modelled VMA
    if userfaultfd_huge_pmd_wp(vmf->vma, orig_pmd) {
        return handle_userfault(vmf, VM_UFFD_WP);
    }
    return do_huge_pmd_wp_page(vmf, orig_pmd);
}

// include/linux/userfaultfd_k.h
fn userfaultfd_huge_pmd_wp(vma, pmd) source "include/linux/userfaultfd_k.h:userfaultfd_huge_pmd_wp@v5.10" {
    return userfaultfd_wp(vma) && pmd_uffd_wp(pmd);
}

// tlb_start_vma() flushes no cache on x86, and the pgd, p4d and pud levels always exist
// here: the walk is zap_pmd_range()'s.
override fn unmap_page_range(tlb, vma, addr, end) source "mm/memory.c:unmap_page_range@v5.10" {
    zap_pmd_range(tlb, vma, addr, end);
}

// is_swap_pmd() and pmd_devmap() are never true here; cond_resched() is not modelled.
fn zap_pmd_range(tlb, vma, addr, end) source "mm/memory.c:zap_pmd_range@v5.10" {
    let mm = vma->vm_mm;
    while addr != end {
        let next = pmd_addr_end(addr, end);
        let pmd = pmd_offset(mm, addr);
        let done = false;
        if pmd_trans_huge(*pmd) {
            if (addr & (HPAGE_PMD_SIZE - 1)) != 0 {
                __split_huge_pmd(vma, pmd, addr, false, null);
            } else if zap_huge_pmd(tlb, vma, pmd, addr) {
                done = true; // goto next
            }
            // fall through
        }
        // "Here there can be other concurrent MADV_DONTNEED or trans huge page faults
        // running, and if the pmd is none or trans huge it can change under us. This is
        // because MADV_DONTNEED holds the mmap_lock in read mode."
        if !done && !pmd_none_or_trans_huge_or_clear_bad(pmd) {
            zap_pte_range(tlb, vma, addr, next);
        }
        addr = next;
    }
}

// MADV_DONTNEED's zap through unmap_single_vma() (the tree's goes straight to
// zap_pte_range(): one PTE table, no huge leaf). Mmu notifiers and update_hiwater_rss() are
// not modelled.
override fn zap_page_range(vma, start, size) source "mm/memory.c:zap_page_range@v5.10" {
    lru_add_drain();
    let end = start + size;
    let tlb = tlb_gather_mmu(vma->vm_mm, start, end);
    unmap_single_vma(tlb, vma, start, end);
    tlb_finish_mmu(tlb, start, end);
}

// ---- mm/mprotect.c ----

override fn change_protection_range(vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_protection_range@v5.10" {
    let mm = vma->vm_mm;
    let start = addr;
    let pages = 0;
    BUG_ON(addr >= end);
    // flush_cache_range() is a no-op on x86
    inc_tlb_flush_pending(mm);
    // the pgd, p4d and pud levels always exist here: the walk is change_pmd_range()'s
    pages = pages + change_pmd_range(vma, addr, end, newprot, cp_flags);
    // "Only flush the TLB if we actually modified any entries"
    if pages {
        flush_tlb_range(vma, start, end);
    }
    dec_tlb_flush_pending(mm);
    return pages;
}

// One read of the entry (pmd_read_atomic()): "it's critical that a numa hinting PMD is not
// confused with a bad PMD". pmd_bad() is never true here.
fn pmd_none_or_clear_bad_unless_trans_huge(pmd) source "mm/mprotect.c:pmd_none_or_clear_bad_unless_trans_huge@v5.10" {
    let pmdval = *pmd;
    if pmd_none(pmdval) {
        return 1;
    }
    return 0;
}

// is_swap_pmd() and pmd_devmap() are never true here; mmu notifiers, the NUMA counters and
// cond_resched() are not modelled.
fn change_pmd_range(vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_pmd_range@v5.10" {
    let pages = 0;
    let mm = vma->vm_mm;
    while addr != end {
        let next = pmd_addr_end(addr, end);
        let pmd = pmd_offset(mm, addr);
        // "Automatic NUMA balancing walks the tables with mmap_lock held for read. It's
        // possible a parallel update to occur between pmd_trans_huge() and a
        // pmd_none_or_clear_bad() check leading to a false positive and clearing. Hence,
        // it's necessary to atomically read the PMD value for all the checks."
        let done = pmd_none_or_clear_bad_unless_trans_huge(pmd);
        if !done && pmd_trans_huge(*pmd) {
            if (addr & (HPAGE_PMD_SIZE - 1)) != 0 {
                __split_huge_pmd(vma, pmd, addr, false, null);
            } else {
                let nr_ptes = change_huge_pmd(vma, pmd, addr, newprot, cp_flags);
                if nr_ptes {
                    if nr_ptes == HPAGE_PMD_SIZE {
                        pages = pages + HPAGE_PMD_SIZE;
                    }
                    done = true; // "huge pmd was handled"
                }
            }
            // "fall through, the trans huge pmd just split"
        }
        // change_pte_range() begins with "Can be called with only the mmap_lock for reading
        // by prot_numa so we must check the pmd isn't constantly changing from under us from
        // pmd_none to pmd_trans_huge and/or the other way around": pmd_trans_unstable(), which
        // the tree's change_pte_range() (one PTE table, no huge leaf) leaves out, so it is
        // done here, just before the call
        if !done && !pmd_trans_unstable(pmd) {
            pages = pages + change_pte_range(vma, addr, next, newprot, cp_flags);
        }
        addr = next;
    }
    return pages;
}

// ---- fs/proc/task_mmu.c ----

// include/linux/huge_mm.h: "mmap_lock must be held on entry". is_swap_pmd() and
// pmd_devmap() are never true here.
fn pmd_trans_huge_lock(pmd, vma) source "include/linux/huge_mm.h:pmd_trans_huge_lock@v5.10" {
    if pmd_trans_huge(*pmd) {
        return __pmd_trans_huge_lock(pmd, vma);
    }
    return null;
}

// The tree's clear_refs_pte_range() with its huge-leaf branch. The young-bit clearing of the
// other clear_refs types is not modelled.
override fn clear_refs_pte_range(vma, addr, end, type) source "fs/proc/task_mmu.c:clear_refs_pte_range@v5.10" {
    let mm = vma->vm_mm;
    let pmd = pmd_offset(mm, addr);
    let ptl = pmd_trans_huge_lock(pmd, vma);
    if ptl != null {
        if type == CLEAR_REFS_SOFT_DIRTY {
            clear_soft_dirty_pmd(vma, addr, pmd);
        }
        // out:
        spin_unlock(ptl);
        return 0;
    }
    if pmd_trans_unstable(pmd) {
        return 0;
    }
    // pte_offset_map_lock()
    let pte = pte_offset_map(mm, addr);
    ptl = pte_lockptr(mm, pte);
    spin_lock(ptl);
    while addr != end {
        if type == CLEAR_REFS_SOFT_DIRTY {
            clear_soft_dirty(vma, addr, pte);
        }
        addr = addr + PAGE_SIZE;
        if addr != end {
            pte = pte_offset_map(mm, addr);
        }
    }
    pte_unmap_unlock(pte, ptl);
    return 0;
}

// "See comment in change_huge_pmd()" (5b7abeae3af8): the leaf is made not present, never
// none, while it is write-protected. THP migration entries (the else branch) are not
// modelled.
fn clear_soft_dirty_pmd(vma, addr, pmdp) source "fs/proc/task_mmu.c:clear_soft_dirty_pmd@v5.10" {
    let pmd = *pmdp;
    if pmd_present(pmd) {
        let old = pmdp_invalidate(vma, addr, pmdp);
        if pmd_dirty(old) {
            pmd = pmd_mkdirty(pmd);
        }
        if pmd_young(old) {
            pmd = pmd_mkyoung(pmd);
        }
        pmd = pmd_wrprotect(pmd);
        pmd = pmd_clear_soft_dirty(pmd);
        set_pmd_at(vma->vm_mm, addr, pmdp, pmd);
    }
}
