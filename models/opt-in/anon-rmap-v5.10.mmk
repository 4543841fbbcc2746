// The anonymous reverse map of v5.10 (mm/rmap.c), opt-in: anon_vma objects, each page's
// anon_vma and index, and rmap walks that find the PTEs mapping a page without mmap_lock,
// with move_pages(2) as the path that migrates a page through them. The base tree has no
// anon_vma (every VMA's is null, anon_vma_clone() and unlink_anon_vmas() do nothing), so
// that tests which never walk the rmap carry none of these words.
//
// One anon_vma per scenario VMA, its own root; the anon_vma_chain interval tree is the
// anon_vma's `vma` array, in the walks' order: vm_pgoff ascending, ties in insertion order
// (the rule 38a76013ad80 states and mremap's move_ptes() relies on when it takes no rmap
// lock). A fork child's VMA joins its parent's anon_vmas and gets one of its own
// (anon_vma_fork()), under the root's rwsem. Left out: the fork relation of the scenario's
// declared mms (a declared mm past mm0 gets anon_vmas of its own: a walk finds a page through
// the first mm's mapping only, and a migration of a page they share fails with it still
// mapped), anon_vma_clone()'s reuse of an anon_vma of degree < 2, the
// degree and refcount of an anon_vma and its freeing, the same_vma chains, KSM, THP,
// find_mergeable_anon_vma() (a VMA's first fault always makes a new anon_vma).

// struct page as models/linux-5.10/page.mmk declares it, plus the anon rmap's words.
struct page source "include/linux/mm_types.h:struct page@v5.10" {
    flags: bits;
    _refcount: atomic_t refcount;
    _mapcount: atomic_t = -1;
    mapping: bits stable;
    mmcheck_extra_refs: int stable;
    // page->mapping of an anonymous page is its anon_vma | PAGE_MAPPING_ANON: `mapping`
    // keeps the flag, `anon_vma` the pointer; both set by __page_set_anon_rmap() before
    // the page is mapped, and kept while it lives
    anon_vma: handle stable;
    // page->index: the page's linear page index in the VMA it was first mapped in
    index: int stable;
}

// struct vm_area_struct as models/linux-5.10/mm_types.mmk declares it, but for the fields an
// rmap walk reads under the anon_vma lock alone: vm_end and vm_pgoff (vma_adjust() takes both
// locks to change them), vm_page_prot and vm_flags (remove_migration_pte() reads them with
// READ_ONCE() and maybe_mkwrite()): no single lock guards them.
struct vm_area_struct source "include/linux/mm_types.h:struct vm_area_struct@v5.10" {
    vm_start: int;
    vm_end: int;
    vm_next: handle guarded_by vm_mm->mmap_lock;
    vm_prev: handle guarded_by vm_mm->mmap_lock;
    vm_mm: handle stable;
    vm_page_prot: pgprot_t;
    vm_flags: int;
    vm_pgoff: int;
    // set under mmap_lock held for write, or for read with mm->page_table_lock
    // (__anon_vma_prepare() at a VMA's first fault)
    anon_vma: handle;
}

// include/linux/rmap.h
struct anon_vma source "include/linux/rmap.h:struct anon_vma@v5.10" {
    // Root of this anon_vma tree (itself, or a fork's first parent's root), whose rwsem
    // locks every anon_vma of the tree; the parent a fork child's anon_vma hangs from.
    // Set when the anon_vma is allocated, before anything links it.
    root: handle;
    parent: handle;
    // W: modification, R: walking the list (the root's is the one taken)
    rwsem: rw_semaphore;
    // the interval tree of anon_vma_chains (rb_root), as the VMAs it reaches, in walk order
    vma: handle[4] guarded_by root->rwsem;
    nr_vma: int guarded_by root->rwsem;
}
kmem_cache anon_vma_cachep: anon_vma[8];

const ANON_VMA_TREE_MAX = 4;

override fn anon_vma_lock_write(anon_vma) source "include/linux/rmap.h:anon_vma_lock_write@v5.10" {
    down_write(&anon_vma->root->rwsem);
}

override fn anon_vma_unlock_write(anon_vma) source "include/linux/rmap.h:anon_vma_unlock_write@v5.10" {
    up_write(&anon_vma->root->rwsem);
}

fn anon_vma_lock_read(anon_vma) source "include/linux/rmap.h:anon_vma_lock_read@v5.10" {
    down_read(&anon_vma->root->rwsem);
}

fn anon_vma_unlock_read(anon_vma) source "include/linux/rmap.h:anon_vma_unlock_read@v5.10" {
    up_read(&anon_vma->root->rwsem);
}

// The state a VMA of the scenario starts in, as mm_types.mmk's scenario_vma() leaves it,
// with an anon_vma of its own (as __anon_vma_prepare() leaves it at the first fault: the
// scenario's VMAs have been faulted in before).
override fn scenario_vma(vma, mm, start, end, flags, prev) source "mmcheck: scenario set-up for v5.10 with the anon rmap" {
    vma->vm_mm = mm;
    down_write(&mm->mmap_lock);
    vma->vm_start = start;
    vma->vm_end = end;
    vma->vm_prev = prev;
    if prev == null {
        mm->mmap = vma;
    } else {
        prev->vm_next = vma;
    }
    vma->vm_flags = flags;
    vma->vm_page_prot = vm_get_page_prot(flags);
    vma->vm_pgoff = start;
    let anon_vma = anon_vma_alloc();
    vma->anon_vma = anon_vma;
    anon_vma_lock_write(anon_vma);
    anon_vma_chain_link(vma, anon_vma);
    anon_vma_unlock_write(anon_vma);
    up_write(&mm->mmap_lock);
}

// What the scenario's PTE at addr in vma says about its page: mapped there first (in mm,
// then address order), the page's anon_vma is that VMA's, its index that address's.
fn scenario_pte(vma, addr, page) source "mmcheck: scenario set-up for v5.10 with the anon rmap" {
    if page->anon_vma == null {
        page->anon_vma = vma->anon_vma;
        page->index = linear_page_index(vma, addr);
    }
}

// include/linux/pagemap.h (no hugetlb, no THP)
fn linear_page_index(vma, address) source "include/linux/pagemap.h:linear_page_index@v5.10" {
    return address - vma->vm_start + vma->vm_pgoff;
}

// The page's anon_vma and index, on its first mapping. `exclusive` false would pick the
// root anon_vma: each is its own root here.
override fn __page_set_anon_rmap(page, vma, address, exclusive) source "mm/rmap.c:__page_set_anon_rmap@v5.10" {
    let anon_vma = vma->anon_vma;
    BUG_ON(anon_vma == null);
    if PageAnon(page) {
        return;
    }
    // mutate: equivalent(swap-adjacent) the page is mapped nowhere yet (__page_set_anon_rmap() runs before the callers' set_pte_at() under the PTL, on a new page, or returns early on one already anonymous): no other CPU can read these words between the stores
    page->mapping = PAGE_MAPPING_ANON;
    // mutate: equivalent(swap-adjacent) the page is mapped nowhere yet (__page_set_anon_rmap() runs before the callers' set_pte_at() under the PTL, on a new page, or returns early on one already anonymous): no other CPU can read these words between the stores
    page->anon_vma = anon_vma;
    page->index = linear_page_index(vma, address);
}

// anon_vma_interval_tree_insert(): after every VMA of a lower or equal vm_pgoff.
fn anon_vma_chain_link(vma, anon_vma) source "mm/rmap.c:anon_vma_chain_link@v5.10" {
    let n = anon_vma->nr_vma;
    if n == ANON_VMA_TREE_MAX {
        not_modelled(); // more VMAs on one anon_vma than the model's array holds
    }
    let i = n;
    while i > 0 && anon_vma->vma[i - 1]->vm_pgoff > vma->vm_pgoff {
        anon_vma->vma[i] = anon_vma->vma[i - 1];
        i = i - 1;
    }
    // mutate: equivalent(swap-adjacent) both under the anon_vma lock held for write, and every walker reads the tree under it held for read: no one sees one store without the other
    anon_vma->vma[i] = vma;
    anon_vma->nr_vma = n + 1;
}

// A new anon_vma, its own root (refcount and degree are not modelled).
fn anon_vma_alloc() source "mm/rmap.c:anon_vma_alloc@v5.10" {
    let anon_vma = kmem_cache_alloc(&anon_vma_cachep);
    if anon_vma != null {
        // mutate: equivalent(swap-adjacent) the new anon_vma is linked nowhere yet: no other CPU reads its fields between these stores
        anon_vma->root = anon_vma;
        anon_vma->parent = anon_vma;
    }
    return anon_vma;
}

// fork: the child's VMA joins every anon_vma of the parent VMA's chain (so the rmap finds the
// pages the two still share), then gets an anon_vma of its own, hanging from the parent's,
// for the pages it will COW. anon_vma_clone()'s reuse of an anon_vma of degree < 2 is not
// modelled (the degree is not kept): a new anon_vma every time.
override fn anon_vma_fork(vma, pvma) source "mm/rmap.c:anon_vma_fork@v5.10" {
    // Don't bother if the parent process has no anon_vma here.
    if pvma->anon_vma == null {
        return 0;
    }
    // Drop inherited anon_vma, we'll reuse existing or allocate new.
    vma->anon_vma = null;
    // First, attach the new VMA to the parent VMA's anon_vmas, so rmap can find non-COWed
    // pages in child processes.
    if anon_vma_clone(vma, pvma) != 0 {
        return -ENOMEM;
    }
    // Then add our own anon_vma.
    let anon_vma = kmem_cache_alloc(&anon_vma_cachep);
    if anon_vma == null {
        unlink_anon_vmas(vma);
        return -ENOMEM;
    }
    // The root anon_vma's spinlock is the lock actually used when we lock any of the
    // anon_vmas in this anon_vma tree.
    // mutate: equivalent(swap-adjacent) the new anon_vma and the child's VMA are reachable by no other CPU yet (the child's mm is not published before fork_mm() returns, and the anon_vma is linked nowhere): these stores commute with each other and with taking the root's lock
    anon_vma->root = pvma->anon_vma->root;
    // mutate: equivalent(swap-adjacent) the new anon_vma and the child's VMA are reachable by no other CPU yet (the child's mm is not published before fork_mm() returns, and the anon_vma is linked nowhere): these stores commute with each other and with taking the root's lock
    anon_vma->parent = pvma->anon_vma;
    // Mark this anon_vma as the one where our new (COWed) pages go.
    // mutate: equivalent(swap-adjacent) the new anon_vma and the child's VMA are reachable by no other CPU yet (the child's mm is not published before fork_mm() returns, and the anon_vma is linked nowhere): these stores commute with each other and with taking the root's lock
    vma->anon_vma = anon_vma;
    anon_vma_lock_write(anon_vma);
    anon_vma_chain_link(vma, anon_vma);
    anon_vma_unlock_write(anon_vma);
    return 0;
}

// A VMA's anon_vma, made at its first anonymous fault (a VMA mmap() just created has none).
// find_mergeable_anon_vma() is not modelled: a new anon_vma every time.
override fn anon_vma_prepare(vma) source "include/linux/rmap.h:anon_vma_prepare@v5.10" {
    if vma->anon_vma != null {
        return 0;
    }
    return __anon_vma_prepare(vma);
}

fn __anon_vma_prepare(vma) source "mm/rmap.c:__anon_vma_prepare@v5.10" {
    // mutate: equivalent(swap-adjacent) vm_mm never changes after vm_area_alloc(), and the new anon_vma is this CPU's alone: the two commute
    let mm = vma->vm_mm;
    let anon_vma = anon_vma_alloc();
    if anon_vma == null {
        return -ENOMEM;
    }
    let allocated = anon_vma;
    anon_vma_lock_write(anon_vma);
    // page_table_lock to protect against threads
    // mutate: equivalent(delete-lock-pair) not observable here: without it, two first faults of one VMA can each install an anon_vma; the VMA is then linked into both, a page gets whichever one it reads, and every walk still finds it: the only loss is an anon_vma the VMA no longer names, and no invariant counts anon_vmas
    spin_lock(&mm->page_table_lock);
    if vma->anon_vma == null {
        // mutate: equivalent(swap-adjacent) both under the anon_vma lock, which every walk of its tree takes: a fault that reads vma->anon_vma early maps its page under this anon_vma, which no walker can read before the unlock
        vma->anon_vma = anon_vma;
        anon_vma_chain_link(vma, anon_vma);
        allocated = null;
    }
    // mutate: equivalent(swap-adjacent) two unlocks, each after every access it guards: their order decides only which waiter runs first, and both orders stay reachable
    spin_unlock(&mm->page_table_lock);
    anon_vma_unlock_write(anon_vma);
    if allocated != null {
        kmem_cache_free(&anon_vma_cachep, allocated);
    }
    return 0;
}

// For copy_vma() (mremap): dst joins src's anon_vma, under its lock for write. dst's
// anon_vma pointer is vm_area_dup()'s copy of src's (the reuse branch is not taken).
override fn anon_vma_clone(dst, src) source "mm/rmap.c:anon_vma_clone@v5.10" {
    let anon_vma = src->anon_vma;
    if anon_vma == null {
        return 0;
    }
    // list_for_each_entry_reverse(pavc, &src->anon_vma_chain, same_vma): src's anon_vma and
    // its parents up to the root, all under the root's rwsem (lock_anon_vma_root())
    anon_vma_lock_write(anon_vma);
    while true {
        anon_vma_chain_link(dst, anon_vma);
        if anon_vma->parent == anon_vma {
            break;
        }
        anon_vma = anon_vma->parent;
    }
    anon_vma_unlock_write(src->anon_vma);
    return 0;
}

// vma_adjust() moves a VMA in its anon_vma's tree when its pgoff range changes: out of the
// tree (anon_vma_interval_tree_remove()) and back in at its new place, under the anon_vma
// lock held for write.
override fn anon_vma_interval_tree_pre_update_vma(vma) source "mm/mmap.c:anon_vma_interval_tree_pre_update_vma@v5.10" {
    anon_vma_tree_remove(vma, vma->anon_vma);
}

override fn anon_vma_interval_tree_post_update_vma(vma) source "mm/mmap.c:anon_vma_interval_tree_post_update_vma@v5.10" {
    anon_vma_chain_link(vma, vma->anon_vma);
}

// anon_vma_interval_tree_remove() of vma's chain entry, if it is in the tree.
fn anon_vma_tree_remove(vma, anon_vma) source "mm/interval_tree.c:anon_vma_interval_tree_remove@v5.10" {
    let n = anon_vma->nr_vma;
    let i = 0;
    while i < n && anon_vma->vma[i] != vma {
        i = i + 1;
    }
    if i < n {
        while i + 1 < n {
            anon_vma->vma[i] = anon_vma->vma[i + 1];
            i = i + 1;
        }
        // mutate: equivalent(swap-adjacent) both under the anon_vma lock held for write, and every walker reads the tree under it held for read: no one sees one store without the other
        anon_vma->vma[n - 1] = null;
        anon_vma->nr_vma = n - 1;
    }
}

// "Hide vma from rmap" before its page tables go (free_pgtables()): off the tree, under the
// lock for write. The anon_vma itself is never freed here (its refcount is not modelled).
override fn unlink_anon_vmas(vma) source "mm/rmap.c:unlink_anon_vmas@v5.10" {
    let anon_vma = vma->anon_vma;
    if anon_vma == null {
        return;
    }
    // every anon_vma of the VMA's chain: its own and its parents', under the root's rwsem
    let av = anon_vma;
    anon_vma_lock_write(anon_vma);
    while true {
        anon_vma_tree_remove(vma, av);
        if av->parent == av {
            break;
        }
        av = av->parent;
    }
    anon_vma_unlock_write(anon_vma);
}

// The page's anon_vma read-locked, or null when the page is no longer mapped. Under
// rcu_read_lock() in the kernel, with a down_read_trylock() fast path and a reference for
// the sleeping lock; the anon_vma is never freed here, so the sleeping lock stands for both.
fn page_lock_anon_vma_read(page) source "mm/rmap.c:page_lock_anon_vma_read@v5.10" {
    let anon_vma = page->anon_vma;
    if !PageAnon(page) || anon_vma == null {
        return null;
    }
    // mutate: equivalent(disable-recheck) a shortcut: the walk of a page no longer mapped finds no PTE mapping it and does nothing
    if page_mapcount(page) == 0 {
        return null;
    }
    anon_vma_lock_read(anon_vma);
    // mutate: equivalent(disable-recheck) a shortcut: the walk of a page no longer mapped finds no PTE mapping it and does nothing
    if page_mapcount(page) == 0 {
        anon_vma_unlock_read(anon_vma);
        return null;
    }
    return anon_vma;
}

// rmap_walk_anon(page, rwc, false): every VMA of the page's anon_vma whose pgoff range holds
// page->index, in tree order, under the anon_vma lock for read. The rmap_walk_control's
// fields are the arguments: rmap_one(page, vma, address, arg) returns false to stop,
// done(page) true to stop; anon_lock is page_lock_anon_vma_read() (try_to_unmap()) or,
// when null, page_anon_vma() and anon_vma_lock_read().
fn rmap_walk_anon(page, rmap_one, arg, done, anon_lock) source "mm/rmap.c:rmap_walk_anon@v5.10" {
    let anon_vma = null;
    if anon_lock != null {
        anon_vma = anon_lock(page);
    } else {
        anon_vma = page->anon_vma;
        if anon_vma != null {
            anon_vma_lock_read(anon_vma);
        }
    }
    if anon_vma == null {
        return;
    }
    let pgoff = page->index;
    let i = 0;
    while i < anon_vma->nr_vma {
        let vma = anon_vma->vma[i];
        // anon_vma_interval_tree_foreach(): the VMAs whose pgoff range holds pgoff
        if vma->vm_pgoff <= pgoff && pgoff < vma->vm_pgoff + (vma->vm_end - vma->vm_start) {
            let address = vma_address(page, vma);
            if !rmap_one(page, vma, address, arg) {
                break;
            }
            if done != null && done(page) {
                break;
            }
        }
        i = i + 1;
    }
    anon_vma_unlock_read(anon_vma);
}

// mm/internal.h (no THP): the address of the page in vma.
fn vma_address(page, vma) source "mm/internal.h:vma_address@v5.10" {
    return vma->vm_start + (page->index - vma->vm_pgoff);
}

// ---- migration through the rmap ----

// page_vma_mapped_walk() down to the PTE of address, for an rmap walker (no mmap_lock):
// the PMD entry read once (READ_ONCE(*pvmw->pmd)) and the table it names; null when none.
// The anon_vma lock keeps the table: free_pgtables() unlinks the VMA from the rmap first.
// A huge leaf is not modelled here.
override fn page_vma_mapped_pte(vma, address) source "mm/page_vma_mapped.c:page_vma_mapped_walk@v5.10 (a small page, from an rmap walk)" {
    let pmde = *pmd_offset(vma->vm_mm, address);
    if pmd_trans_huge(pmde) {
        not_modelled(); // a huge leaf in an rmap walk
    }
    if pmd_none(pmde) {
        return null;
    }
    return pte_offset_map(pmde, address);
}

// rmap_one of try_to_unmap(): page_vma_mapped_walk() without PVMW_SYNC looks at the PTE
// without the lock first and skips a VMA where it is not present (map_pte()); only then
// does try_to_unmap_one() (migrate.mmk) take the PTL and check the PTE (check_pte()).
fn try_to_unmap_one_rmap(page, vma, address, flags) source "mm/rmap.c:try_to_unmap_one@v5.10 (TTU_MIGRATION) with page_vma_mapped_walk()'s map_pte()" {
    let ptep = page_vma_mapped_pte(vma, address);
    if ptep == null || !pte_present(*ptep) {
        return true;
    }
    try_to_unmap_one(page, vma, address);
    return true;
}

fn page_mapcount_is_zero(page) source "mm/rmap.c:page_mapcount_is_zero@v5.10" {
    return page_mapcount(page) == 0; // total_mapcount(): no THP
}

// try_to_unmap(TTU_MIGRATION | TTU_IGNORE_MLOCK) through the rmap: vma and addr (the base
// tree's known mapping) are not used. invalid_migration_vma(): no temporary exec stacks.
// Its result (!page_mapcount()) is left out: __unmap_and_move() ignores it.
override fn try_to_unmap(page, vma, addr) source "mm/rmap.c:try_to_unmap@v5.10 (TTU_MIGRATION|TTU_IGNORE_MLOCK)" {
    rmap_walk_anon(page, try_to_unmap_one_rmap, 0, page_mapcount_is_zero, page_lock_anon_vma_read);
}

// remove_migration_ptes(old, new, false) through new's rmap (the same anon_vma and index as
// old's: move_to_new_page() copied them); rwc->arg is old.
override fn remove_migration_ptes(old, new, vma, addr) source "mm/migrate.c:remove_migration_ptes@v5.10" {
    rmap_walk_anon(new, remove_migration_pte_rmap, old, null, null);
}

// rmap_one of remove_migration_ptes(): page_vma_mapped_walk() with PVMW_SYNC takes the PTL
// whatever the PTE holds (migrate.mmk's remove_migration_pte()).
fn remove_migration_pte_rmap(new, vma, address, old) source "mm/migrate.c:remove_migration_pte@v5.10 (through rmap_walk())" {
    remove_migration_pte(new, vma, address, old);
    return true;
}

// migrate_page_move_mapping() for an anonymous page without a mapping: the new page takes
// the old one's index and mapping (migrate.mmk's move_to_new_page(), with the rmap's words).
override fn move_to_new_page(newpage, page) source "mm/migrate.c:move_to_new_page@v5.10 with migrate_page() and migrate_page_move_mapping()" {
    if page_count(page) != 1 {
        return -EAGAIN;
    }
    // mutate: equivalent(swap-adjacent) the new page is this CPU's alone until remove_migration_pte() maps it
    newpage->index = page->index;
    // mutate: equivalent(swap-adjacent) the new page is this CPU's alone until remove_migration_pte() maps it
    newpage->mapping = page->mapping;
    // mutate: equivalent(swap-adjacent) the new page is this CPU's alone until remove_migration_pte() maps it
    newpage->anon_vma = page->anon_vma;
    copy_user_highpage(newpage, page);
    return MIGRATEPAGE_SUCCESS;
}

// ---- move_pages(2) for one page of the calling process ----
//
// do_pages_move() for one address: add_page_for_migration() finds and isolates the page
// under mmap_lock held for read, then do_move_pages_to_node() migrates it with mmap_lock
// dropped, through the rmap. The target node is another one (NUMA nodes are not modelled:
// the new page is any free frame); migrate_pages() makes one pass (its retries of -EAGAIN
// up to ten times are left out); the status array and the copy to and from user memory are
// not modelled.

// include/uapi/linux/mempolicy.h
const MPOL_MF_MOVE = 2;
const MPOL_MF_MOVE_ALL = 4;

// flags: MPOL_MF_MOVE, or MPOL_MF_MOVE_ALL to move a page other processes map too (the
// CAP_SYS_NICE check is left out).
fn move_pages(addr, flags) source "mm/migrate.c:kernel_move_pages@v5.10 -> do_pages_move() (one page of the caller)" {
    let mm = current_mm();
    // migrate_prep(): lru_add_drain_all(), here this CPU's pagevec (another CPU's drain is
    // not modelled), so that a page this CPU just faulted in holds no pagevec reference
    // mutate: equivalent(swap-adjacent) the drain drops only this CPU's pagevec references, which the lookup and isolation never count: the migration's count check comes after both either way
    lru_add_drain();
    let page = add_page_for_migration(mm, addr, (flags & MPOL_MF_MOVE_ALL) != 0);
    if page == null {
        return -ENOENT;
    }
    // do_move_pages_to_node() -> migrate_pages() -> unmap_and_move(), with mmap_lock dropped
    return unmap_and_move(page, null, 0);
}

// The isolated page (its isolation reference taken), or null. isolate_lru_page() is a
// reference here (PG_lru and the LRU lists are not checked); vma_migratable() holds for
// every modelled VMA; page_to_nid() is never the target node.
fn add_page_for_migration(mm, addr, migrate_all) source "mm/migrate.c:add_page_for_migration@v5.10" {
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr);
    if vma == null || addr < vma->vm_start {
        mmap_read_unlock(mm);
        return null;
    }
    // FOLL_DUMP to ignore special (like zero) pages: follow_page() -> follow_page_pte()
    // (gup.mmk; a huge leaf is not modelled here)
    let page = follow_page_pte(vma, addr, FOLL_GET);
    if page == null {
        mmap_read_unlock(mm);
        return null;
    }
    // mutate: equivalent(disable-recheck) a policy, not a safety check: MPOL_MF_MOVE_ALL lifts it, and the walks then find every mm's mapping (tests/mmk/migrate/move-pages-rmap.mmk moves a page a fork child shares)
    if page_mapcount(page) > 1 && !migrate_all {
        // -EACCES without MPOL_MF_MOVE_ALL
        // mutate: equivalent(swap-adjacent) the reference dropped is follow_page()'s, and the PTE's keeps the page: no put here is the last, inside or outside mmap_lock
        put_page(page);
        mmap_read_unlock(mm);
        return null;
    }
    // isolate_lru_page(head): its own reference
    // mutate: equivalent(swap-adjacent) follow_page()'s reference and the mapping's keep the count above one: dropping one before taking the other frees nothing
    get_page(page);
    // Either remove the duplicate refcount from isolate_lru_page() or drop the page ref if
    // it was not isolated.
    // mutate: equivalent(swap-adjacent) the isolation reference stays: this put is never the last, inside or outside mmap_lock
    put_page(page);
    mmap_read_unlock(mm);
    return page;
}
