// Protects the order of clear_refs_walk() and tlb_finish_mmu() in clear_refs_write()
// (v5.10.0): the write-protects are flushed by tlb_finish_mmu()'s nested flush when another
// mmu_gather of the mm is open (mm_tlb_flush_nested(), 99baac21e458), so with a parallel
// batcher open over the whole call, no CPU keeps a writable entry of X once it returns, and
// the next write sets soft-dirty through a fault. cpu1 stores to X (a kernel store through the
// user address) while its gather is open, so its writable entry may be filled at any point
// of the call.
struct test_sync {
    opened: int;
    done: int;
}
global sync: test_sync;

test "clear_refs soft-dirty while another mmu_gather is open: the nested flush covers the walk" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write softdirty;
    vma Y: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu1: X -> P { write dirty };
    cpu0 { clear_refs_after_gather(X); }
    cpu1 { gather_open_over_clear_refs(Y, X); }
    expect safe;
}

// A parallel batcher of another range (a MADV_DONTNEED of Y, say) with its mmu_gather open
// from before clear_refs_write() until after it returned; meanwhile a store to `store_at`.
fn gather_open_over_clear_refs(addr, store_at) {
    let mm = current_mm();
    let tlb = tlb_gather_mmu(mm, addr, addr + PAGE_SIZE);
    sync.opened = 1;
    copy_to_user_inatomic(store_at, 8);
    wait_until(sync.done != 0);
    tlb_finish_mmu(tlb, addr, addr + PAGE_SIZE);
}

// Writes "4" to /proc/self/clear_refs once the other gather is open, then checks that the
// call left no CPU a translation of addr more permissive than its PTE.
fn clear_refs_after_gather(addr) {
    wait_until(sync.opened != 0);
    clear_refs_write(CLEAR_REFS_SOFT_DIRTY);
    let mm = current_mm();
    assume_tlb_coherent(find_vma(mm, addr), addr);
    sync.done = 1;
}
