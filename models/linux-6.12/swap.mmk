// The per-CPU LRU pagevec of mm/swap.c (v5.10): lru_cache_add() parks a new page there
// with a reference of the pagevec's own, and a drain (the pagevec full, or
// lru_add_drain() on its CPU) puts the pages on the LRU and drops those references.

// include/linux/pagevec.h
const PAGEVEC_SIZE = 15;

// include/linux/pagevec.h: struct pagevec. A test may lower PAGEVEC_SIZE (`const
// PAGEVEC_SIZE = 1;` in its file) to reach the full-pagevec drain with few pages.
struct pagevec source "include/linux/pagevec.h:struct pagevec@v5.10" {
    nr: int;
    percpu_pvec_drained: int;
    pages: handle[15];
}

// mm/swap.c: lru_pvecs.lru_add, the only one of the per-CPU lru_pvecs the modelled paths
// fill (lru_deactivate*, lru_lazyfree, activate_page and lru_rotate are not modelled).
// lru_pvecs.lock is a local_lock (preemption off): a CPU's pagevec is touched by that CPU
// alone, so it is per-CPU memory whose accesses are no steps of their own.
percpu lru_add: pagevec;

fn pagevec_count(pvec) source "include/linux/pagevec.h:pagevec_count@v5.10" {
    return pvec->nr;
}

fn pagevec_space(pvec) source "include/linux/pagevec.h:pagevec_space@v5.10" {
    return PAGEVEC_SIZE - pvec->nr;
}

fn pagevec_add(pvec, page) source "include/linux/pagevec.h:pagevec_add@v5.10" {
    pvec->pages[pvec->nr] = page;
    pvec->nr = pvec->nr + 1;
    return pagevec_space(pvec);
}

fn pagevec_reinit(pvec) source "include/linux/pagevec.h:pagevec_reinit@v5.10" {
    pvec->nr = 0;
}

// VM_BUG_ON_PAGE()s and PageCompound() (no THP) left out; local_lock() is the per-CPU
// variable's own CPU touching it.
fn lru_cache_add(page) source "mm/swap.c:lru_cache_add@v5.10" {
    get_page(page);
    let pvec = this_cpu_ptr(&lru_add);
    if pagevec_add(pvec, page) == 0 {
        __pagevec_lru_add(pvec);
    }
}

// mlock handling for VM_LOCKED is not modelled.
fn lru_cache_add_inactive_or_unevictable(page, vma) source "mm/swap.c:lru_cache_add_inactive_or_unevictable@v5.10" {
    lru_cache_add(page);
}

// __pagevec_lru_add_fn(): SetPageLRU() and add_page_to_lru_list(); the lists, the lruvec
// and the evictable/unevictable choice are not modelled.
fn __pagevec_lru_add_fn(page) source "mm/swap.c:__pagevec_lru_add_fn@v5.10" {
    SetPageLRU(page);
}

// The pgdat lru_lock around the moves is left out (the lists it protects are).
fn pagevec_lru_move_fn(pvec) source "mm/swap.c:pagevec_lru_move_fn@v5.10" {
    let i = 0;
    while i < pagevec_count(pvec) {
        __pagevec_lru_add_fn(pvec->pages[i]);
        i += 1;
    }
    release_pages(pvec, pvec->nr);
    pagevec_reinit(pvec);
}

fn __pagevec_lru_add(pvec) source "mm/swap.c:__pagevec_lru_add@v5.10" {
    pagevec_lru_move_fn(pvec);
}

// release_pages(pages, nr) for order-0 pages, taking the pagevec whose pages[] it is: a
// put_page_testzero() each; a page whose last reference goes comes off the LRU and is
// freed (free_unref_page_list(); the lru_lock batching and memcg are not modelled).
fn release_pages(pvec, nr) source "mm/swap.c:release_pages@v5.10" {
    let i = 0;
    while i < nr {
        let page = pvec->pages[i];
        if put_page_testzero(page) {
            if PageLRU(page) {
                __ClearPageLRU(page);
            }
            free_unref_page(page);
        }
        i += 1;
    }
}

// Only lru_pvecs.lru_add is drained (the others are never filled here); a drain for
// another CPU is hot-unplug only in v5.10 and is not modelled.
fn lru_add_drain_cpu(cpu) source "mm/swap.c:lru_add_drain_cpu@v5.10" {
    let pvec = per_cpu_ptr(&lru_add, cpu);
    if pagevec_count(pvec) != 0 {
        __pagevec_lru_add(pvec);
    }
}

fn lru_add_drain() source "mm/swap.c:lru_add_drain@v5.10" {
    lru_add_drain_cpu(smp_processor_id());
}
