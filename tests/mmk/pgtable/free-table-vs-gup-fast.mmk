// A PTE table freed while a lockless walker still reads it. GUP-fast walks the page tables
// with IRQs disabled and no lock ("have the walker disable interrupts, and rely on IPIs
// from the TLB flushing code blocking before the page table pages are freed", mm/gup.c
// v5.10, Fast GUP); a path that frees a table unlinks it (pmd_clear()), flushes the TLBs
// of every CPU of the mm, and only then frees it: on x86 v5.10 a table goes into the
// mmu_gather like a page (___pte_free_tlb() -> tlb_remove_page()) and is freed after
// tlb_finish_mmu()'s flush.
//
// The table of X is empty (its PTEs were zapped before, as unmap_vmas() does before
// free_pgtables()); the walker reads the PMD entry once (READ_ONCE(*pmdp)) and then the
// PTE through the table that value names, as gup_pmd_range() and gup_pte_range() do.

test "a walker with IRQs disabled holds off the flush, so the table is not freed under it" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table(X, true); }
    cpu1 { gup_fast_pte(X, true); }
    expect safe;
}

test "the same walker with IRQs enabled reads the PTE of a freed table" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table(X, true); }
    cpu1 { gup_fast_pte(X, false); }
    expect violation(use_after_free);
}

test "freeing the table before the flush defeats the IRQs-off walker" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table(X, false); }
    cpu1 { gup_fast_pte(X, true); }
    expect violation(use_after_free);
}

// The same with the shootdown written as kernel code (models/arch/x86-tlb-v5.10.mmk):
// flush_tlb_mm() is flush_tlb_mm_range() with freed_tables set, so the IPI goes to every CPU
// of the mm's cpumask, and smp_call_function_many() waits until the walker, IRQs enabled
// again, has run flush_tlb_func_remote(); only then is the table freed.
test "the x86 flush protocol's IPI waits for the IRQs-off walker too" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table(X, true); }
    cpu1 { gup_fast_pte(X, true); }
    expect safe;
}

test "with the x86 flush protocol, a walker with IRQs enabled still reads a freed table" {
    kernel "linux-5.10";
    import "arch/x86-tlb-v5.10.mmk";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { free_table(X, true); }
    cpu1 { gup_fast_pte(X, false); }
    expect violation(use_after_free);
}

// free_pte_range() for one empty table, then what tlb_finish_mmu() does with it: the flush
// (flush_tlb_mm(): freed_tables) and the free. `flush_first` false frees it first.
fn free_table(addr, flush_first) source "mm/memory.c:free_pte_range@v5.10, with mm/mmu_gather.c:tlb_finish_mmu@v5.10 for the table" {
    let mm = current_mm();
    mmap_write_lock(mm);
    let pmd = pmd_offset(mm, addr);
    let token = pmd_pgtable(*pmd);
    pmd_clear(pmd);
    if flush_first {
        flush_tlb_mm(mm);
        pte_free(mm, token);
    } else {
        pte_free(mm, token);
        flush_tlb_mm(mm);
    }
    mmap_write_unlock(mm);
}

// gup_pmd_range() and gup_pte_range() for one PTE (internal_get_user_pages_fast():
// local_irq_save() around the walk); a present PTE would be pinned, here it is none.
fn gup_fast_pte(addr, irqs_off) source "mm/gup.c:gup_pte_range@v5.10 (one PTE, IRQs as in internal_get_user_pages_fast())" {
    let mm = current_mm();
    let flags = 0;
    if irqs_off {
        flags = local_irq_save();
    }
    let pmdp = pmd_offset(mm, addr);
    let pmd = *pmdp;
    if !pmd_none(pmd) {
        let ptep = pte_offset_map(pmd, addr);
        let pte = *ptep;
        assert(pte_none(pte));
    }
    if irqs_off {
        local_irq_restore(flags);
    }
}
