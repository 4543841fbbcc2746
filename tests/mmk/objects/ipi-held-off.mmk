// The IPI family: a TLB shootdown sends an IPI to every other CPU of the mm and waits for it
// (native_flush_tlb_others(), arch/x86/mm/tlb.c@v5.10), and a CPU with IRQs disabled takes it
// only once it enables them again. A lockless walker relies on that: "have the walker
// disable interrupts, and rely on IPIs from the TLB flushing code blocking before the page
// table pages are freed" (mm/gup.c@v5.10, the Fast GUP comment). Page-table pages are not
// frames of the model yet, so here the walker holds off the zap's free of the data page,
// which on x86 also comes only after the flush (tlb_finish_mmu(): flush, then free the
// batch). The walker takes a plain get_page() where v5.10 uses try_grab_compound_head().

test "an IRQs-off walker holds off the zap's flush, so the page it pins is not freed under it" {
    kernel "linux-5.10";
    invariants: use_after_free, refcount;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { walk_and_pin(X, true); }
    expect safe;
}

test "the same walker with IRQs on: the zap flushes and frees the page it is about to pin" {
    kernel "linux-5.10";
    invariants: use_after_free, refcount;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { madvise(X, 1, MADV_DONTNEED); }
    cpu1 { walk_and_pin(X, false); }
    expect violation(use_after_free);
}

// gup_pte_range()'s shape for one PTE: a lockless read, a reference, the recheck that drops
// it if the PTE changed meanwhile; the pin is dropped at once (the caller's put_page()).
fn walk_and_pin(addr, irqs_off) source "mm/gup.c:gup_pte_range@v5.10 (one PTE; get_page() for try_grab_compound_head(); IRQs off as in internal_get_user_pages_fast())" {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let flags = 0;
    if irqs_off {
        flags = local_irq_save();
    }
    let ptep = pte_offset_map(mm, addr);
    let pte = *ptep;
    if pte_present(pte) {
        let page = vm_normal_page(vma, addr, pte);
        get_page(page);
        if !pte_same(pte, *ptep) {
            put_page(page);
        } else {
            put_page(page);
        }
    }
    if irqs_off {
        local_irq_restore(flags);
    }
}

// The other side of the rule: a CPU that waits for a lock with IRQs disabled while the
// lock's holder flushes never takes the IPI, and the holder never gets past its flush.
// wp_page_copy() flushes under the PTL (ptep_clear_flush()); a CPU spinning on that PTL
// with IRQs off deadlocks with it.
test "spinning on the PTL with IRQs disabled while its holder flushes is a deadlock" {
    kernel "linux-5.10";
    invariants: deadlock;
    cpus 2;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty accessed };
    pte X[1] -> P { dirty accessed };
    cpu0 { X[0] = 1; }
    cpu1 { lock_ptl_irqs_off(X); }
    expect violation(deadlock);
}

fn lock_ptl_irqs_off(addr) {
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    let flags = local_irq_save();
    spin_lock(ptl);
    spin_unlock(ptl);
    local_irq_restore(flags);
}

// The same deadlock, reached only in one order: cpu1 disables IRQs once cpu0 has taken the
// PTL and said so, and cpu0 then flushes under it. The deadlock needs cpu1's
// local_irq_save() before cpu0's flush; a reduction that took the two as independent
// (the flush does read every other CPU's IRQ flag) would explore only the other order.
struct handshake {
    ptl_taken: int;
}
global hs: handshake;

test "IRQs disabled after the flusher took the lock, before its flush: deadlock" {
    kernel "linux-5.10";
    invariants: deadlock;
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { clear_and_flush_locked(X); }
    cpu1 { lock_ptl_irqs_off_after_handshake(X); }
    expect violation(deadlock);
}

fn clear_and_flush_locked(addr) {
    let mm = current_mm();
    let vma = find_vma(mm, addr);
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    hs.ptl_taken = 1;
    let pte = ptep_get_and_clear(mm, addr, ptep);
    flush_tlb_page(vma, addr);
    spin_unlock(ptl);
}

fn lock_ptl_irqs_off_after_handshake(addr) {
    wait_until(hs.ptl_taken == 1);
    lock_ptl_irqs_off(addr);
}
