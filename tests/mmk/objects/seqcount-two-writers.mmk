// Two unserialised writers on one seqcount_t: the second write_seqcount_begin() finds the
// count odd (the kernel requires the caller to serialise writers): lock_hygiene.
struct mm_seq {
    write_protect_seq: seqcount_t;
}
global mm: mm_seq;

test "write_seqcount_begin from two CPUs without a lock" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    cpu0 { writer(); }
    cpu1 { writer(); }
    expect violation(lock_hygiene);
}

fn writer() {
    write_seqcount_begin(&mm.write_protect_seq);
    write_seqcount_end(&mm.write_protect_seq);
}
