// fork()'s address-space half as Linux 6.12.y has it: kernel/fork.c dup_mm() and dup_mmap()
// (Xilinx/linux-xlnx 447c8f0c0619), and the page-table copy of mm/memory.c
// (copy_page_range() down to copy_present_ptes() and the early COW of a page the parent may
// have pinned, copy_present_page(); Xilinx/linux-xlnx acc8f948e4aa). The child task is not
// modelled: fork_mm() returns the child's mm, and no CPU runs it until a test hands it over.
//
// What 6.12 adds over v5.10 here:
// - the per-VMA lock: dup_mmap() write-locks every VMA of the parent (vma_start_write()) before
//   copying it, so a page fault that holds only a VMA's read lock (lock_vma_under_rcu()) cannot
//   run in the parent while fork write-protects and COW-shares its pages (fb49c455323f /
//   2b4f3b4987b5, "fork: lock VMAs of the parent process when forking", 6.5-rc1); the locks
//   are dropped all at once by mmap_write_unlock(oldmm) (vma_end_write_all());
// - mm->write_protect_seq around the copy of a COW mapping (57efa1fe5957, v5.11), which
//   GUP-fast with FOLL_PIN checks;
// - PageAnonExclusive (6c287605fd56, v5.19): folio_try_dup_anon_rmap_pte() clears it on the
//   parent's page when the child shares it, and refuses (-EBUSY) to share a page that is
//   exclusive and may be pinned (MMF_HAS_PINNED and folio_maybe_dma_pinned()): the child then
//   gets a copy at once (copy_present_page()), and the parent keeps its page and its PTE.
//
// The maple tree is the model's VMA list (mm->mmap, vm_next, vm_prev): __mt_dup()'s copy of the
// parent's tree is modelled by linking each child VMA as dup_mmap() makes it (the child's mm is
// reachable by no other CPU until fork_mm() returns it, so building it whole first or one VMA at
// a time looks the same to every other CPU). anon_vma_fork() gives the child VMA the anon_vma
// token of page.mmk. Folios are order-0: copy_present_ptes() takes its one-PTE branch, and
// folio_pte_batch() and the large-folio batch are left out.
//
// userfaultfd: the model's one uffd context has no feature bits, so it never asked for
// UFFD_FEATURE_EVENT_FORK: dup_userfaultfd() unregisters the child's copy of a registered VMA
// (userfaultfd_reset_ctx()), and __copy_present_ptes() / copy_nonpresent_pte() drop the uffd-wp
// bits of the child's PTEs (`!userfaultfd_wp(dst_vma)`). UFFD_EVENT_FORK is not modelled.
//
// Left out everywhere: VM_ACCOUNT charging, mempolicy (vma_dup_policy()), file, shmem, hugetlb
// and VM_PFNMAP mappings, KSM and khugepaged registration, uprobes, exe_file, mmu notifiers
// (no secondary MMUs), RSS counters, the memcg charge, copy_mc_user_highpage()'s machine-check
// recovery (the model's copy cannot fail, so -EHWPOISON never comes back), device-exclusive
// entries, swap count continuations, and the error paths' teardown of a half-built child
// (mmput()).

// include/linux/mm.h@v6.12
const VM_DONTCOPY = 0x00020000;
const VM_WIPEONFORK = 0x02000000;

// The address-space half of kernel_clone() -> copy_process() -> copy_mm() without CLONE_VM:
// the child's mm, or null when it could not be built. (The task fields copy_mm() resets and
// sched_mm_cid_fork() are not modelled.)
fn fork_mm() source "kernel/fork.c:copy_mm@v6.12 (without CLONE_VM)" {
    return dup_mm(current_mm());
}

// allocate_mm(), then memcpy() of the parent's mm_struct and mm_init(): mm_init() resets every
// field the model declares (mm_users 1, write_protect_seq and mm_lock_seq 0, the mmap_lock, an
// empty VMA tree, the cpumask, tlb_flush_pending), and mm->flags = mmf_init_flags(), which
// keeps none of the bits modelled (MMF_HAS_PINNED is not inherited): the machine's fresh
// mm_struct stands for all of it, and mm_alloc_pgd() is part of allocate_mm() here (the new mm
// has every PMD entry none). uprobe_start/end_dup_mmap(), the hiwater counters and binfmt are
// not modelled.
fn dup_mm(oldmm) source "kernel/fork.c:dup_mm@v6.12" {
    let mm = allocate_mm();
    let err = dup_mmap(mm, oldmm);
    if err != 0 {
        // free_pt: mmput() of the half-built child is not modelled
        not_modelled();
    }
    return mm;
}

// Both mmap_locks for write, parent first; each parent VMA write-locked (the per-VMA lock),
// duplicated, linked into the child and its page tables copied; then the child unlocked, ONE
// flush of the parent (every PTE fork write-protected is flushed here, not one by one), and
// the parent unlocked, which also drops every VMA write lock taken here.
fn dup_mmap(mm, oldmm) source "kernel/fork.c:dup_mmap@v6.12" {
    // mmap_write_lock_killable(): no signals are modelled
    // mutate: equivalent(swap-adjacent) mm is the child's, just made by allocate_mm(), and the child's mm is reachable by no other CPU until fork_mm() returns it: its mmap_lock is always free, so taking it before or after the parent's changes nothing another CPU can see
    mmap_write_lock(oldmm);
    // flush_cache_dup_mm(): nothing on x86; uprobe_dup_mmap(): not modelled
    // mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING): "Not linked in yet - no deadlock
    // potential"
    mmap_write_lock(mm);
    // dup_mm_exe_file(), the total_vm/data_vm/exec_vm/stack_vm counters: not modelled.
    // __mt_dup(&oldmm->mm_mt, &mm->mm_mt): the child's list is built below, one VMA at a time
    // (see the file's comment); mt_clear_in_rcu(): no RCU walker can reach the child's tree.
    let retval = 0;
    let prev = null;
    let mpnt = oldmm->mmap;
    while mpnt != null {
        vma_start_write(mpnt);
        if (mpnt->vm_flags & VM_DONTCOPY) != 0 {
            // vma_iter_clear_gfp(): the child's list never had it; vm_stat_account(): not
            // modelled
            mpnt = mpnt->vm_next;
            continue;
        }
        // fatal_signal_pending(), VM_ACCOUNT: not modelled
        let tmp = vm_area_dup(mpnt, mm);
        if tmp == null {
            // fail_nomem
            retval = -ENOMEM;
            break;
        }
        // VM_PFNMAP's untrack_pfn_clear(), vma_dup_policy(): not modelled; tmp->vm_mm = mm is
        // vm_area_dup()'s here (the machine sets a VMA's vm_mm when it allocates it)
        retval = dup_userfaultfd(tmp);
        if retval != 0 {
            // fail_nomem_anon_vma_fork (dup_userfaultfd() of the model cannot fail)
            vm_area_free_rcu(tmp);
            break;
        }
        if (tmp->vm_flags & VM_WIPEONFORK) != 0 {
            // "VM_WIPEONFORK gets a clean slate in the child. Don't prepare anon_vma until
            // fault since we don't copy page for current vma."
            tmp->anon_vma = null;
        } else if anon_vma_fork(tmp, mpnt) != 0 {
            // fail_nomem_anon_vma_fork: mpol_put() is not modelled
            vm_area_free_rcu(tmp);
            retval = -ENOMEM;
            break;
        }
        // vm_flags_clear(tmp, VM_LOCKED_MASK), inlined: vma_start_write(), then the store
        // mutate: equivalent(swap-adjacent) tmp is the child's VMA, linked nowhere yet, in an mm no other CPU can reach until fork_mm() returns it: its lock, lock sequence and flags are this CPU's alone, in either order
        vma_start_write(tmp);
        tmp->vm_flags = tmp->vm_flags & ~VM_LOCKED_MASK;
        // hugetlb_dup_vma_private(): not modelled
        // vma_iter_bulk_store(&vmi, tmp): linked after the previous child VMA
        if prev == null {
            mm->mmap = tmp;
        } else {
            prev->vm_next = tmp;
        }
        tmp->vm_prev = prev;
        prev = tmp;
        // mm->map_count++, vm_ops->open() and the file's i_mmap: not modelled
        if (tmp->vm_flags & VM_WIPEONFORK) == 0 {
            retval = copy_page_range(tmp, mpnt);
        }
        if retval != 0 {
            // mpnt = vma_next(&vmi); goto loop_out: the XA_ZERO_ENTRY that marks where
            // exit_mmap() of the half-built child stops is not modelled (dup_mm() stops there)
            break;
        }
        mpnt = mpnt->vm_next;
    }
    // arch_dup_mmap(): nothing for x86 without MPX; loop_out: vma_iter_free(), mt_set_in_rcu(),
    // ksm_fork(), khugepaged_fork(): not modelled
    // mutate: equivalent(swap-adjacent) the child's mmap_lock: the child's mm is reachable by no other CPU until fork_mm() returns it, so nobody can be waiting for it, and releasing it before or after the parent's flush changes nothing another CPU can see
    mmap_write_unlock(mm);
    flush_tlb_mm(oldmm);
    mmap_write_unlock(oldmm);
    // dup_userfaultfd_complete() / _fail(): not modelled
    return retval;
}

// fs/userfaultfd.c (Xilinx/linux-xlnx b543a5a73b5c, content-dated 6.12): the model keeps no
// vma->vm_userfaultfd_ctx; a VMA is registered with the model's one context when it has
// __VM_UFFD_FLAGS (userfaultfd_release_all() BUG_ONs if the two disagree). That context has no
// feature bits: `!(octx->features & UFFD_FEATURE_EVENT_FORK)`, so the child's VMA is
// unregistered. The fork context, its list and dup_userfaultfd_complete()'s UFFD_EVENT_FORK
// are never reached. 0, or -ENOMEM (never here).
fn dup_userfaultfd(vma) source "fs/userfaultfd.c:dup_userfaultfd@v6.12" {
    // octx = vma->vm_userfaultfd_ctx.ctx; if (!octx) return 0;
    if (vma->vm_flags & (VM_UFFD_MISSING | VM_UFFD_WP)) == 0 {
        return 0;
    }
    userfaultfd_reset_ctx(vma);
    return 0;
}

// mm/userfaultfd.c (Xilinx/linux-xlnx 4e9507246298, content-dated 6.12.y):
// userfaultfd_set_ctx(vma, NULL, 0), inlined: the VMA write-locked, its context cleared (not
// modelled) and userfaultfd_set_vm_flags() of its flags without __VM_UFFD_FLAGS
// (vm_flags_reset(); vma_set_page_prot() only for a shared VMA, not modelled). VM_UFFD_MINOR is
// not modelled.
fn userfaultfd_reset_ctx(vma) source "mm/userfaultfd.c:userfaultfd_reset_ctx@v6.12" {
    // mutate: equivalent(swap-adjacent) in this tree only dup_userfaultfd() calls it, on the child's new VMA, linked into an mm no other CPU can reach until fork_mm() returns it: the VMA's lock and flags are this CPU's alone
    vma_start_write(vma);
    vma->vm_flags = vma->vm_flags & ~(VM_UFFD_MISSING | VM_UFFD_WP);
}

// vm_area_dup(orig) and dup_mmap()'s `tmp->vm_mm = mm`, together: the machine sets a VMA's
// vm_mm once, when it allocates it, so the caller passes the mm (mmap.mmk's and mremap.mmk's
// callers pass orig's own). kmem_cache_alloc(vm_area_cachep) is the machine's vm_area_alloc()
// (which zeroes the VMA, as the memcpy() then overwrites it whole); `data_race(memcpy(new,
// orig, sizeof(*new)))` copies the fields the model declares, but for the list links (the
// maple tree's place is the caller's business) and the VMA lock: vma_lock_alloc() gives the
// copy a lock of its own, free (init_rwsem(); the machine's fresh VMA has its embedded
// rw_semaphore free) and `vma->vm_lock_seq = -1`. INIT_LIST_HEAD(&new->anon_vma_chain),
// vma_numab_state_init() and dup_anon_vma_name(): not modelled.
fn vm_area_dup(orig, mm) source "kernel/fork.c:vm_area_dup@v6.12" {
    // ASSERT_EXCLUSIVE_WRITER(orig->vm_flags): the caller holds orig's mm's mmap_lock for write
    let new = vm_area_alloc(mm);
    if new == null {
        return null;
    }
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (the caller links it after vm_area_dup() returns), and orig's fields are guarded by its mm's mmap_lock, which every caller holds for write: these loads and stores commute
    new->vm_start = orig->vm_start;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (the caller links it after vm_area_dup() returns), and orig's fields are guarded by its mm's mmap_lock, which every caller holds for write: these loads and stores commute
    new->vm_end = orig->vm_end;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (the caller links it after vm_area_dup() returns), and orig's fields are guarded by its mm's mmap_lock, which every caller holds for write: these loads and stores commute
    new->vm_flags = orig->vm_flags;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (the caller links it after vm_area_dup() returns), and orig's fields are guarded by its mm's mmap_lock, which every caller holds for write: these loads and stores commute
    new->vm_page_prot = orig->vm_page_prot;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (the caller links it after vm_area_dup() returns), and orig's fields are guarded by its mm's mmap_lock, which every caller holds for write: these loads and stores commute
    new->vm_pgoff = orig->vm_pgoff;
    // mutate: equivalent(swap-adjacent) new is linked nowhere yet (the caller links it after vm_area_dup() returns), and orig's fields are guarded by its mm's mmap_lock, which every caller holds for write: these loads and stores commute
    new->anon_vma = orig->anon_vma;
    // mutate: equivalent(swap-adjacent) two stores to fields of new, which is linked nowhere yet and which no other CPU can reach
    new->detached = orig->detached;
    // mutate: equivalent(swap-adjacent) two stores to fields of new, which is linked nowhere yet and which no other CPU can reach
    new->vm_next = null;
    // mutate: equivalent(swap-adjacent) two stores to fields of new, which is linked nowhere yet and which no other CPU can reach
    new->vm_prev = null;
    // vma_lock_alloc(new)
    new->vm_lock_seq = -1;
    return new;
}

// "Return true if the vma needs to copy the pgtable during this fork(). Return false when we
// can speed up fork() by allowing lazy page faults later until when the child accesses the
// memory range." A private anonymous VMA has an anon_vma once it has had a page (the fault's
// anon_vma_prepare()); one that never faulted has no PTEs to copy.
fn vma_needs_copy(dst_vma, src_vma) source "mm/memory.c:vma_needs_copy@v6.12" {
    // "Always copy pgtables when dst_vma has uffd-wp enabled even if it's file-backed (e.g.
    // shmem)."
    if userfaultfd_wp(dst_vma) {
        return true;
    }
    if (src_vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) != 0 {
        return true;
    }
    if src_vma->anon_vma != null {
        return true;
    }
    // "Don't copy ptes where a page fault will fill them correctly."
    return false;
}

// Anonymous private mappings: the pgd, p4d and pud levels are folded into copy_pmd_range()
// (the PMD entries of the scenario's ranges always exist). For a COW mapping the copy runs in
// the write side of the parent's write_protect_seq, which GUP-fast with FOLL_PIN checks. Left
// out: hugetlb (copy_hugetlb_page_range()), VM_PFNMAP's track_pfn_copy(), and the mmu notifier
// range around the copy (no secondary MMUs).
fn copy_page_range(dst_vma, src_vma) source "mm/memory.c:copy_page_range@v6.12" {
    // mutate: equivalent(swap-adjacent) two loads of the parent VMA's bounds, which no CPU can change while dup_mmap() holds the parent's mmap_lock for write
    let addr = src_vma->vm_start;
    // mutate: equivalent(swap-adjacent) vm_mm is set once, when vm_area_alloc() hands the VMA out, and vm_end is guarded by the parent's mmap_lock, which dup_mmap() holds for write: two loads no CPU can change
    let end = src_vma->vm_end;
    let src_mm = src_vma->vm_mm;
    if !vma_needs_copy(dst_vma, src_vma) {
        return 0;
    }
    // "We need to invalidate the secondary MMU mappings only when there could be a permission
    // downgrade on the ptes of the parent mm. And a permission downgrade will only happen if
    // is_cow_mapping() returns true."
    let is_cow = is_cow_mapping(src_vma->vm_flags);
    if is_cow {
        // mmu_notifier_invalidate_range_start(): no secondary MMUs
        // "Disabling preemption is not needed for the write side, as the read side doesn't
        // spin, but goes to the mmap_lock. Use the raw variant of the seqcount_t write API to
        // avoid lockdep complaining about preemptibility."
        // mutate: equivalent(swap-adjacent) vma_assert_write_locked() only reads vm_lock_seq and mm_lock_seq, both written only under the parent's mmap_lock, which dup_mmap() holds for write, and GUP-fast, the seqcount's reader, reads neither
        vma_assert_write_locked(src_vma);
        write_seqcount_begin(&src_mm->write_protect_seq); // raw_write_seqcount_begin()
    }
    let ret = copy_pmd_range(dst_vma, src_vma, addr, end);
    if is_cow {
        write_seqcount_end(&src_mm->write_protect_seq); // raw_write_seqcount_end()
        // mmu_notifier_invalidate_range_end(): no secondary MMUs
    }
    return ret;
}

// One PTE table per 2 MiB range. pmd_alloc() of the child's level is a no-op (the PMD entries
// exist). A huge or swap PMD (copy_huge_pmd()) is not modelled: a test that forks one stops
// with a model error rather than copy it wrongly.
fn copy_pmd_range(dst_vma, src_vma, addr, end) source "mm/memory.c:copy_pmd_range@v6.12" {
    // mutate: equivalent(swap-adjacent) vm_mm is set once, when vm_area_alloc() hands the VMA out, and never written again: the two loads commute
    let dst_mm = dst_vma->vm_mm;
    let src_mm = src_vma->vm_mm;
    while addr != end {
        let next = pmd_addr_end(addr, end);
        let dst_pmd = pmd_offset(dst_mm, addr);
        let src_pmd = pmd_offset(src_mm, addr);
        if pmd_trans_huge(*src_pmd) {
            not_modelled(); // copy_huge_pmd()
        }
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
fn pmd_addr_end(addr, end) source "include/linux/pgtable.h:pmd_addr_end@v6.12" {
    let boundary = (addr / PTRS_PER_PTE + 1) * PTRS_PER_PTE;
    if boundary < end {
        return boundary;
    }
    return end;
}

// The child's PTL first (pte_alloc_map_lock()), then the parent's (pte_offset_map_nolock() and
// spin_lock_nested()): "assume that exclusive mmap_lock on dst and src protects anon from
// unexpected THP transitions", so the parent's PMD entry cannot change under the copy. The
// loop's `src_pte++`/`dst_pte++` walk the tables again for each address (the model has no
// pointer arithmetic; both mmap_locks are held, so the PMD entries read are those mapped). A
// present PTE whose page needs an early copy and finds no preallocated folio makes the loop
// drop both PTLs, allocate one (folio_prealloc(), memory.mmk, which may sleep) and start again
// at the same address. The `progress >= 32` break for need_resched() and lock contention is
// not modelled (a table holds few PTEs here), nor are the -EIO (swap count continuation),
// -EBUSY (device-exclusive entry) and -EHWPOISON returns, which nothing modelled produces;
// arch_enter/leave_lazy_mmu_mode() are no-ops on bare-metal x86.
fn copy_pte_range(dst_vma, src_vma, dst_pmd, src_pmd, addr, end) source "mm/memory.c:copy_pte_range@v6.12" {
    // mutate: equivalent(swap-adjacent) vm_mm is set once, when vm_area_alloc() hands the VMA out, and never written again: the two loads commute
    let dst_mm = dst_vma->vm_mm;
    let src_mm = src_vma->vm_mm;
    let prealloc = null;
    let ret = 0;
    while true {
        // again:
        // pte_alloc_map_lock(dst_mm, dst_pmd, addr, &dst_ptl)
        let dst_ptl = null;
        let dst_pte = null;
        if !pte_alloc(dst_mm, dst_pmd) {
            dst_pte = pte_offset_map_lock(dst_mm, dst_pmd, addr, &dst_ptl);
        }
        if dst_pte == null {
            ret = -ENOMEM;
            break;
        }
        let src_ptl = null;
        let src_pte = pte_offset_map_nolock(src_mm, src_pmd, addr, &src_ptl);
        if src_pte == null {
            pte_unmap_unlock(dst_pte, dst_ptl);
            // ret == 0
            break;
        }
        spin_lock(src_ptl); // spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING)
        let orig_src_pte = src_pte;
        let orig_dst_pte = dst_pte;
        while addr != end {
            src_pte = pte_offset_map(src_pmd, addr);
            dst_pte = pte_offset_map(dst_pmd, addr);
            let ptent = *src_pte; // ptep_get()
            if pte_none(ptent) {
                addr = addr + PAGE_SIZE;
                continue;
            }
            if !pte_present(ptent) {
                // 0 for every entry modelled (see above)
                ret = copy_nonpresent_pte(dst_mm, src_mm, dst_pte, src_pte, dst_vma, src_vma, addr);
                addr = addr + PAGE_SIZE;
                continue;
            }
            // "copy_present_ptes() will clear `*prealloc' if consumed"
            let max_nr = (end - addr) / PAGE_SIZE;
            ret = copy_present_ptes(dst_vma, src_vma, dst_pte, src_pte, ptent, addr, max_nr, &prealloc);
            // "If we need a pre-allocated page for this pte, drop the locks, allocate, and try
            // again."
            if ret == -EAGAIN {
                break;
            }
            if prealloc != null {
                // "pre-alloc page cannot be reused by next time so as to strictly follow
                // mempolicy [...] This could only happen if one pinned pte changed."
                folio_put(prealloc);
                prealloc = null;
            }
            let nr = ret;
            addr = addr + PAGE_SIZE * nr;
        }
        // mutate: equivalent(swap-adjacent) dst_ptl is the child's PTL, which no other CPU can take (the child's mm is reachable by no other CPU until fork_mm() returns it): releasing it before or after the parent's changes nothing another CPU can see
        pte_unmap_unlock(orig_src_pte, src_ptl);
        // add_mm_rss_vec(): RSS counters are not modelled
        pte_unmap_unlock(orig_dst_pte, dst_ptl);
        // cond_resched()
        if ret == -EAGAIN {
            prealloc = folio_prealloc(src_mm, src_vma, addr, false);
            if prealloc == null {
                return -ENOMEM;
            }
        }
        // "We've captured and resolved the error. Reset, try again."
        ret = 0;
        if addr == end {
            break;
        }
    }
    // out:
    if prealloc != null {
        // mutate: equivalent(delete-put) not observable here: the preallocated folio is still unused at the end only if the parent's PTE that asked for it was none when the loop came back with both PTLs, and fork holds the parent's mmap_lock for write and its VMA write lock, so no path of the tree can clear that PTE meanwhile
        folio_put(prealloc);
    }
    return ret;
}

// Under both PTLs: a swap, migration, device-private entry or PTE marker copied to the child.
// A swap entry gains a reference on its slot (swap_duplicate(): this tree has no swap device);
// a writable migration or device-private entry of a COW mapping becomes a readable one in both
// (the parent's rewritten under its PTL); a marker is copied as copy_pte_marker() says. Left
// out: the rss counters, swapoff's mmlist, the swap entry's exclusive bit (the machine's swap
// PTEs have no SWP_EXCLUSIVE bit, so pte_swp_clear_exclusive() of the parent's entry is not
// modelled), the swap count continuation (-EIO) and device-exclusive entries (-EBUSY/-ENOENT).
// The machine's migration entries are read or write: 6.12's readable-exclusive kind is not
// modelled, so `!is_readable_migration_entry()` is is_write_migration_entry() here.
fn copy_nonpresent_pte(dst_mm, src_mm, dst_pte, src_pte, dst_vma, src_vma, addr) source "mm/memory.c:copy_nonpresent_pte@v6.12" {
    // mutate: equivalent(swap-adjacent) fork holds the child's mmap_lock for write, which guards its vm_flags, and both PTLs, which guard the PTE: neither load can see another CPU's change, in either order
    let vm_flags = dst_vma->vm_flags;
    let orig_pte = *src_pte; // ptep_get()
    let pte = orig_pte;
    let entry = pte_to_swp_entry(orig_pte);
    if !non_swap_entry(entry) {
        if swap_duplicate(entry) < 0 {
            not_modelled(); // -EIO: a swap count continuation (add_swap_count_continuation())
        }
        // "Mark the swap entry as shared.": pte_swp_exclusive() is not modelled (see above)
    } else if is_migration_entry(entry) {
        if is_write_migration_entry(entry) && is_cow_mapping(vm_flags) {
            // "COW mappings require pages in both parent and child to be set to read. A
            // previously exclusive entry is now shared."
            entry = make_migration_entry(migration_entry_to_page(entry), false);
            pte = swp_entry_to_pte(entry);
            if pte_swp_soft_dirty(orig_pte) {
                pte = pte_swp_mksoft_dirty(pte);
            }
            if pte_swp_uffd_wp(orig_pte) {
                pte = pte_swp_mkuffd_wp(pte);
            }
            set_pte_at(src_mm, addr, src_pte, pte);
        }
    } else if is_device_private_entry(entry) {
        let page = device_private_entry_to_page(entry);
        let folio = page_folio(page);
        // mutate: equivalent(delete-get) not observable here: no path of the tree makes a device-private entry (no ZONE_DEVICE driver), so no test can reach this branch
        // mutate: equivalent(swap-adjacent) not observable here: no path of the tree makes a device-private entry (no ZONE_DEVICE driver), so no test can reach this branch
        folio_get(folio);
        // "Cannot fail as these pages cannot get pinned."
        folio_try_dup_anon_rmap_pte(folio, page, src_vma);
        // "We do not preserve soft-dirty information"
        if is_write_device_private_entry(entry) && is_cow_mapping(vm_flags) {
            entry = make_device_private_entry(page, false);
            pte = swp_entry_to_pte(entry);
            if pte_swp_uffd_wp(orig_pte) {
                pte = pte_swp_mkuffd_wp(pte);
            }
            set_pte_at(src_mm, addr, src_pte, pte);
        }
    } else if is_pte_marker_entry(entry) {
        let marker = copy_pte_marker(entry, dst_vma);
        if marker != 0 {
            set_pte_at(dst_mm, addr, dst_pte, swp_entry_to_pte(make_pte_marker_entry(marker)));
        }
        return 0;
    }
    if !userfaultfd_wp(dst_vma) {
        pte = pte_swp_clear_uffd_wp(pte);
    }
    set_pte_at(dst_mm, addr, dst_pte, pte);
    return 0;
}

// include/linux/mm_inline.h: "Always copy error entries." (PTE_MARKER_POISONED) "Only copy PTE
// markers if UFFD register matches." (6.12 has no guard markers; they came in 6.13.) Text from
// 6.12-era memory, not read at a pinned commit.
fn copy_pte_marker(entry, dst_vma) source "include/linux/mm_inline.h:copy_pte_marker@v6.12" {
    let srcm = pte_marker_get(entry);
    let dstm = srcm & PTE_MARKER_POISONED;
    if (srcm & PTE_MARKER_UFFD_WP) != 0 && userfaultfd_wp(dst_vma) {
        dstm = dstm | PTE_MARKER_UFFD_WP;
    }
    return dstm;
}

// "Copy a present and normal page. [...] if we need a pre-allocated page but don't yet have
// one, return a negative error to let the preallocation code know so that it can do so outside
// the page table lock." The child gets its own copy, exclusive and writable (maybe_mkwrite()),
// of a page the parent may have pinned; the parent's PTE stays as it was.
fn copy_present_page(dst_vma, src_vma, dst_pte, src_pte, addr, prealloc, page) source "mm/memory.c:copy_present_page@v6.12" {
    let new_folio = *prealloc;
    if new_folio == null {
        return -EAGAIN;
    }
    // "We have a prealloc page, all good! Take it over and copy the page & arm it."
    // copy_mc_user_highpage(): the model's copy cannot hit a memory error (no -EHWPOISON)
    copy_user_highpage(folio_page(new_folio, 0), page);
    // Ghost: the child's copy is a snapshot; the parent keeps its page and goes on writing
    // it. Not kernel code.
    ghost_snapshot(folio_page(new_folio, 0));
    // mutate: equivalent(swap-adjacent) *prealloc is copy_pte_range()'s local, private to this CPU
    *prealloc = null;
    // __folio_mark_uptodate(): PG_uptodate is not modelled
    // mutate: equivalent(swap-adjacent) both touch only new_folio, which no other CPU can reach until set_pte_at() maps it in the child (whose mm no other CPU can reach until fork_mm() returns it), and this CPU's own folio batch (a full batch drains folios the rmap call does not touch)
    folio_add_new_anon_rmap(new_folio, dst_vma, addr, RMAP_EXCLUSIVE);
    // mutate: equivalent(swap-adjacent) mk_pte() computes from the frame and the child VMA's vm_page_prot, which no other CPU can reach (the child's mm is private until fork_mm() returns it), and folio_add_lru_vma() changes neither
    folio_add_lru_vma(new_folio, dst_vma);
    // rss[MM_ANONPAGES]++: not modelled
    // "All done, just insert the new page copy in the child"
    let pte = mk_pte(folio_page(new_folio, 0), dst_vma->vm_page_prot);
    pte = maybe_mkwrite(pte_mkdirty(pte), dst_vma);
    if userfaultfd_pte_wp(dst_vma, *src_pte) {
        // "Uffd-wp needs to be delivered to dest pte as well"
        pte = pte_mkuffd_wp(pte);
    }
    set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
    return 0;
}

// "If it's a COW mapping, write protect it both processes." The parent's PTE is write-protected
// under its PTL and not flushed: dup_mmap()'s flush_tlb_mm(oldmm) flushes them all. The child's
// copy is old, clean if shared (shared mappings are not modelled), and loses its uffd-wp bit
// unless the child VMA keeps uffd-wp registered.
fn __copy_present_ptes(dst_vma, src_vma, dst_pte, src_pte, pte, addr, nr) source "mm/memory.c:__copy_present_ptes@v6.12" {
    let src_mm = src_vma->vm_mm;
    if is_cow_mapping(src_vma->vm_flags) && pte_write(pte) {
        wrprotect_ptes(src_mm, addr, src_pte, nr);
        pte = pte_wrprotect(pte);
    }
    // "If it's a shared mapping, mark it clean in the child."
    if (src_vma->vm_flags & VM_SHARED) != 0 {
        pte = pte_mkclean(pte);
    }
    pte = pte_mkold(pte);
    if !userfaultfd_wp(dst_vma) {
        pte = pte_clear_uffd_wp(pte);
    }
    set_ptes(dst_vma->vm_mm, addr, dst_pte, pte, nr);
}

// "Copy one present PTE, trying to batch-process subsequent PTEs that map consecutive pages of
// the same folio by copying them as well. Returns -EAGAIN if one preallocated page is required
// to copy the next PTE. Otherwise, returns the number of copied PTEs (at least 1)." Order-0
// folios only: the large-folio batch (folio_pte_batch(), folio_try_dup_anon_rmap_ptes()) is
// never taken, and file folios (folio_dup_file_rmap_pte()) are not modelled. Under both PTLs:
// the reference and the rmap duplication (which clears PageAnonExclusive, or refuses for a page
// that may be pinned) come before the parent's PTE is write-protected; GUP-fast, which takes
// neither lock, is kept out by write_protect_seq.
fn copy_present_ptes(dst_vma, src_vma, dst_pte, src_pte, pte, addr, max_nr, prealloc) source "mm/memory.c:copy_present_ptes@v6.12" {
    let page = vm_normal_page(src_vma, addr, pte);
    if page != null {
        let folio = page_folio(page);
        // "If we likely have to copy, just don't bother with batching.": folio_test_large() is
        // false for every folio here
        folio_get(folio);
        if folio_test_anon(folio) {
            // "If this page may have been pinned by the parent process, copy the page
            // immediately for the child so that we'll always guarantee the pinned page won't be
            // randomly replaced in the future."
            if folio_try_dup_anon_rmap_pte(folio, page, src_vma) != 0 {
                // "Page may be pinned, we have to copy."
                // mutate: equivalent(swap-adjacent) the parent's PTE, under the PTL this CPU holds, still maps the folio with a reference of its own, so the put never frees it, and copy_present_page() reads the page's contents, not its reference count
                folio_put(folio);
                let err = copy_present_page(dst_vma, src_vma, dst_pte, src_pte, addr, prealloc, page);
                if err != 0 {
                    return err;
                }
                return 1;
            }
            // rss[MM_ANONPAGES]++: not modelled
            // VM_WARN_ON_FOLIO(PageAnonExclusive(page), folio): a warning, not a stop; the
            // tests check the rule through its effects (a shared page stays shared)
        } else {
            not_modelled(); // folio_dup_file_rmap_pte(): file folios
        }
    }
    // copy_pte:
    __copy_present_ptes(dst_vma, src_vma, dst_pte, src_pte, pte, addr, 1);
    return 1;
}

// include/linux/pgtable.h: "Write-protect PTEs that map consecutive pages of the same folio"
// (one ptep_set_wrprotect() per PTE). nr is 1 here (order-0 folios); the loop's ptep++ is
// beyond the model's pointers, so a larger nr is a model error.
fn wrprotect_ptes(mm, addr, ptep, nr) source "include/linux/pgtable.h:wrprotect_ptes@v6.12" {
    BUG_ON(nr != 1);
    ptep_set_wrprotect(mm, addr, ptep);
}

// include/linux/pgtable.h: set_ptes() of nr PTEs; nr is 1 here (see wrprotect_ptes()).
// page_table_check_ptes_set() and arch_enter/leave_lazy_mmu_mode() are not modelled.
fn set_ptes(mm, addr, ptep, pte, nr) source "include/linux/pgtable.h:set_ptes@v6.12" {
    BUG_ON(nr != 1);
    set_pte_at(mm, addr, ptep, pte);
}

// arch/x86/include/asm/pgtable.h (6.6+): a try_cmpxchg() loop on the PTE, "to prevent races
// with the hardware setting Dirty=1" and to avoid making shadow-stack PTEs (Write=0,Dirty=1):
// one locked read-modify-write, so an A or D bit the hardware sets meanwhile is not lost. The
// model's pte_wrprotect() only clears RW: x86's SavedDirty bit (shadow stacks) is not
// modelled. Text from memory of 6.6+, not read at a pinned commit.
fn ptep_set_wrprotect(mm, addr, ptep) source "arch/x86/include/asm/pgtable.h:ptep_set_wrprotect@v6.12" {
    atomic {
        set_pte_at(mm, addr, ptep, pte_wrprotect(*ptep));
    }
}

// ---- the mm's lifetime (kernel/fork.c, include/linux/sched/mm.h @v6.12) ----
//
// mm_users counts the mm's users; the last mmput() tears the address space down (exit_mmap())
// and frees it. mm_count (mmgrab()/mmdrop(), the lazy-TLB references) is not modelled: here
// __mmput() frees the mm itself. Left out of __mmput(): uprobe_clear_state(), exit_aio(),
// ksm_exit(), khugepaged_exit(), mm_put_huge_zero_folio(), the exe_file, the mmlist, binfmt,
// lru_gen_del_mm(), and __mmdrop()'s lazy-TLB shootdown (cleanup_lazy_tlbs()).

fn mmget(mm) source "include/linux/sched/mm.h:mmget@v6.12" {
    atomic_inc(&mm->mm_users);
}

fn mmget_not_zero(mm) source "include/linux/sched/mm.h:mmget_not_zero@v6.12" {
    return atomic_inc_not_zero(&mm->mm_users);
}

// "Decrement the use count and release all resources for an mm."
fn mmput(mm) source "kernel/fork.c:mmput@v6.12" {
    // might_sleep()
    if atomic_dec_and_test(&mm->mm_users) {
        __mmput(mm);
    }
}

fn __mmput(mm) source "kernel/fork.c:__mmput@v6.12" {
    // VM_BUG_ON(atomic_read(&mm->mm_users))
    exit_mmap(mm);
    // mmdrop() -> __mmdrop() -> mm_free_pgd(), destroy_context(), free_mm()
    free_mm(mm);
}
