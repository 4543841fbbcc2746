// The seqcount family, from 57efa1fe5957 (v5.11, "mm/gup: prevent gup_fast from racing
// with COW during fork"): a GUP-fast reader that samples mm->write_protect_seq but skips
// read_seqcount_retry() sees a torn pair of words written inside fork's write section.
struct mm_seq {
    write_protect_seq: seqcount_t;
    // Two words fork changes together (the PTE's write bit and the page's sharing).
    pte_wp: int;
    page_shared: int;
}
global mm: mm_seq;

test "gup_fast without read_seqcount_retry sees a torn write section" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { fork_copy(); }
    cpu1 { gup_fast(); }
    expect violation(assertion);
}

// copy_page_range(): the only writer, so writers are serialised (mmap_lock in the kernel).
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
    // The bug: no read_seqcount_retry(), so the pinned page is kept whatever fork did.
    assert(wp == shared);
}
