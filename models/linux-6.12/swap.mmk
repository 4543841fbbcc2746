// The per-CPU LRU folio batches of mm/swap.c as 6.x has them (cpu_fbatches.lru_add):
// folio_add_lru() parks a new folio there with a reference of the batch's own, and a drain
// (the batch full, or lru_add_drain() on its CPU) puts the folios on the LRU and drops those
// references (folios_put()).
//
// Not pinned to 6.12.y: no stored 6.12 mm/swap.c was found (research note 612-basics
// section 3: the text is the pre-image of a 6.16 stable diff, the mainline text from the
// 6.12 merge window on). Late 6.12.y backports Hugh Dickins' September 2025 LRU changes
// (__folio_batch_add_and_move() loses its on_lru argument); this tree follows the text
// before them. PAGEVEC_SIZE's 6.12 value was not verified: the model keeps 15 slots.

// include/linux/pagevec.h
const PAGEVEC_SIZE = 15;

// include/linux/pagevec.h: struct folio_batch (nr, i, percpu_pvec_drained, folios[]); `i`
// (the iterator of folio_batch_next()) is not used by these paths. A test may lower
// PAGEVEC_SIZE (`const PAGEVEC_SIZE = 1;` in its file) to reach the full-batch drain with
// few folios.
struct folio_batch source "include/linux/pagevec.h:struct folio_batch@v6.12" {
    nr: int;
    percpu_pvec_drained: int;
    folios: handle[15];
}

// mm/swap.c: cpu_fbatches.lru_add, the only batch the modelled paths fill (lru_move_tail,
// lru_deactivate*, lru_lazyfree and lru_activate are not modelled). cpu_fbatches.lock is a
// local_lock (preemption off): a CPU's batch is touched by that CPU alone, so it is per-CPU
// memory whose accesses are no steps of their own.
percpu lru_add: folio_batch;

fn folio_batch_count(fbatch) source "include/linux/pagevec.h:folio_batch_count@v6.12" {
    return fbatch->nr;
}

fn folio_batch_space(fbatch) source "include/linux/pagevec.h:folio_batch_space@v6.12" {
    return PAGEVEC_SIZE - fbatch->nr;
}

fn folio_batch_add(fbatch, folio) source "include/linux/pagevec.h:folio_batch_add@v6.12" {
    fbatch->folios[fbatch->nr] = folio;
    fbatch->nr = fbatch->nr + 1;
    return folio_batch_space(fbatch);
}

fn folio_batch_reinit(fbatch) source "include/linux/pagevec.h:folio_batch_reinit@v6.12" {
    fbatch->nr = 0;
}

// lru_add(): folio_set_lru() and lruvec_add_folio(); the lists, the lruvec lock and the
// evictable/unevictable choice are not modelled.
fn lru_add(folio) source "mm/swap.c:lru_add@v6.12" {
    folio_set_lru(folio);
}

// Each folio moved under its lruvec lock (not modelled: the lists it protects are not),
// then folios_put() drops the batch's references.
fn folio_batch_move_lru(fbatch) source "mm/swap.c:folio_batch_move_lru@v6.12" {
    let i = 0;
    while i < folio_batch_count(fbatch) {
        lru_add(fbatch->folios[i]);
        i += 1;
    }
    folios_put(fbatch);
}

// folios_put_refs(folios, NULL) for order-0 folios: a folio_put_testzero() each; a folio
// whose last reference goes comes off the LRU and is freed (the lruvec lock batching,
// memcg and free_unref_folios()'s batching are not modelled). The batch is reinitialised.
fn folios_put(fbatch) source "mm/swap.c:folios_put_refs@v6.12 (refs NULL)" {
    let i = 0;
    while i < folio_batch_count(fbatch) {
        let folio = fbatch->folios[i];
        if folio_put_testzero(folio) {
            page_cache_release(folio);
            free_unref_page(folio, 0);
        }
        i += 1;
    }
    folio_batch_reinit(fbatch);
}

// __folio_batch_add_and_move(&cpu_fbatches.lru_add, folio, lru_add, false, false): the
// batch's reference, then a drain when the batch is full (large folios and
// lru_cache_disabled() are not modelled). local_lock() is the per-CPU variable's own CPU
// touching it. The MGLRU lru_gen_in_fault() activation is left out.
fn folio_add_lru(folio) source "mm/swap.c:folio_add_lru@v6.12" {
    folio_get(folio);
    let fbatch = this_cpu_ptr(&lru_add);
    if folio_batch_add(fbatch, folio) == 0 {
        folio_batch_move_lru(fbatch);
    }
}

// mlock (VM_LOCKED) is not modelled. (Text read in a later tree; not verified for 6.12.)
fn folio_add_lru_vma(folio, vma) source "mm/swap.c:folio_add_lru_vma@v6.12" {
    folio_add_lru(folio);
}

// Only cpu_fbatches.lru_add is drained (the others are never filled here); a drain for
// another CPU (hot-unplug, lru_add_drain_all()) is not modelled.
fn lru_add_drain_cpu(cpu) source "mm/swap.c:lru_add_drain_cpu@v6.12" {
    let fbatch = per_cpu_ptr(&lru_add, cpu);
    if folio_batch_count(fbatch) != 0 {
        folio_batch_move_lru(fbatch);
    }
}

// local_lock(&cpu_fbatches.lock) around it and mlock_drain_local() are left out.
fn lru_add_drain() source "mm/swap.c:lru_add_drain@v6.12" {
    lru_add_drain_cpu(smp_processor_id());
}

// "folio_mark_lazyfree - make an anon folio lazyfree": it moves to the lazyfree (inactive
// file) list through this CPU's lru_lazyfree folio batch. The batch is not modelled: the
// folio moves at once (folio_batch_add_and_move() as for a full batch), and the get/put of
// the batch's reference is left out.
fn folio_mark_lazyfree(folio) source "mm/swap.c:folio_mark_lazyfree@v6.12" {
    if folio_test_anon(folio) && folio_test_swapbacked(folio) && !folio_test_swapcache(folio) && !folio_test_unevictable(folio) {
        lru_lazyfree(folio);
    }
}

// "Lazyfree folios are clean anonymous folios. They have the swapbacked flag cleared, to
// distinguish them from normal anonymous folios." (The LRU lists, PG_active and
// PG_referenced are not modelled.)
fn lru_lazyfree(folio) source "mm/swap.c:lru_lazyfree@v6.12" {
    if !folio_test_anon(folio) || !folio_test_swapbacked(folio) || folio_test_swapcache(folio) || folio_test_unevictable(folio) {
        return;
    }
    clear_bit(PG_swapbacked, &folio->flags); // folio_clear_swapbacked()
}
