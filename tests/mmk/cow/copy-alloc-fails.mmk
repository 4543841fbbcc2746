// wp_page_copy() in v5.10: when alloc_page_vma() fails it drops the reference do_wp_page()
// took on the old page ("if (old_page) put_page(old_page); return VM_FAULT_OOM;"). The
// fault is retried from user space once memory is back (pagefault_out_of_memory()); a
// reference kept on each failed attempt would leave the old page pinned forever.

// Protects: a COW fault that cannot allocate its copy gives the old page's reference back.
test "a COW fault whose copy cannot be allocated drops its reference on the old page" {
    kernel "linux-5.10";
    cpus 2;
    frames 2;                               // P and Q: no free frame until CPU1 frees Q
    vma X[2]: anon private read write;
    vma Y: anon private read write;
    page P = 7;
    page Q = 1;
    pte X[0] -> P { dirty accessed };       // mapped twice: the write must copy
    pte X[1] -> P { dirty accessed };
    pte Y -> Q { write dirty accessed };
    cpu0 { X[0] = 8; }                      // VM_FAULT_OOM until Q is freed, then copies
    cpu1 { madvise(Y, 1, MADV_DONTNEED); }
    expect safe;
}
