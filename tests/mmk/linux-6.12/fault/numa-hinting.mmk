// do_numa_page() of 6.12 under the per-VMA lock. A NUMA hinting PTE (change_prot_numa():
// PROT_NONE) keeps no write bit since 6.3 (pte_savedwrite() is gone): the fault rebuilds the
// PTE from vm_page_prot (read-only for a private VMA) and makes it writable only if
// can_change_pte_writable() allows it: an exclusive anonymous page, unless soft-dirty or
// uffd-wp tracking needs the write fault. One node: no page is migrated.
import "numa-hinting-checks.mmk";

// Soft-dirty tracking is on (the VMA without VM_SOFTDIRTY, as after clear_refs "4") and the
// PTE is not soft-dirty: the hinting fault must leave it read-only, so that the store faults
// again and do_wp_page() marks it dirty and soft-dirty (x86 pte_mkdirty()). A store through a
// PTE made writable here would set only the hardware's D bit: the write would be invisible
// to soft-dirty tracking (CRIU's incremental dump would miss it). Another CPU's read takes a
// hinting fault of its own at the same time.
test "a NUMA hinting fault keeps a PTE read-only while soft-dirty tracking needs the write fault" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { protnone dirty accessed };
    cpu0 { X = 8; check_soft_dirty(X); }
    cpu1 { let v = *X; }
    expect safe;
}

// Without soft-dirty tracking (VM_SOFTDIRTY set) the exclusive page is mapped writable at
// once: the store lands without a second fault. One CPU: with a second one, its own fault on
// the rebuilt PTE would set the soft-dirty bit this check reads.
test "a NUMA hinting fault maps an exclusive page writable at once when nothing tracks writes" {
    kernel "linux-6.12";
    cpus 1;
    vma X: anon private read write softdirty;
    page P = 7 { exclusive: 1 };
    pte X -> P { protnone dirty accessed };
    cpu0 { X = 8; check_writable_after_numa(X); }
    expect safe;
}

// The hinting fault races MADV_DONTNEED of its page (the 6.12 form of
// tests/mmk/numa/hinting-fault-vs-dontneed.mmk): do_numa_page() reads the PTE without the
// PTL and must find it changed (pte_same()) once it takes it.
test "a NUMA hinting fault racing MADV_DONTNEED of its page" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { protnone dirty accessed };
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// The store found X's PTE writable after the hinting fault: no write fault followed (it
// would have set the soft-dirty bit with pte_mkdirty(); the hardware's store sets only D).
fn check_writable_after_numa(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    BUG_ON(!pte_write(*pte) || pte_soft_dirty(*pte));
    pte_unmap_unlock(pte, ptl);
    mmap_read_unlock(mm);
}

// The same race on a userfaultfd-missing range (the 6.12 form of the second test of
// tests/mmk/numa/hinting-fault-vs-dontneed.mmk): a fault that finds the PTE zapped retries
// into do_anonymous_page(), which allocates before it sees the range is uffd-missing and must
// drop that folio (folio_put()) before handing the fault to the monitor (page_leak); here no
// monitor answers, and the fault sleeps in handle_userfault() (an idle end).
test "a NUMA hinting fault racing MADV_DONTNEED on a uffd-missing range" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write uffd_missing;
    page P = 7 { exclusive: 1 };
    pte X -> P { protnone dirty accessed };
    cpu0 { X = 8; }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

// The scan itself (task_numa_work() -> change_prot_numa(), under mmap_lock for read, its
// flush deferred past the PTL) racing a store that faults under the VMA lock and a store
// through a writable TLB entry the scan has not flushed yet (the 6.12 form of
// tests/mmk/thread/numa-hinting.mmk). The page is exclusive, as a writable anonymous PTE's
// page always is in 6.12, and its PTE soft-dirty, as a writable PTE always is while soft-dirty
// tracking is on (clear_refs write-protects what it cleans; a write fault or
// can_change_pte_writable() makes it writable again only with the soft-dirty bit): so the
// hinting fault restores it writable. (Declared writable but not soft-dirty, a state no path
// reaches, the fault would restore it read-only and the retried store reuse the exclusive page
// in do_wp_page() under the read-only PTE while CPU2 still caches it writable: no write lost,
// but the ghost COW assumption there, assume_tlb_coherent(), reports stale_tlb.)
test "NUMA hinting scan racing a faulting store and a stale-TLB store" {
    kernel "linux-6.12";
    cpus 3;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed soft_dirty };
    tlb cpu2: X -> P { write dirty };
    cpu0 { task_numa_work(); }
    cpu1 { X = 8; }
    cpu2 { X = 9; }
    expect safe;
}
