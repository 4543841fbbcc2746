// Scenario A under the pre-5.9 reuse rule (mapcount, not refcount): the page is mapped
// once, so the fault reuses it and never copies; the corruption cannot happen. The fault
// still relies on a read-only PTE while a CPU caches it writable: it "worked by luck".
test "Scenario A, pre-5.9 reuse rule (works by luck)" {
    kernel "linux-5.10";
    import "fixes/reuse-rule-pre-5.9.mmk";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect violation(stale_tlb);
    expect no violation(lost_write);
}
