// A device writing a page the scenario names: `dma_add(P, v, mm0, X)` in a test's code is a
// DMA into page P, pinned for address X of mm0 (here by a driver before the test begins:
// P's `extra_refs: 1` is the pin's reference).
//
// v5.10's do_wp_page() reuses an anonymous page only when page_count() is 1 (09854ba94c6a,
// v5.9): a write fault on a read-only PTE of a pinned page copies it, the process moves to
// the copy, and the device's later DMA lands in the old page, lost to the process.
// v5.19's PageAnonExclusive() reuse rule keeps an exclusive page, pinned or not.

test "v5.10: a write fault copies a pinned page, and the device's DMA after it is lost" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1 };
    pte X -> P { accessed };
    cpu0 { X += 1; }
    cpu1 { device_writes(P, 100, mm0, X); }
    expect violation(lost_write);
}

test "v5.19's reuse rule: the exclusive pinned page is reused, and the DMA stays visible" {
    kernel "linux-5.10";
    import "fixes/reuse-rule-v5.19-anon-exclusive.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { extra_refs: 1, exclusive: 1 };
    pte X -> P { accessed };
    cpu0 { X += 1; }
    cpu1 { device_writes(P, 100, mm0, X); }
    expect safe;
}

// The device: a DMA of v into page, pinned for addr of mm.
fn device_writes(page, v, mm, addr) {
    dma_add(page, v, mm, addr);
}
