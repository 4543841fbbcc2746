// A table freed while its PMD entry still points to it: every later walk of the range, by
// the hardware or by the kernel, reads a page that may already be something else. The
// kernel unlinks a table (pmd_clear()) before it frees it; a PMD entry that names a freed
// table is use_after_free the moment it exists, whether or not a walk comes.

test "pte_free() of a table its PMD entry still names" {
    kernel "linux-5.10";
    invariants: use_after_free, deadlock, lock_hygiene, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { free_linked_table(X); }
    cpu1 { X = 8; }
    expect violation(use_after_free);
}

// free_pte_range() without its pmd_clear(): the table freed, the entry left.
fn free_linked_table(addr) source "mm/memory.c:free_pte_range@v5.10, mutated: no pmd_clear()" {
    let mm = current_mm();
    mmap_write_lock(mm);
    let pmd = pmd_offset(mm, addr);
    let token = pmd_pgtable(*pmd);
    flush_tlb_mm(mm);
    pte_free(mm, token);
    mmap_write_unlock(mm);
}
