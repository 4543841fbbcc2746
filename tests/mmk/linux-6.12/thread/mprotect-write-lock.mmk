// The scenario of tests/mmk/thread/mprotect-write-lock.mmk on the linux-6.12 tree (the thread's fixes are merged
// there; docs/the-thread-settled.md's 6.12 column). In 6.12 a writable anonymous PTE maps
// an exclusive page (PageAnonExclusive), and one written under soft-dirty tracking is
// soft-dirty, so a writable PTE's page is declared `exclusive` and the PTE `soft_dirty`.
// The control for Nadav's question: mprotect() that keeps the VMA writable (it drops
// VM_EXEC) still rewrites every PTE with PAGE_COPY, read-only, deferring the flush; under
// the write lock no fault can copy meanwhile.
test "mprotect(READ|WRITE) dropping EXEC, under the write lock (control)" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write exec;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ | PROT_WRITE); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
