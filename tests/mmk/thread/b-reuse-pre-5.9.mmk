// Scenario B under the pre-5.9 reuse rule (mapcount, not refcount): the page is mapped
// once, so the fault reuses it and never copies; the corruption cannot happen. The fault
// still relies on a read-only PTE while a CPU caches it writable: it "worked by luck".
test "Scenario B, pre-5.9 reuse rule (works by luck)" {
    kernel "linux-5.10";
    import "fixes/reuse-rule-pre-5.9.mmk";
    cpus 4;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu3: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, UFFDIO_WRITEPROTECT_MODE_WP); }
    cpu1 { userfaultfd_writeprotect(X, 1, 0); }
    cpu2 { X = 8; }
    cpu3 { X = 9; }
    expect violation(stale_tlb);
    expect no violation(lost_write);
}
