// An `atomic { }` block is one step of its own: it never merges into the step before it, so
// another CPU can run between the increment and the block that undoes it.
test "atomic block after a shared step: the other CPU sees the raised counter" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { raise_then_lower(); }
    cpu1 { observe(); }
    expect violation(assertion);
}

// At the start of a CPU program the block is a step too, so it can run after the other CPU.
test "atomic block first in a program is a step of the search" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { lower_first(); }
    cpu1 { raise_only(); }
    expect violation(assertion);
}

fn raise_then_lower() {
    let mm = current_mm();
    inc_tlb_flush_pending(mm);
    atomic { dec_tlb_flush_pending(mm); }
}

fn observe() {
    let mm = current_mm();
    BUG_ON(mm_tlb_flush_pending(mm));
}

// cpu0 checks the counter atomically first thing; cpu1 raises it and lowers it again.
fn lower_first() {
    atomic { BUG_ON(mm_tlb_flush_pending(current_mm())); }
}

fn raise_only() {
    let mm = current_mm();
    inc_tlb_flush_pending(mm);
    dec_tlb_flush_pending(mm);
}
