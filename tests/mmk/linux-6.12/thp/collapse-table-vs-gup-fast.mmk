// The PTE table a collapse unlinks, freed while GUP-fast still walks it (2ba99c5e0881,
// "mm/khugepaged: fix GUP-fast interaction by sending IPI", Jann Horn, v6.1, Cc:
// stable): "Since commit 70cbc3cc78a99 ("mm: gup: fix the fast GUP race against THP
// collapse"), the lockless_pages_from_mm() fastpath rechecks the pmd_t to ensure that the
// page table was not removed by khugepaged in between. However, lockless_pages_from_mm()
// still requires that the page table is not concurrently freed. Fix it by sending IPIs (if
// the architecture uses semi-RCU-style page table freeing) before freeing/reusing page
// tables."
//
// collapse_huge_page() unlinks the range's PTE table (pmdp_collapse_flush()) and deposits it
// with the huge leaf; a later munmap() zaps the leaf and frees the deposited table at once
// (zap_huge_pmd() -> zap_deposited_table() -> pte_free(), not through the gather's RCU
// freeing). GUP-fast reads the PMD entry with IRQs disabled and then the PTE in the table
// that entry named. Where the flush does not interrupt the walker (`knob tlb_broadcast`: a
// paravirtual flush that skips preempted vCPUs, which is why x86 frees tables
// semi-RCU-style), only tlb_remove_table_sync_one()'s IPI, which waits for every CPU to
// take it, keeps the collapse from going on while a walker is inside the old table.
//
// The walker here is GUP-fast's walk alone (gup_fast() -> gup_fast_pmd_range() ->
// gup_fast_pte_range() down to ptep_get_lockless(), with IRQs disabled), without the grab:
// a reference taken before the collapse's refcount check makes the collapse back off and
// put the table back, and the search then wanders into munmap()'s own freeing of that
// table, which 6.12 does through the mmu_gather's semi-RCU table freeing (mmu_gather.mmk,
// not this test's subject).

import "thp-test-helpers.mmk";

test "6.12, broadcast TLB invalidation: the IPI waits for the walker before the table can be freed" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); munmap(X, 1); }
    cpu1 { gup_fast_walk(X); }
    expect safe;
}

test "without 2ba99c5e0881: GUP-fast reads a PTE of the table munmap freed" {
    kernel "linux-6.12";
    import "khugepaged-no-ipi-2ba99c5e0881.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    knob tlb_broadcast;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { khugepaged_collapse(X); munmap(X, 1); }
    cpu1 { gup_fast_walk(X); }
    expect violation(use_after_free);
}

// GUP-fast's lockless walk of addr (mm/gup.c gup_fast() with gup_fast_pmd_range() and
// gup_fast_pte_range() up to the PTE read), IRQs disabled, without the grab and rechecks.
fn gup_fast_walk(addr) source "mm/gup.c:gup_fast_pte_range@v6.12 (the walk: the PMD entry, then the PTE of the table it names, IRQs disabled)" {
    let mm = current_mm();
    let flags = local_irq_save();
    let pmdp = pmd_offset(mm, addr);
    let pmd = *pmdp; // pmdp_get_lockless()
    if pmd_present(pmd) && !pmd_trans_huge(pmd) {
        let ptep = pte_offset_map(pmd, addr);
        let pte = *ptep; // ptep_get_lockless()
    }
    local_irq_restore(flags);
}
