// A CPU that can never finish is a livelock, not a quiet SAFE; a search that reaches no end
// state never says SAFE; a program killed by a signal is reported.
test "a CPU spins for ever after raising tlb_flush_pending" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { raise_and_spin(); }
    expect violation(livelock);
}

test "one interleaving spins for ever, the others finish" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { wait_for_raise(); }
    cpu1 { raise_and_lower(); }
    expect violation(livelock);
}

test "a store to a read-only mapping is killed by SIGSEGV" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read;
    page P = 7;
    pte X -> P { };
    cpu0 { X = 8; }
    expect violation(sigsegv);
}

fn raise_and_spin() {
    let mm = current_mm();
    inc_tlb_flush_pending(mm);
    while true {
        mmap_read_lock(mm);
        mmap_read_unlock(mm);
    }
}

// Waits for a raise of tlb_flush_pending that may already be over.
fn wait_for_raise() {
    let mm = current_mm();
    while !mm_tlb_flush_pending(mm) {
    }
}

fn raise_and_lower() {
    let mm = current_mm();
    inc_tlb_flush_pending(mm);
    dec_tlb_flush_pending(mm);
}
