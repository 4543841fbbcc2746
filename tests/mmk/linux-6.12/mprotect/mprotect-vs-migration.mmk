// mprotect(PROT_READ) racing a migration of the page (6.12). try_to_migrate_one() replaces a
// writable PTE with a writable migration entry, and remove_migration_pte() makes the new
// page's PTE writable again from that entry alone (pte_mkwrite() for a writable entry,
// whatever vm_page_prot says by then). A migration reaching the page by the rmap walk
// (compaction's, without mmap_lock) runs beside mprotect(), so change_pte_range() must turn a
// writable migration entry it finds into a readable one ("A protection check is difficult so
// just be safe and disable write"): else the page comes back writable in a read-only VMA,
// and a store after mprotect() returned succeeds.
//
// CPU0's flag F says mprotect() has returned; CPU1, having seen it, stores to X: the store
// must be SIGSEGV (the assertion after it is never reached).

import "../mremap/rmap-migrate-helpers.mmk";

test "6.12: mprotect(PROT_READ) write-protects a writable migration entry" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    vma F at 300: anon private read write;
    page P = 7 { exclusive: 1 };
    page G = 0 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    pte F -> G { write dirty accessed };
    cpu0 { mprotect(X, 1, PROT_READ); F = 1; }
    cpu1 {
        migrate_page_by_rmap(X);
        let f = *F;
        if f == 1 {
            X = 9;
            assert(false);
        }
    }
    expect violation(sigsegv);
    expect no violation(assertion);
    expect no violation(lost_write);
    expect no violation(use_after_free);
    expect no violation(stale_tlb);
    expect no violation(deadlock);
    expect no violation(lock_hygiene);
    expect no violation(refcount);
    expect no violation(page_leak);
    expect no violation(model_error);
}
