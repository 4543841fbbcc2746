// The control for Nadav's question: mprotect() that keeps the VMA writable (it drops
// VM_EXEC) still rewrites every PTE with PAGE_COPY, read-only, deferring the flush; under
// the write lock no fault can copy meanwhile.
test "mprotect(READ|WRITE) dropping EXEC, under the write lock (control)" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write exec;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { mprotect(X, 1, PROT_READ | PROT_WRITE); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
