// The fixed form of seqcount-gup-no-retry.mmk (57efa1fe5957): GUP-fast checks
// read_seqcount_retry() and backs off if fork's write section overlapped its reads.
struct mm_seq {
    write_protect_seq: seqcount_t;
    pte_wp: int;
    page_shared: int;
}
global mm: mm_seq;

test "gup_fast with read_seqcount_retry never keeps a torn read" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { fork_copy(); }
    cpu1 { gup_fast(); reader(); }
    expect safe;
}

fn fork_copy() {
    write_seqcount_begin(&mm.write_protect_seq);
    mm.pte_wp = 1;
    mm.page_shared = 1;
    write_seqcount_end(&mm.write_protect_seq);
}

fn gup_fast() {
    let seq = raw_read_seqcount(&mm.write_protect_seq);
    if (seq & 1) == 1 {
        return;
    }
    let wp = mm.pte_wp;
    let shared = mm.page_shared;
    if read_seqcount_retry(&mm.write_protect_seq, seq) {
        // Undo the pin and fall back to the slow path.
        return;
    }
    assert(wp == shared);
}

// The waiting reader: read_seqcount_begin() never returns an odd count.
fn reader() {
    let seq = read_seqcount_begin(&mm.write_protect_seq);
    assert((seq & 1) == 0);
    let wp = mm.pte_wp;
    let shared = mm.page_shared;
    if !read_seqcount_retry(&mm.write_protect_seq, seq) {
        assert(wp == shared);
    }
}
