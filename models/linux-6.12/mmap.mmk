// mm/mmap.c: looking a VMA up, and vm_page_prot following vm_flags.

// find_vma(): the first VMA that ends above addr (it may start above it too: callers check
// vm_start). v5.10 looks in the per-thread vmacache, then walks mm_rb; the VMAs are never
// changed here, so a walk of the address-sorted mm->mmap list finds the same one, and its
// loads of stable fields are no steps. mmap_assert_locked() is left out.
fn find_vma(mm, addr) source "mm/mmap.c:find_vma@v5.10" {
    let vma = mm->mmap;
    while vma != null {
        if addr < vma->vm_end {
            return vma;
        }
        vma = vma->vm_next;
    }
    return null;
}

// vma_set_page_prot(): vm_page_prot from the new vm_flags. Its write-notify branch (for
// shared writable mappings that track dirtying) never applies to the anonymous private
// VMAs modelled.
fn vma_set_page_prot(vma) source "mm/mmap.c:vma_set_page_prot@v5.10" {
    vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
}

// ---- munmap (mm/mmap.c v5.10) ----
//
// A range that starts or ends inside a VMA splits it (__split_vma(), vma_adjust()); only
// anonymous private VMAs. Left out: arch_unmap(),
// userfaultfd_unmap_prep() and its events, mlock accounting (munlock_vma_pages_all()),
// the rb-tree, vma_gap_update() and highest_vm_end, map_count, accounting and hiwater
// counters, unlink_anon_vmas() and unlink_file_vma(), mmu notifiers.

// include/linux/mm.h v5.10
const VM_GROWSUP = 0;
const FIRST_USER_ADDRESS = 0;
const USER_PGTABLES_CEILING = 0;

fn munmap(addr, len) source "mm/mmap.c:SYSCALL_DEFINE2(munmap)@v5.10" {
    return __vm_munmap(addr, len, true);
}

// Returning 1 from __do_munmap() says it downgraded mmap_lock to read.
fn __vm_munmap(start, len, downgrade) source "mm/mmap.c:__vm_munmap@v5.10" {
    let mm = current_mm();
    // mmap_write_lock_killable(): no signals are modelled
    mmap_write_lock(mm);
    let ret = __do_munmap(mm, start, len, downgrade);
    if ret == 1 {
        mmap_read_unlock(mm);
        ret = 0;
    } else {
        mmap_write_unlock(mm);
    }
    // userfaultfd_unmap_complete(): not modelled
    return ret;
}

fn __do_munmap(mm, start, len, downgrade) source "mm/mmap.c:__do_munmap@v5.10" {
    // offset_in_page(), TASK_SIZE: addresses are page numbers here; PAGE_ALIGN(len) is len
    let end = start + len;
    if len <= 0 {
        return -EINVAL;
    }
    // arch_unmap(): nothing on x86 without MPX
    let vma = find_vma(mm, start);
    if vma == null {
        return 0;
    }
    let prev = vma->vm_prev;
    // we have start < vma->vm_end; if it doesn't overlap, we have nothing
    if vma->vm_start >= end {
        return 0;
    }
    // If we need to split any vma, do it now to save pain later. (map_count and
    // sysctl_max_map_count are not modelled.)
    if start > vma->vm_start {
        let error = __split_vma(mm, vma, start, false);
        if error != 0 {
            return error;
        }
        prev = vma;
    }
    // Does it split the last one?
    let last = find_vma(mm, end);
    if last != null && end > last->vm_start {
        let error = __split_vma(mm, last, end, true);
        if error != 0 {
            return error;
        }
    }
    vma = vma_next(mm, prev);
    // userfaultfd_unmap_prep(), munlock of VM_LOCKED ranges: not modelled
    // Detach vmas from rbtree
    if !detach_vmas_to_be_unmapped(mm, vma, prev, end) {
        downgrade = false;
    }
    if downgrade {
        mmap_write_downgrade(mm);
    }
    unmap_region(mm, vma, prev, start, end);
    // Ghost, not kernel code: the zap and its flush are done, so the discard of the range is
    // over; from here a store that still reached a zapped page would be lost.
    ghost_discard_done(mm, start, end);
    // Fix up all other VM information
    remove_vma_list(mm, vma);
    if downgrade {
        return 1;
    }
    return 0;
}

fn vma_next(mm, vma) source "mm/mmap.c:vma_next@v5.10" {
    if vma == null {
        return mm->mmap;
    }
    return vma->vm_next;
}

// Unlinks the VMAs from vma up to end from the list (the rb-tree and the vmacache are not
// modelled); false when mmap_lock must not be downgraded: "Do not downgrade mmap_lock if we
// are next to VM_GROWSDOWN or VM_GROWSUP VMA. Such VMAs can change their size under
// down_read(mmap_lock) and collide with the VMA we are about to unmap." (246c320a8cfe, v5.8)
fn detach_vmas_to_be_unmapped(mm, vma, prev, end) source "mm/mmap.c:detach_vmas_to_be_unmapped@v5.10" {
    let tail_vma = null;
    vma->vm_prev = null;
    while true {
        // vma_rb_erase(), mm->map_count--: not modelled
        tail_vma = vma;
        vma = vma->vm_next;
        if vma == null || vma->vm_start >= end {
            break;
        }
    }
    // *insertion_point = vma;
    if prev != null {
        prev->vm_next = vma;
    } else {
        mm->mmap = vma;
    }
    if vma != null {
        vma->vm_prev = prev;
        // vma_gap_update(): not modelled
    }
    tail_vma->vm_next = null;
    // vmacache_invalidate(): not modelled (find_vma() walks the list)
    if vma != null && (vma->vm_flags & VM_GROWSDOWN) != 0 {
        return false;
    }
    if prev != null && (prev->vm_flags & VM_GROWSUP) != 0 {
        return false;
    }
    return true;
}

// The detached VMAs' PTEs zapped and their page tables freed, under one mmu_gather: its
// flush (tlb_finish_mmu()) comes before the pages and the tables are freed.
fn unmap_region(mm, vma, prev, start, end) source "mm/mmap.c:unmap_region@v5.10" {
    // mutate: equivalent(swap-adjacent) vma_next() reads the VMA list, which no CPU can change while munmap holds mmap_lock (for write, or for read after the downgrade: every writer of the list needs it for write); lru_add_drain() touches only this CPU's pagevec and the counts of the pages in it
    let next = vma_next(mm, prev);
    // mutate: equivalent(swap-adjacent) lru_add_drain() touches only this CPU's pagevec and the counts of its pages, no PTE and no TLB; tlb_gather_mmu() sets up the local gather and raises tlb_flush_pending, which nothing reads to skip a flush (mm_tlb_flush_nested() and pte_accessible() only make flushes happen); raised a step earlier, it only makes stale_tlb forgive more for one step in which this munmap changes no PTE and no TLB
    lru_add_drain();
    let tlb = tlb_gather_mmu(mm, start, end);
    // update_hiwater_rss(): not modelled
    unmap_vmas(tlb, vma, start, end);
    let floor = FIRST_USER_ADDRESS;
    if prev != null {
        floor = prev->vm_end;
    }
    let ceiling = USER_PGTABLES_CEILING;
    if next != null {
        ceiling = next->vm_start;
    }
    free_pgtables(tlb, vma, floor, ceiling);
    tlb_finish_mmu(tlb, start, end);
}

// mm/memory.c: mmu notifiers are not modelled.
fn unmap_vmas(tlb, vma, start_addr, end_addr) source "mm/memory.c:unmap_vmas@v5.10" {
    while vma != null && vma->vm_start < end_addr {
        unmap_single_vma(tlb, vma, start_addr, end_addr);
        vma = vma->vm_next;
    }
}

// mm/memory.c: uprobes, VM_PFNMAP and hugetlb are not modelled.
fn unmap_single_vma(tlb, vma, start_addr, end_addr) source "mm/memory.c:unmap_single_vma@v5.10" {
    let start = start_addr;
    if vma->vm_start > start {
        start = vma->vm_start;
    }
    let end = end_addr;
    if vma->vm_end < end {
        end = vma->vm_end;
    }
    if start >= end {
        return;
    }
    unmap_page_range(tlb, vma, start, end);
}

// mm/memory.c: unmap_page_range() -> zap_p4d_range() -> zap_pud_range() -> zap_pmd_range():
// one zap_pte_range() per PMD entry that is not none, zap_huge_pmd() (huge_memory.mmk) for a
// huge leaf; the split of a huge leaf the range covers in part is opt-in/thp-v5.10.mmk's.
fn unmap_page_range(tlb, vma, addr, end) source "mm/memory.c:zap_pmd_range@v5.10" {
    // tlb_start_vma(): no cache flush on x86
    let mm = vma->vm_mm;
    while addr != end {
        let next = pmd_addr_end(addr, end);
        let pmd = pmd_offset(mm, addr);
        if pmd_trans_huge(*pmd) {
            // a whole huge leaf (the model's huge page covers the range's one page)
            zap_huge_pmd(tlb, vma, pmd, addr);
        } else if !pmd_none(*pmd) {
            // pmd_none_or_trans_huge_or_clear_bad()
            zap_pte_range(tlb, vma, addr, next);
        }
        addr = next;
    }
}

// mm/memory.c: the page tables under the detached VMAs, gathered with their neighbours
// closer than a PMD apart; hugetlb, unlink_anon_vmas() and unlink_file_vma() are not
// modelled.
fn free_pgtables(tlb, vma, floor, ceiling) source "mm/memory.c:free_pgtables@v5.10" {
    while vma != null {
        // mutate: equivalent(swap-adjacent) two loads of a VMA that detach_vmas_to_be_unmapped() has taken off the list under the write lock: no other CPU can reach it, so neither field can change between them
        let next = vma->vm_next;
        let addr = vma->vm_start;
        // Hide vma from rmap and truncate_pagecache before freeing pgtables
        // (unlink_file_vma(): no file mappings)
        unlink_anon_vmas(vma);
        // Optimization: gather nearby vmas into one call down
        while next != null && next->vm_start <= vma->vm_end + PMD_SIZE {
            vma = next;
            next = vma->vm_next;
            unlink_anon_vmas(vma);
        }
        let top = ceiling;
        if next != null {
            top = next->vm_start;
        }
        free_pgd_range(tlb, addr, vma->vm_end, floor, top);
        vma = next;
    }
}

// mm/memory.c, at the PMD level (the levels above always exist here, so free_pmd_range()'s
// freeing of a PMD table is not modelled): a PTE table is freed only if no address of it
// lies below floor or at or above ceiling (0: no ceiling), neighbours' tables are kept.
fn free_pgd_range(tlb, addr, end, floor, ceiling) source "mm/memory.c:free_pgd_range@v5.10" {
    addr = addr & PMD_MASK;
    if addr < floor {
        addr = addr + PMD_SIZE;
        // (if (!addr) return: no wrap-around below TASK_SIZE)
    }
    if ceiling != 0 {
        ceiling = ceiling & PMD_MASK;
        if ceiling == 0 {
            return;
        }
    }
    // `end - 1 > ceiling - 1` in unsigned arithmetic: never true without a ceiling
    if ceiling != 0 && end - 1 > ceiling - 1 {
        end = end - PMD_SIZE;
    }
    if addr > end - 1 {
        return;
    }
    // tlb_change_page_size(): one page size here
    // free_p4d_range() -> free_pud_range() -> free_pmd_range():
    let mm = tlb->mm;
    while addr < end {
        let next = pmd_addr_end(addr, end);
        let pmd = pmd_offset(mm, addr);
        // pmd_none_or_clear_bad()
        if !pmd_none(*pmd) {
            free_pte_range(tlb, pmd, addr);
        }
        addr = next;
    }
}

// mm/memory.c: "this doesn't free the actual pages themselves"; mm_dec_nr_ptes() is not
// modelled.
fn free_pte_range(tlb, pmd, addr) source "mm/memory.c:free_pte_range@v5.10" {
    let token = pmd_pgtable(*pmd);
    pmd_clear(pmd);
    pte_free_tlb(tlb, token, addr);
}

fn remove_vma_list(mm, vma) source "mm/mmap.c:remove_vma_list@v5.10" {
    // update_hiwater_vm(), vm_stat_account(), vm_unacct_memory(): not modelled
    while vma != null {
        vma = remove_vma(vma);
    }
}

// vm_ops->close(), fput(), mpol_put(): not modelled.
fn remove_vma(vma) source "mm/mmap.c:remove_vma@v5.10" {
    let next = vma->vm_next;
    vm_area_free(vma);
    return next;
}

// ---- exit_mmap (mm/mmap.c v5.10) ----

// The last user's teardown: every VMA zapped, the page tables freed and the TLBs flushed
// under one full-mm gather, then the VMAs freed. v5.10 takes no mmap_lock here (nobody else
// can reach the mm; the OOM reaper's handshake is not modelled); the model's walks through
// the mm need mmap_lock wherever PMD entries can change, so it takes it for write, which no
// one else can then hold. Left out: the OOM-victim path, mmu_notifier_release(), munlock of
// VM_LOCKED VMAs, arch_exit_mmap(), the accounting.
fn exit_mmap(mm) source "mm/mmap.c:exit_mmap@v5.10" {
    // mutate: equivalent(swap-adjacent) exit_mmap() runs for the mm's last user: no other CPU can reach the mm to change its VMA list, so reading mm->mmap before or after taking the lock gives the same VMA
    mmap_write_lock(mm);
    let vma = mm->mmap;
    if vma == null {
        mmap_write_unlock(mm);
        return;
    }
    // mutate: equivalent(swap-adjacent) lru_add_drain() touches only this CPU's pagevec and the counts of its pages; tlb_gather_mmu() sets up the local gather and raises tlb_flush_pending, which nothing reads to skip a flush here
    lru_add_drain();
    // flush_cache_mm(): nothing on x86
    let tlb = tlb_gather_mmu(mm, 0, -1);
    // update_hiwater_rss(): not modelled
    // mutate: equivalent(swap-adjacent) not observable here: freeing the tables before the zap leaks their pages with their mappings counted (the kernel does not check either), and the mm's lost-write expectations go with the mm; catching it needs a check that a freed table maps nothing, which the machine lacks
    unmap_vmas(tlb, vma, 0, TASK_SIZE);
    // mutate: equivalent(swap-adjacent) not observable here: tables queued after the gather finished are never freed, and the machine has no check for a PTE table that is never given back; munmap's version is caught only because a later fault needs the table (munmap/table-freed-through-gather.mmk)
    free_pgtables(tlb, vma, FIRST_USER_ADDRESS, USER_PGTABLES_CEILING);
    tlb_finish_mmu(tlb, 0, -1);
    // Ghost, not kernel code: the address space's contents are gone.
    ghost_discard_done(mm, 0, TASK_SIZE);
    mm->mmap = null;
    mmap_write_unlock(mm);
    while vma != null {
        vma = remove_vma(vma);
    }
}

// ---- stack growth (mm/mmap.c v5.10, !CONFIG_STACK_GROWSUP) ----

// Stack growth is opt-in (`import "opt-in/stack-growth-v5.10.mmk";`, which overrides this
// with expand_downwards()): it moves vm_start under mmap_lock held only for read, so with it
// every fault's `vma->vm_start <= address` check is a step of its own, in every test. A test
// with a `growsdown` VMA that faults below it without the import stops here.
fn expand_stack(vma, address) source "mm/mmap.c:expand_stack@v5.10" {
    not_modelled(); // stack growth: import "opt-in/stack-growth-v5.10.mmk"
    return -ENOMEM;
}

// ---- mmap (mm/mmap.c v5.10) ----
//
// Anonymous mappings only (no file, no MAP_SHARED: shmem is not modelled), at an address the
// caller names: MAP_FIXED, MAP_FIXED_NOREPLACE, or a hint that is free (get_unmapped_area()'s
// own search of the address space is not modelled). What the new mapping replaces is
// unmapped first; a new range next to a VMA with the same flags extends it (vma_merge()).
// Left out: may_expand_vm() and the rlimits, VM_ACCOUNT and security_vm_enough_memory_mm(),
// MAP_POPULATE and mm_populate(), MAP_LOCKED, MAP_HUGETLB, MAP_GROWSDOWN, MAP_NORESERVE,
// personality flags (READ_IMPLIES_EXEC), perf and uprobe events, userfaultfd unmap events.

// include/uapi/asm-generic/mman-common.h and mman.h
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_TYPE = 0x0f;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_POPULATE = 0x8000;
const MAP_HUGETLB = 0x40000;
const MAP_FIXED_NOREPLACE = 0x100000;
const EEXIST = 17;

// mmap(addr, len, prot, flags, -1, 0) of an anonymous mapping: the address, or an error
// (negative). Lengths and addresses are in pages.
fn mmap(addr, len, prot, flags) source "mm/mmap.c:ksys_mmap_pgoff@v5.10 -> mm/util.c:vm_mmap_pgoff@v5.10 (MAP_ANONYMOUS, fd -1)" {
    if (flags & MAP_ANONYMOUS) == 0 {
        not_modelled(); // file mappings
    }
    if (flags & (MAP_HUGETLB | MAP_POPULATE)) != 0 {
        not_modelled(); // hugetlb and populated mappings
    }
    let mm = current_mm();
    // security_mmap_file(): nothing to check; mmap_write_lock_killable(): no signals
    mmap_write_lock(mm);
    let ret = do_mmap(addr, len, prot, flags, 0);
    mmap_write_unlock(mm);
    // userfaultfd_unmap_complete() and mm_populate(): not modelled
    return ret;
}

fn do_mmap(addr, len, prot, flags, pgoff) source "mm/mmap.c:do_mmap@v5.10" {
    let mm = current_mm();
    if len == 0 {
        return -EINVAL;
    }
    // Force arch specific MAP_FIXED handling in get_unmapped_area
    if (flags & MAP_FIXED_NOREPLACE) != 0 {
        flags = flags | MAP_FIXED;
    }
    // mmap_min_addr, PAGE_ALIGN(len) overflow and map_count: every modelled address passes
    addr = get_unmapped_area(addr, len, pgoff, flags);
    if addr < 0 {
        return addr;
    }
    if (flags & MAP_FIXED_NOREPLACE) != 0 {
        let vma = find_vma(mm, addr);
        if vma != null && vma->vm_start < addr + len {
            return -EEXIST;
        }
    }
    // calc_vm_prot_bits() | calc_vm_flag_bits() | mm->def_flags | VM_MAYREAD | VM_MAYWRITE |
    // VM_MAYEXEC: PROT_READ/WRITE/EXEC are VM_READ/WRITE/EXEC
    let vm_flags = (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
    // MAP_LOCKED and mlock_future_check(): not modelled
    // anonymous
    if (flags & MAP_TYPE) == MAP_PRIVATE {
        // Set pgoff according to addr for anon_vma.
        pgoff = addr;
    } else {
        not_modelled(); // MAP_SHARED: shmem
    }
    // MAP_NORESERVE: VM_NORESERVE, not modelled
    return mmap_region(addr, len, vm_flags, pgoff);
}

// arch_get_unmapped_area_topdown() for a fixed address or a free hint; its search of the gaps
// (vm_unmapped_area()) is not modelled.
fn get_unmapped_area(addr, len, pgoff, flags) source "mm/mmap.c:get_unmapped_area@v5.10 -> arch/x86/kernel/sys_x86_64.c:arch_get_unmapped_area_topdown@v5.10" {
    let mm = current_mm();
    // arch_mmap_check() is 0 on x86; len > TASK_SIZE never holds here
    if (flags & MAP_FIXED) != 0 {
        return addr;
    }
    // requesting a specific address
    if addr != 0 {
        let prev = null;
        let vma = find_vma_prev(mm, addr, &prev);
        // (vm_start_gap() and vm_end_gap(): no stack guard gap around these VMAs)
        if (vma == null || addr + len <= vma->vm_start) && (prev == null || addr >= prev->vm_end) {
            return addr;
        }
    }
    not_modelled(); // vm_unmapped_area()'s search for a gap
    return -ENOMEM;
}

// find_vma() and the VMA before it.
fn find_vma_prev(mm, addr, pprev) source "mm/mmap.c:find_vma_prev@v5.10" {
    let prev = null;
    let vma = mm->mmap;
    while vma != null && vma->vm_end <= addr {
        prev = vma;
        vma = vma->vm_next;
    }
    *pprev = prev;
    return vma;
}

// The VMA a new [addr, end) would follow in the list (*pprev), or -ENOMEM if a VMA overlaps
// it (the rb-tree links are not modelled).
fn find_vma_links(mm, addr, end, pprev) source "mm/mmap.c:find_vma_links@v5.10" {
    let prev = null;
    let next = mm->mmap;
    while next != null && next->vm_end <= addr {
        prev = next;
        next = next->vm_next;
    }
    *pprev = prev;
    if next != null && next->vm_start < end {
        return -ENOMEM;
    }
    return 0;
}

// Clear old maps, set up prev: whatever overlaps [start, start + len) is unmapped first.
fn munmap_vma_range(mm, start, len, pprev) source "mm/mmap.c:munmap_vma_range@v5.10" {
    while find_vma_links(mm, start, start + len, pprev) != 0 {
        if do_munmap(mm, start, len) != 0 {
            return -ENOMEM;
        }
    }
    return 0;
}

fn mmap_region(addr, len, vm_flags, pgoff) source "mm/mmap.c:mmap_region@v5.10" {
    let mm = current_mm();
    // may_expand_vm(): the rlimits are not modelled
    let prev = null;
    if munmap_vma_range(mm, addr, len, &prev) != 0 {
        return -ENOMEM;
    }
    // accountable_mapping(): VM_ACCOUNT is not modelled
    // "Can we just expand an old mapping?"
    let vma = vma_merge(mm, prev, addr, addr + len, vm_flags, null, pgoff);
    if vma != null {
        // goto out: "New (or expanded) vma always get soft dirty status."
        // mutate: equivalent(swap-adjacent) not observable here: vm_page_prot depends on VM_SOFTDIRTY only for shared writable mappings (vma_wants_writenotify() tracks soft-dirty only there), and only private anonymous VMAs are modelled
        vma->vm_flags = vma->vm_flags | VM_SOFTDIRTY;
        vma_set_page_prot(vma);
        return addr;
    }
    vma = vm_area_alloc(mm);
    if vma == null {
        return -ENOMEM;
    }
    // mutate: equivalent(swap-adjacent) the new VMA is reachable only through the list vma_link() links it into, under mmap_lock held for write, which every lookup (find_vma(), the fault path) takes, and no rmap walk reaches it before its first fault gives it an anon_vma: no other CPU reads its fields before mmap_write_unlock()
    vma->vm_start = addr;
    // mutate: equivalent(swap-adjacent) the new VMA is reachable only through the list vma_link() links it into, under mmap_lock held for write, which every lookup (find_vma(), the fault path) takes, and no rmap walk reaches it before its first fault gives it an anon_vma: no other CPU reads its fields before mmap_write_unlock()
    vma->vm_end = addr + len;
    // mutate: equivalent(swap-adjacent) the new VMA is reachable only through the list vma_link() links it into, under mmap_lock held for write, which every lookup (find_vma(), the fault path) takes, and no rmap walk reaches it before its first fault gives it an anon_vma: no other CPU reads its fields before mmap_write_unlock()
    vma->vm_flags = vm_flags;
    // mutate: equivalent(swap-adjacent) the new VMA is reachable only through the list vma_link() links it into, under mmap_lock held for write, which every lookup (find_vma(), the fault path) takes, and no rmap walk reaches it before its first fault gives it an anon_vma: no other CPU reads its fields before mmap_write_unlock()
    vma->vm_page_prot = vm_get_page_prot(vm_flags);
    // mutate: equivalent(swap-adjacent) the new VMA is reachable only through the list vma_link() links it into, under mmap_lock held for write, which every lookup (find_vma(), the fault path) takes, and no rmap walk reaches it before its first fault gives it an anon_vma: no other CPU reads its fields before mmap_write_unlock()
    vma->vm_pgoff = pgoff;
    // vma_set_anonymous(): vm_ops = NULL
    // mutate: equivalent(swap-adjacent) the new VMA is reachable only through the list vma_link() links it into, under mmap_lock held for write, which every lookup (find_vma(), the fault path) takes, and no rmap walk reaches it before its first fault gives it an anon_vma: no other CPU reads its fields before mmap_write_unlock()
    vma_link(mm, vma, prev);
    // vm_stat_account(), VM_LOCKED accounting and perf_event_mmap(): not modelled
    // New (or expanded) vma always get soft dirty status.
    // mutate: equivalent(swap-adjacent) the new VMA is reachable only through the list vma_link() links it into, under mmap_lock held for write, which every lookup (find_vma(), the fault path) takes, and no rmap walk reaches it before its first fault gives it an anon_vma: no other CPU reads its fields before mmap_write_unlock()
    vma->vm_flags = vma->vm_flags | VM_SOFTDIRTY;
    vma_set_page_prot(vma);
    return addr;
}

// ---- splitting a VMA (mm/mmap.c v5.10) ----

// map_count and sysctl_max_map_count are not modelled: the split always goes ahead.
fn split_vma(mm, vma, addr, new_below) source "mm/mmap.c:split_vma@v5.10" {
    return __split_vma(mm, vma, addr, new_below);
}

// vma becomes two at addr: a copy (vm_area_dup()) takes the part below addr when new_below,
// else the part above, and joins vma's anon_vmas; vma_adjust() shrinks vma and links the
// copy, under the anon_vma lock. Left out: vm_ops->split and ->open (no file, no hugetlb),
// vma_dup_policy(), and the error path's undo (vma_adjust() cannot fail here).
fn __split_vma(mm, vma, addr, new_below) source "mm/mmap.c:__split_vma@v5.10" {
    let new = vm_area_dup(vma, mm);
    if new == null {
        return -ENOMEM;
    }
    if new_below {
        new->vm_end = addr;
    } else {
        // mutate: equivalent(swap-adjacent) new is linked nowhere yet (vma_adjust() links it below, under the locks every lookup and rmap walk takes): no other CPU reads its fields between these stores
        new->vm_start = addr;
        new->vm_pgoff = new->vm_pgoff + (addr - vma->vm_start);
    }
    if anon_vma_clone(new, vma) != 0 {
        vm_area_free(new);
        return -ENOMEM;
    }
    if new_below {
        return vma_adjust(vma, addr, vma->vm_end, vma->vm_pgoff + (addr - new->vm_start), new);
    }
    return vma_adjust(vma, vma->vm_start, addr, vma->vm_pgoff, new);
}

// include/linux/mm.h
fn vma_adjust(vma, start, end, pgoff, insert) source "include/linux/mm.h:vma_adjust@v5.10" {
    return __vma_adjust(vma, start, end, pgoff, insert, null);
}

// vma gets [start, end) and pgoff, under its anon_vma's lock; then, for a split, insert (the
// other half) is linked ("it may either follow vma or precede it"), or, for vma_merge(), next
// is removed (remove_next 1: cases 1 and 7; 2: mprotect case 6, in two passes; 3: case 8,
// where vma itself goes and next grows down over it, after a swap) or its boundary shifted
// (adjust_next: mprotect cases 4 and 5). Addresses count pages, so pgoff moves by
// adjust_next itself (the kernel's adjust_next >> PAGE_SHIFT). Left out: the rb-tree gaps and
// highest_vm_end, map_count, i_mmap and uprobes (no file), mempolicies, validate_mm(), and
// vma_adjust_trans_huge() (the model's huge page sits at the start of its 2 MiB range and a
// VMA boundary never falls inside a huge leaf's range).
fn __vma_adjust(vma, start, end, pgoff, insert, expand) source "mm/mmap.c:__vma_adjust@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm never changes after vm_area_alloc(), and vm_next is guarded by mmap_lock, which every caller holds for write: two loads that commute
    let mm = vma->vm_mm;
    let next = vma->vm_next;
    let orig_vma = vma;
    let adjust_next = 0;
    let remove_next = 0;
    if next != null && insert == null {
        let exporter = null;
        let importer = null;
        if end >= next->vm_end {
            // "vma expands, overlapping all the next, and perhaps the one after too
            // (mprotect case 6)."
            if next == expand {
                // "The only case where we don't expand "vma" and we expand "next" instead
                // is case 8." swap(vma, next):
                remove_next = 3;
                let swapped = vma;
                vma = next;
                next = swapped;
            } else {
                remove_next = 1;
                if end > next->vm_end {
                    remove_next = 2;
                }
                // "trim end to next, for case 6 first pass"
                end = next->vm_end;
            }
            exporter = next;
            importer = vma;
            // "If next doesn't have anon_vma, import from vma after next, if the vma
            // overlaps with it."
            if remove_next == 2 && next->anon_vma == null {
                exporter = next->vm_next;
            }
        } else if end > next->vm_start {
            // "mprotect case 5 shifting the boundary up"
            adjust_next = end - next->vm_start;
            exporter = next;
            importer = vma;
        } else if end < vma->vm_end {
            // "mprotect case 4 shifting the boundary down"
            adjust_next = 0 - (vma->vm_end - end);
            exporter = vma;
            importer = next;
        }
        // "Easily overlooked: when mprotect shifts the boundary, make sure the expanding vma
        // has anon_vma set if the shrinking vma had, to cover any anon pages imported."
        if exporter != null && exporter->anon_vma != null && importer->anon_vma == null {
            importer->anon_vma = exporter->anon_vma;
            let error = anon_vma_clone(importer, exporter);
            if error != 0 {
                return error;
            }
        }
    }
    while true {
        // again:
        let anon_vma = vma->anon_vma;
        if anon_vma == null && adjust_next != 0 {
            anon_vma = next->anon_vma;
        }
        if anon_vma != null {
            anon_vma_lock_write(anon_vma);
            anon_vma_interval_tree_pre_update_vma(vma);
            if adjust_next != 0 {
                anon_vma_interval_tree_pre_update_vma(next);
            }
        }
        if start != vma->vm_start {
            vma->vm_start = start;
        }
        if end != vma->vm_end {
            vma->vm_end = end;
        }
        vma->vm_pgoff = pgoff;
        if adjust_next != 0 {
            // mutate: equivalent(swap-adjacent) under mmap_lock held for write and, where the VMAs have one, the anon_vma lock: every lookup holds the first and every rmap walk the second, so no one reads next's fields between these stores
            next->vm_start = next->vm_start + adjust_next;
            next->vm_pgoff = next->vm_pgoff + adjust_next;
        }
        if remove_next != 0 {
            // "vma_merge has merged next into vma, and needs us to remove next before
            // dropping the locks." __vma_unlink(): the rb-tree and the vmacache are not
            // modelled
            __vma_unlink_list(mm, next);
        } else if insert != null {
            // "split_vma has split insert from vma, and needs us to insert it before
            // dropping the locks (it may either follow vma or precede it)."
            __insert_vm_struct(mm, insert);
        }
        if anon_vma != null {
            anon_vma_interval_tree_post_update_vma(vma);
            if adjust_next != 0 {
                anon_vma_interval_tree_post_update_vma(next);
            }
            anon_vma_unlock_write(anon_vma);
        }
        if remove_next == 0 {
            break;
        }
        if next->anon_vma != null {
            anon_vma_merge(vma, next);
        }
        // mm->map_count--, mpol_put(): not modelled
        vm_area_free(next);
        // "In mprotect's case 6 (see comments on vma_merge), we must remove another next
        // too."
        if remove_next != 3 {
            next = vma->vm_next;
        } else {
            next = vma;
        }
        if remove_next != 2 {
            break;
        }
        remove_next = 1;
        end = next->vm_end;
        // goto again
    }
    return 0;
}

// mm/mmap.c: linked after the VMA below it (the rb-tree and map_count are not modelled).
fn __insert_vm_struct(mm, vma) source "mm/mmap.c:__insert_vm_struct@v5.10" {
    let prev = null;
    if find_vma_links(mm, vma->vm_start, vma->vm_end, &prev) != 0 {
        BUG_ON(true);
    }
    __vma_link_list(mm, vma, prev);
}

fn __vma_unlink_list(mm, vma) source "mm/util.c:__vma_unlink_list@v5.10" {
    // mutate: equivalent(swap-adjacent) two loads of list links guarded by mmap_lock, which every caller holds for write: no CPU can change either between them
    let next = vma->vm_next;
    let prev = vma->vm_prev;
    if prev != null {
        prev->vm_next = next;
    } else {
        mm->mmap = next;
    }
    if next != null {
        next->vm_prev = prev;
    }
}

// ---- merging VMAs (mm/mmap.c v5.10) ----

// "VM_SOFTDIRTY should not prevent from VMA merging, if we match the flags but dirty bit".
// No file and no vm_ops->close here; one userfaultfd context at most, so two registered VMAs
// share it (is_mergeable_vm_userfaultfd_ctx()).
fn is_mergeable_vma(vma, vm_flags) source "mm/mmap.c:is_mergeable_vma@v5.10" {
    if ((vma->vm_flags ^ vm_flags) & ~VM_SOFTDIRTY) != 0 {
        return 0;
    }
    return 1;
}

// "The list_is_singular() test is to avoid merging VMA cloned from parents."
fn is_mergeable_anon_vma(anon_vma1, anon_vma2, vma) source "mm/mmap.c:is_mergeable_anon_vma@v5.10" {
    if (anon_vma1 == null || anon_vma2 == null) && (vma == null || anon_vma_chain_is_singular(vma)) {
        return 1;
    }
    return anon_vma1 == anon_vma2;
}

// "Return true if we can merge this (vm_flags,anon_vma,file,vm_pgoff) in front of (at a
// lower virtual address and file offset than) the vma."
fn can_vma_merge_before(vma, vm_flags, anon_vma, vm_pgoff) source "mm/mmap.c:can_vma_merge_before@v5.10" {
    if is_mergeable_vma(vma, vm_flags) && is_mergeable_anon_vma(anon_vma, vma->anon_vma, vma) {
        if vma->vm_pgoff == vm_pgoff {
            return 1;
        }
    }
    return 0;
}

// "... beyond (at a higher virtual address and file offset than) the vma."
fn can_vma_merge_after(vma, vm_flags, anon_vma, vm_pgoff) source "mm/mmap.c:can_vma_merge_after@v5.10" {
    if is_mergeable_vma(vma, vm_flags) && is_mergeable_anon_vma(anon_vma, vma->anon_vma, vma) {
        if vma->vm_pgoff + (vma->vm_end - vma->vm_start) == vm_pgoff {
            return 1;
        }
    }
    return 0;
}

// "Given a mapping request (addr,end,vm_flags,file,pgoff), figure out whether that can be
// merged with its predecessor or its successor. Or both (it neatly fills a hole)." Cases 1
// to 8 as the kernel's comment numbers them. VM_SPECIAL is never set here; the file, the
// mempolicy (mpol_equal()) and the userfaultfd context are left out (none, none, one);
// khugepaged_enter_vma_merge() is not modelled.
fn vma_merge(mm, prev, addr, end, vm_flags, anon_vma, pgoff) source "mm/mmap.c:vma_merge@v5.10" {
    let pglen = end - addr;
    let next = vma_next(mm, prev);
    let area = next;
    if area != null && area->vm_end == end {
        next = next->vm_next; // cases 6, 7, 8
    }
    // "Can it merge with the predecessor?"
    if prev != null && prev->vm_end == addr && can_vma_merge_after(prev, vm_flags, anon_vma, pgoff) {
        // "OK, it can. Can we now merge in the successor as well?"
        let err = 0;
        if next != null && end == next->vm_start && can_vma_merge_before(next, vm_flags, anon_vma, pgoff + pglen) && is_mergeable_anon_vma(prev->anon_vma, next->anon_vma, null) {
            err = __vma_adjust(prev, prev->vm_start, next->vm_end, prev->vm_pgoff, null, prev); // cases 1, 6
        } else {
            err = __vma_adjust(prev, prev->vm_start, end, prev->vm_pgoff, null, prev); // cases 2, 5, 7
        }
        if err != 0 {
            return null;
        }
        return prev;
    }
    // "Can this new request be merged in front of next?"
    if next != null && end == next->vm_start && can_vma_merge_before(next, vm_flags, anon_vma, pgoff + pglen) {
        let err = 0;
        if prev != null && addr < prev->vm_end {
            err = __vma_adjust(prev, prev->vm_start, addr, prev->vm_pgoff, null, next); // case 4
        } else {
            err = __vma_adjust(area, addr, next->vm_end, next->vm_pgoff - pglen, null, next); // cases 3, 8
            // "In case 3 area is already equal to next and this is a noop, but in case 8
            // "area" has been removed and next was expanded over it."
            area = next;
        }
        if err != 0 {
            return null;
        }
        return area;
    }
    return null;
}
