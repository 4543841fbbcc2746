// Pointers to locals (`&x`, `*p`, `*p = v`, `*p |= v`, `p->field`): a value written two calls
// down is the value the caller reads, after steps of its own and of other CPUs in between
// (a local read only through a pointer is not forgotten as dead). The same model with the
// write left out breaks its BUG_ON, so the first test can fail.

test "values written through pointers two calls down are read back" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { out_params(X, true); }
    cpu1 { X = 2; }
    expect safe;
}

test "without the write through the pointer the flag stays false" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { out_params(X, false); }
    cpu1 { X = 2; }
    expect violation(assertion);
}

struct walk_state {
    seen,
}

// Sets *need_flush if the PTE at addr is writable (as a zap or a write-protect would record
// that a flush is owed), and counts the PTE in *nr and in state->seen.
fn note_pte(mm, addr, need_flush, nr, state, write) {
    let ptep = pte_offset_map(mm, addr);
    if pte_write(*ptep) && write {
        *need_flush = true;
    }
    *nr |= 4;
    *nr += 1;
    state->seen = state->seen + 1;
}

fn walk_one(mm, addr, need_flush, nr, state, write) {
    let ptl = pte_lockptr(mm, pte_offset_map(mm, addr));
    spin_lock(ptl);
    note_pte(mm, addr, need_flush, nr, state, write);
    spin_unlock(ptl);
}

fn out_params(addr, write) {
    let mm = current_mm();
    let need_flush = false;
    let nr = 1;
    let state = struct walk_state { .seen = 0 };
    // need_flush is never read by name below: only through p
    let p = &need_flush;
    mmap_read_lock(mm);
    walk_one(mm, addr, p, &nr, &state, write);
    mmap_read_unlock(mm);
    mmap_read_lock(mm);
    BUG_ON(!*p);
    BUG_ON(nr != 6 || state.seen != 1);
    BUG_ON(p != &need_flush || p == &nr);
    mmap_read_unlock(mm);
}
