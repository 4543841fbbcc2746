// An older kernel under its own contract. Before v4.13 a path could defer its TLB flush
// past the PTL without advertising it in mm->tlb_flush_pending: v4.12's clear_refs_write()
// write-protects every PTE under mmap_lock held for read and flushes the whole mm at the
// end. Under the v4.13+ contract (stale_tlb) that kernel is condemned at its first
// deferred flush, whatever happens next. This file states its own default set, as a model
// tree of such a kernel would, so that the question asked is the real one: is a write lost?

invariants default: all - stale_tlb;

// fs/proc/task_mmu.c, v4.12: no mmu_gather; flush_tlb_mm() after the walk, before up_read().
override fn clear_refs_write(type) source "fs/proc/task_mmu.c:clear_refs_write@v4.12" {
    let mm = current_mm();
    // down_read(&mm->mmap_sem)
    mmap_read_lock(mm);
    if type == CLEAR_REFS_SOFT_DIRTY {
        let vma = mm->mmap;
        while vma != null {
            if !(vma->vm_flags & VM_SOFTDIRTY) {
                vma = vma->vm_next;
                continue;
            }
            mmap_read_unlock(mm);
            // down_write_killable(&mm->mmap_sem)
            mmap_write_lock(mm);
            let v = mm->mmap;
            while v != null {
                v->vm_flags = v->vm_flags & ~VM_SOFTDIRTY;
                vma_set_page_prot(v);
                v = v->vm_next;
            }
            mmap_write_downgrade(mm);
            break;
        }
        // mmu_notifier_invalidate_range_start(mm, 0, -1): not modelled
    }
    // walk_page_range(0, mm->highest_vm_end, &clear_refs_walk)
    clear_refs_walk(mm, type);
    // mmu_notifier_invalidate_range_end(mm, 0, -1): not modelled
    flush_tlb_mm(mm);
    mmap_read_unlock(mm);
    return 0;
}

// With the fault path of its time (the pre-5.9 reuse rule: a page mapped once is reused,
// never copied), the deferred flush loses no write.
test "v4.12 clear_refs with the pre-5.9 reuse rule: no write is lost" {
    kernel "linux-5.10";
    import "fixes/reuse-rule-pre-5.9.mmk";
    cpus 3;
    vma X: anon private read write softdirty;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X += 1; }
    cpu2 { X += 1; }
    expect safe;
}

// The same kernel judged by the v4.13+ contract: condemned at its first deferred flush.
test "v4.12 clear_refs under the v4.13+ contract" {
    kernel "linux-5.10";
    import "fixes/reuse-rule-pre-5.9.mmk";
    invariants: default + stale_tlb;
    cpus 3;
    vma X: anon private read write softdirty;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X += 1; }
    cpu2 { X += 1; }
    expect violation(stale_tlb);
}

// The race between two such paths shows as what it is: v4.12's deferred flush against
// v5.10's fault path, which copies a page with an extra reference, loses CPU2's increment.
test "v4.12 clear_refs against the v5.10 COW rule: a lost write" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write softdirty;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { X += 1; }
    cpu2 { X += 1; }
    expect violation(lost_write);
}
