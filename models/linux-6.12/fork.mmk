// fork()'s address-space half as of v5.10: kernel/fork.c dup_mm() and dup_mmap(), and the
// page-table copy of mm/memory.c (copy_page_range() down to copy_present_pte() and the early
// COW of a pinned page, copy_present_page(), from 70e806e4e645 as reshaped by f3c64eda3e50).
// The child task is not modelled: fork_mm() returns the child's mm, and no CPU runs it.
// v5.10.0 has no mm->write_protect_seq (57efa1fe5957 added it in v5.11-rc1, backported to
// v5.10.4: fixes/57efa1fe5957-gup-fast-fork-seqcount.mmk).
//
// anon_vma_fork() is a no-op in the tree, which keeps no anon_vma (opt-in/anon-rmap-v5.10.mmk
// has it). Left out everywhere: VM_ACCOUNT charging, mempolicy, userfaultfd's fork events,
// the `!src_vma->anon_vma` early return of copy_page_range() (every VMA is copied, and one
// never faulted has no PTEs to copy), file and hugetlb mappings, KSM and
// khugepaged registration, uprobes, the rb-tree and the vmacache, RSS counters, mmu
// notifiers (no secondary MMUs), and the error paths' teardown of a half-built child
// (mmput()).

// include/linux/mm.h v5.10
const VM_DONTCOPY = 0x00020000;
const VM_LOCKONFAULT = 0x00080000;
const VM_WIPEONFORK = 0x02000000;

// The address-space half of kernel_clone() -> copy_process() -> copy_mm() without
// CLONE_VM: the child's mm, or null when it could not be built.
fn fork_mm() source "kernel/fork.c:copy_mm@v5.10 (without CLONE_VM)" {
    return dup_mm(current_mm());
}

// allocate_mm(), then memcpy() of the parent's mm_struct and mm_init(): mm_init() resets
// every field the model declares (mmap, mmap_lock, tlb_flush_pending, has_pinned, the
// cpumask), so the machine's fresh mm_struct stands for both; mm_alloc_pgd() is part of
// allocate_mm() here (the new mm has every PMD entry none). The hiwater counters and binfmt
// are not modelled.
fn dup_mm(oldmm) source "kernel/fork.c:dup_mm@v5.10" {
    let mm = allocate_mm();
    let err = dup_mmap(mm, oldmm);
    if err != 0 {
        // free_pt: mmput() of the half-built child is not modelled
        not_modelled();
    }
    return mm;
}

// Both mmap_locks for write, parent first; each VMA duplicated and linked, its page
// tables copied; then the child unlocked, ONE flush of the parent (every PTE fork
// write-protected is flushed here, not one by one) and the parent unlocked.
fn dup_mmap(mm, oldmm) source "kernel/fork.c:dup_mmap@v5.10" {
    // mmap_write_lock_killable(): no signals are modelled
    // mutate: equivalent(swap-adjacent) mm is the child's, just made by allocate_mm(), and the child's mm is reachable by no other CPU until fork_mm() returns it: its mmap_lock is always free, so taking it before or after the parent's changes nothing another CPU can see
    mmap_write_lock(oldmm);
    // flush_cache_dup_mm(): nothing on x86; uprobe_dup_mmap(): not modelled
    // mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING): "Not linked in yet - no deadlock
    // potential"
    mmap_write_lock(mm);
    let retval = 0;
    let prev = null;
    let mpnt = oldmm->mmap;
    while mpnt != null {
        if (mpnt->vm_flags & VM_DONTCOPY) == 0 {
            // fatal_signal_pending(), VM_ACCOUNT: not modelled
            let tmp = vm_area_dup(mpnt, mm);
            // vma_dup_policy(), dup_userfaultfd(): not modelled
            if (tmp->vm_flags & VM_WIPEONFORK) != 0 {
                // VM_WIPEONFORK gets a clean slate in the child.
                tmp->anon_vma = null;
            } else if anon_vma_fork(tmp, mpnt) != 0 {
                // fail_nomem_anon_vma_fork
                vm_area_free(tmp);
                retval = -ENOMEM;
                break;
            }
            tmp->vm_flags = tmp->vm_flags & ~(VM_LOCKED | VM_LOCKONFAULT);
            // *pprev = tmp; pprev = &tmp->vm_next;
            if prev == null {
                mm->mmap = tmp;
            } else {
                prev->vm_next = tmp;
            }
            tmp->vm_prev = prev;
            prev = tmp;
            if (tmp->vm_flags & VM_WIPEONFORK) == 0 {
                retval = copy_page_range(tmp, mpnt);
            }
            if retval != 0 {
                break;
            }
        }
        mpnt = mpnt->vm_next;
    }
    // arch_dup_mmap(): nothing for x86 without MPX
    // mutate: equivalent(swap-adjacent) the child's mmap_lock: the child's mm is reachable by no other CPU until fork_mm() returns it, so nobody can be waiting for it, and releasing it before or after the parent's flush changes nothing another CPU can see
    mmap_write_unlock(mm);
    flush_tlb_mm(oldmm);
    mmap_write_unlock(oldmm);
    return retval;
}

// vm_area_dup(orig) and dup_mmap()'s `tmp->vm_mm = mm`, together: the machine sets a
// VMA's vm_mm once, when it allocates it. `*new = data_race(*orig)` copies the fields the
// model declares; the list links start empty.
fn vm_area_dup(orig, mm) source "kernel/fork.c:vm_area_dup@v5.10" {
    let new = vm_area_alloc(mm);
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (dup_mmap() links it after vm_area_dup() returns, into a child mm no other CPU can reach), and orig's fields are guarded by the parent's mmap_lock, which dup_mmap() holds for write: these loads and stores commute
    new->vm_start = orig->vm_start;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (dup_mmap() links it after vm_area_dup() returns, into a child mm no other CPU can reach), and orig's fields are guarded by the parent's mmap_lock, which dup_mmap() holds for write: these loads and stores commute
    new->vm_end = orig->vm_end;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (dup_mmap() links it after vm_area_dup() returns, into a child mm no other CPU can reach), and orig's fields are guarded by the parent's mmap_lock, which dup_mmap() holds for write: these loads and stores commute
    new->vm_flags = orig->vm_flags;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (dup_mmap() links it after vm_area_dup() returns, into a child mm no other CPU can reach), and orig's fields are guarded by the parent's mmap_lock, which dup_mmap() holds for write: these loads and stores commute
    new->vm_page_prot = orig->vm_page_prot;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (dup_mmap() links it after vm_area_dup() returns, into a child mm no other CPU can reach), and orig's fields are guarded by the parent's mmap_lock, which dup_mmap() holds for write: these loads and stores commute
    new->vm_pgoff = orig->vm_pgoff;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (dup_mmap() links it after vm_area_dup() returns, into a child mm no other CPU can reach), and orig's fields are guarded by the parent's mmap_lock, which dup_mmap() holds for write: these loads and stores commute
    new->anon_vma = orig->anon_vma;
    // mutate: equivalent(swap-adjacent) two stores to fields of new, which is linked nowhere yet and which no other CPU can reach
    new->vm_next = null;
    new->vm_prev = null;
    return new;
}

// Anonymous private mappings only: is_cow is true for every VMA here, and the PMD entries
// above the PTE tables always exist (pgd, p4d and pud levels are not modelled).
fn copy_page_range(dst_vma, src_vma) source "mm/memory.c:copy_page_range@v5.10" {
    // mutate: equivalent(swap-adjacent) two loads of the parent VMA's bounds, which no CPU can change while dup_mmap() holds the parent's mmap_lock for write
    let addr = src_vma->vm_start;
    let end = src_vma->vm_end;
    // VM_HUGETLB and VM_PFNMAP are not modelled; mmu_notifier_invalidate_range_start() and
    // _end() around the copy of a COW mapping: no secondary MMUs
    return copy_pmd_range(dst_vma, src_vma, addr, end);
}

// One PTE table per 2 MiB range. pmd_alloc() of the child's level is a no-op (the PMD
// entries exist); huge and swap PMDs (copy_huge_pmd()) are not modelled.
fn copy_pmd_range(dst_vma, src_vma, addr, end) source "mm/memory.c:copy_pmd_range@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm is set once, when vm_area_alloc() hands the VMA out, and never written again: the two loads commute
    let dst_mm = dst_vma->vm_mm;
    let src_mm = src_vma->vm_mm;
    while addr != end {
        let next = pmd_addr_end(addr, end);
        let dst_pmd = pmd_offset(dst_mm, addr);
        let src_pmd = pmd_offset(src_mm, addr);
        // pmd_none_or_clear_bad(): a bad entry never occurs here
        if !pmd_none(*src_pmd) {
            if copy_pte_range(dst_vma, src_vma, dst_pmd, src_pmd, addr, next) != 0 {
                return -ENOMEM;
            }
        }
        addr = next;
    }
    return 0;
}

// include/linux/pgtable.h: the end of the 2 MiB range holding addr, or end if sooner.
fn pmd_addr_end(addr, end) source "include/linux/pgtable.h:pmd_addr_end@v5.10" {
    let boundary = (addr / PTRS_PER_PTE + 1) * PTRS_PER_PTE;
    if boundary < end {
        return boundary;
    }
    return end;
}

// The child's PTL first (pte_alloc_map_lock()), then the parent's (spin_lock_nested()).
// A present PTE whose page needs an early copy and finds no preallocated page makes the
// loop drop both PTLs, allocate one (which may sleep) and start again at the same address.
// The `progress >= 32` break for need_resched() and lock contention is not modelled (one
// table holds few PTEs here), nor are non-present entries (copy_nonpresent_pte()).
fn copy_pte_range(dst_vma, src_vma, dst_pmd, src_pmd, addr, end) source "mm/memory.c:copy_pte_range@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm is set once, when vm_area_alloc() hands the VMA out, and never written again: the two loads commute
    let dst_mm = dst_vma->vm_mm;
    let src_mm = src_vma->vm_mm;
    let prealloc = null;
    let ret = 0;
    while true {
        // again:
        if pmd_none(*dst_pmd) && __pte_alloc(dst_mm, dst_pmd) != 0 {
            ret = -ENOMEM;
            break;
        }
        let dst_pte = pte_offset_map(dst_pmd, addr);
        let dst_ptl = pte_lockptr(dst_mm, dst_pte);
        spin_lock(dst_ptl);
        let src_pte = pte_offset_map(src_pmd, addr);
        let src_ptl = pte_lockptr(src_mm, src_pte);
        spin_lock(src_ptl);
        while addr != end {
            src_pte = pte_offset_map(src_pmd, addr);
            dst_pte = pte_offset_map(dst_pmd, addr);
            if !pte_none(*src_pte) {
                if !pte_present(*src_pte) {
                    // (its non-zero return, a swap count continuation to allocate, is
                    // not modelled: swap_duplicate() stops there)
                    copy_nonpresent_pte(dst_mm, src_mm, dst_pte, src_pte, src_vma, addr);
                    addr = addr + PAGE_SIZE;
                    continue;
                }
                // copy_present_pte() clears prealloc if it consumed it
                ret = copy_present_pte(dst_vma, src_vma, dst_pte, src_pte, addr, &prealloc);
                if ret == -EAGAIN {
                    break;
                }
                if prealloc != null {
                    // only if the pinned PTE changed meanwhile: the page is not reused
                    put_page(prealloc);
                    prealloc = null;
                }
            }
            addr = addr + PAGE_SIZE;
        }
        // mutate: equivalent(swap-adjacent) dst_ptl is the child's PTL, which no other CPU can take (the child's mm is reachable by no other CPU until fork_mm() returns it): releasing it before or after the parent's changes nothing another CPU can see
        spin_unlock(src_ptl);
        // add_mm_rss_vec(): RSS counters are not modelled
        pte_unmap_unlock(dst_pte, dst_ptl);
        if ret == -EAGAIN {
            prealloc = page_copy_prealloc(src_mm, src_vma, addr);
            if prealloc == null {
                return -ENOMEM;
            }
            ret = 0;
        }
        if addr == end {
            break;
        }
    }
    if prealloc != null {
        // mutate: equivalent(delete-put) not observable here: the preallocated page is still unused at the end only if the parent's PTE that asked for it was none when the loop came back with both PTLs (a later pinned PTE of the range would take it, a present one that no longer needs it drops it in the loop above); fork holds the parent's mmap_lock for write, so only a path that clears a PTE without mmap_lock could make it none, and the tree has none (the swap opt-in's reclaim clears PTEs through the rmap, but only for MADV_PAGEOUT of a page its caller's mm alone maps, under that mm's mmap_lock held for read, which fork's write lock keeps out; MADV_FREE's discard is not modelled)
        put_page(prealloc);
    }
    return ret;
}

// alloc_page_vma() and the memcg charge (not modelled), with the PTLs dropped.
fn page_copy_prealloc(src_mm, vma, addr) source "mm/memory.c:page_copy_prealloc@v5.10" {
    return alloc_page_vma(vma, addr);
}

// Under both PTLs: a swap, migration or device-private entry copied to the child. A swap
// entry gains a reference on its slot (swap_duplicate(): the tree has no swap device unless
// the test imports opt-in/swap-v5.10.mmk); a write migration or device-private entry of a
// COW mapping becomes a read one in both (the parent's rewritten under its PTL). Left out:
// the rss counters, swapoff's mmlist (swapoff is not modelled), and the continuation case
// (swap_duplicate() < 0 returns entry.val for copy_pte_range() to allocate one).
fn copy_nonpresent_pte(dst_mm, src_mm, dst_pte, src_pte, vma, addr) source "mm/memory.c:copy_nonpresent_pte@v5.10" {
    // mutate: equivalent(swap-adjacent) fork holds the parent's mmap_lock for write, which guards vm_flags, and both PTLs, which guard the PTE: neither load can see another CPU's change, in either order
    let vm_flags = vma->vm_flags;
    let pte = *src_pte;
    let entry = pte_to_swp_entry(pte);
    if !non_swap_entry(entry) {
        if swap_duplicate(entry) < 0 {
            not_modelled(); // a swap count continuation (add_swap_count_continuation())
        }
    } else if is_migration_entry(entry) {
        if is_write_migration_entry(entry) && is_cow_mapping(vm_flags) {
            // make_migration_entry_read(&entry)
            entry = make_migration_entry(migration_entry_to_page(entry), false);
            pte = swp_entry_to_pte(entry);
            if pte_swp_soft_dirty(*src_pte) {
                pte = pte_swp_mksoft_dirty(pte);
            }
            if pte_swp_uffd_wp(*src_pte) {
                pte = pte_swp_mkuffd_wp(pte);
            }
            set_pte_at(src_mm, addr, src_pte, pte);
        }
    } else if is_device_private_entry(entry) {
        let page = device_private_entry_to_page(entry);
        // mutate: equivalent(delete-get) not observable here: no path of the tree makes a device-private entry (no ZONE_DEVICE driver), so no test can reach this branch
        // mutate: equivalent(swap-adjacent) not observable here: no path of the tree makes a device-private entry (no ZONE_DEVICE driver), so no test can reach this branch
        get_page(page);
        page_dup_rmap(page, false);
        if is_write_device_private_entry(entry) && is_cow_mapping(vm_flags) {
            // make_device_private_entry_read(&entry); soft-dirty is not kept
            entry = make_device_private_entry(page, false);
            pte = swp_entry_to_pte(entry);
            if pte_swp_uffd_wp(*src_pte) {
                pte = pte_swp_mkuffd_wp(pte);
            }
            set_pte_at(src_mm, addr, src_pte, pte);
        }
    }
    set_pte_at(dst_mm, addr, dst_pte, pte);
    return 0;
}

// Under both PTLs: the pinned-page check (copy_present_page()) comes before the
// reference and the write-protect of the parent's PTE, and nothing orders it against
// GUP-fast, which takes neither lock.
fn copy_present_pte(dst_vma, src_vma, dst_pte, src_pte, addr, prealloc) source "mm/memory.c:copy_present_pte@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm never changes after vm_area_alloc(), and vm_flags is guarded by the parent's mmap_lock, which fork holds for write: two loads that commute
    let src_mm = src_vma->vm_mm;
    // mutate: equivalent(swap-adjacent) vm_flags is guarded by the parent's mmap_lock, which fork holds for write, so no CPU can change it around the PTE load; the PTE is read under both PTLs in either order
    let vm_flags = src_vma->vm_flags;
    let pte = *src_pte;
    let page = vm_normal_page(src_vma, addr, pte);
    if page != null {
        let retval = copy_present_page(dst_vma, src_vma, dst_pte, src_pte, addr, prealloc, pte, page);
        if retval <= 0 {
            return retval;
        }
        get_page(page);
        page_dup_rmap(page, false);
        // rss[mm_counter(page)]++: not modelled
    }
    // "If it's a COW mapping, write protect it both in the parent and the child"
    if is_cow_mapping(vm_flags) && pte_write(pte) {
        ptep_set_wrprotect(src_mm, addr, src_pte);
        pte = pte_wrprotect(pte);
    }
    // VM_SHARED's pte_mkclean(): shared mappings are not modelled
    pte = pte_mkold(pte);
    if (vm_flags & VM_UFFD_WP) == 0 {
        pte = pte_clear_uffd_wp(pte);
    }
    set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
    return 0;
}

// 1: go on with the shared, write-protected copy; 0: the child got its own copy of a page
// the parent may have pinned (the parent's PTE stays as it was); -EAGAIN: that copy needs a
// preallocated page. "The page pinning checks are just "has this mm ever seen pinning",
// along with the (inexact) check of the page count."
fn copy_present_page(dst_vma, src_vma, dst_pte, src_pte, addr, prealloc, pte, page) source "mm/memory.c:copy_present_page@v5.10" {
    let src_mm = src_vma->vm_mm;
    if !is_cow_mapping(src_vma->vm_flags) {
        return 1;
    }
    if !test_bit(MMF_HAS_PINNED, &src_mm->flags) {
        return 1;
    }
    if !page_maybe_dma_pinned(page) {
        return 1;
    }
    let new_page = *prealloc;
    if new_page == null {
        return -EAGAIN;
    }
    // mutate: equivalent(swap-adjacent) *prealloc is copy_pte_range()'s local, private to this CPU
    *prealloc = null;
    copy_user_highpage(new_page, page);
    // Ghost: the child's copy is a snapshot; the parent keeps its page and goes on
    // writing it. Not kernel code.
    ghost_snapshot(new_page);
    // __SetPageUptodate(): page flags other than the modelled ones are left out
    // mutate: equivalent(swap-adjacent) not observable here: PG_swapbacked and the LRU lists are not modelled (page_add_new_anon_rmap() omits __SetPageSwapBacked(), __pagevec_lru_add_fn() only sets PG_lru); both calls touch only new_page, private to this CPU, and this CPU's own pagevec (a full one drains pages the rmap call does not touch)
    page_add_new_anon_rmap(new_page, dst_vma, addr);
    // mutate: equivalent(swap-adjacent) mk_pte() computes from the page number and the child VMA's vm_page_prot, which no other CPU can reach (the child's mm is reachable by no other CPU until fork_mm() returns it), and lru_cache_add_inactive_or_unevictable() changes neither
    lru_cache_add_inactive_or_unevictable(new_page, dst_vma);
    let npte = mk_pte(new_page, dst_vma->vm_page_prot);
    // mutate: equivalent(swap-adjacent) the mutant maps the child's private copy read-only and clean instead of writable and dirty; nothing reads the child's PTE before fork_mm() returns, and afterwards a write by the child (after switch_mm()) only faults first: do_wp_page() reuses or copies a page that already holds the parent's contents, so no value changes, only one more fault
    npte = maybe_mkwrite(pte_mkdirty(npte), dst_vma);
    set_pte_at(dst_vma->vm_mm, addr, dst_pte, npte);
    return 0;
}

// arch/x86/include/asm/pgtable.h: clear_bit(_PAGE_BIT_RW, &ptep->pte), one locked
// read-modify-write, so an A or D bit the hardware sets meanwhile is not lost.
fn ptep_set_wrprotect(mm, addr, ptep) source "arch/x86/include/asm/pgtable.h:ptep_set_wrprotect@v5.10" {
    atomic {
        set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    }
}

// include/linux/rmap.h: another mapping of an anonymous page.
fn page_dup_rmap(page, compound) source "include/linux/rmap.h:page_dup_rmap@v5.10" {
    atomic_inc(&page->_mapcount);
}

// ---- the mm's lifetime (kernel/fork.c, include/linux/sched/mm.h v5.10) ----
//
// mm_users counts the mm's users; the last mmput() tears the address space down
// (exit_mmap()) and frees it. mm_count (mmgrab()/mmdrop(), the lazy-TLB references) is not
// modelled: here __mmput() frees the mm itself. Left out of __mmput(): uprobes, ksm and
// khugepaged exit, the mmlist, exe_file, the mm's owner.

fn mmget(mm) source "include/linux/sched/mm.h:mmget@v5.10" {
    atomic_inc(&mm->mm_users);
}

fn mmget_not_zero(mm) source "include/linux/sched/mm.h:mmget_not_zero@v5.10" {
    return atomic_inc_not_zero(&mm->mm_users);
}

fn mmput(mm) source "kernel/fork.c:mmput@v5.10" {
    // might_sleep()
    if atomic_dec_and_test(&mm->mm_users) {
        __mmput(mm);
    }
}

fn __mmput(mm) source "kernel/fork.c:__mmput@v5.10" {
    exit_mmap(mm);
    // mmdrop() -> __mmdrop() -> mm_free_pgd(), destroy_context(), free_mm()
    free_mm(mm);
}
