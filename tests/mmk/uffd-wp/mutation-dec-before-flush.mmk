// Mutation of the fix's precondition: change_protection_range() decrements
// tlb_flush_pending before its flush. do_wp_page() then sees no pending flush while a
// stale writable entry survives, and the fix no longer closes Scenario A.
test "6ce64428d620 with dec_tlb_flush_pending moved before the flush" {
    kernel "linux-5.10";
    import "fixes/6ce64428d620-uffd-flush-pending.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(lost_write);
}

// The mutation: pending-- moved above the flush (reference section 5.6).
override fn change_protection_range(vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_protection_range@v5.10, mutated" {
    let mm = vma->vm_mm;
    let start = addr;
    let pages = 0;
    BUG_ON(addr >= end);
    inc_tlb_flush_pending(mm);
    pages = pages + change_pte_range(vma, addr, end, newprot, cp_flags);
    dec_tlb_flush_pending(mm);
    if pages {
        flush_tlb_range(vma, start, end);
    }
    return pages;
}
