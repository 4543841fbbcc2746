// khugepaged collapsing the range a CPU is storing to (6.12, models/linux-6.12/khugepaged.mmk).
// collapse_huge_page() clears the PMD entry and flushes the range (pmdp_collapse_flush())
// before it copies the page: a CPU that still caches the old translation can store into the
// old page only until that flush, so the copy has the store; a store after it walks the
// page tables and finds the PMD entry none (a fault) or the huge leaf (lost_write and
// stale_tlb check both). The store is the kernel's copy_to_user_inatomic() (a store through
// the user address with the TLB and walk rules of a user store, that gives up where a user
// store would fault): the 6.12 tree's fault path does not handle a huge PMD leaf
// (memory.mmk's __handle_mm_fault() stops with not_modelled()), which a fault racing the
// collapse would meet once the leaf is set.

import "thp-test-helpers.mmk";

test "6.12: a store through a cached entry lands before the collapse's flush, and the copy has it" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu1: X -> P { write dirty };
    cpu0 { khugepaged_collapse(X); }
    cpu1 { store_nofault(X, 8); }
    expect safe;
}

// A store that does not fault: copy_to_user_inatomic(), as a pagefault_disable()d
// __put_user() would (mmcheck's primitive; the lost-write ghost expects it if it lands).
fn store_nofault(addr, v) source "mmcheck: a test driver, a pagefault_disable()d store to a user address" {
    copy_to_user_inatomic(addr, v);
}
