// MADV_DONTNEED zapping the destination of a migration right after remove_migration_ptes()
// mapped it, with the LRU batch already drained (6.12, models/linux-6.12/migrate.mmk
// migrate_folio_move()). folio_add_lru(dst) parks the new folio in this CPU's LRU batch with
// a reference; once the batch is drained (a full batch, or lru_add_drain_all() from another
// CPU) the LRU holds none. The new mapping's reference is then the only one besides the
// migration's own, and a concurrent MADV_DONTNEED (under mmap_lock for read, as the migration
// is) can drop it. migrate_folio_move() unlocks the destination before it drops its
// reference ("out_unlock_both": folio_unlock(dst), then folio_put(dst)), so when that put is
// the last one the folio is freed unlocked and nobody touches it afterwards; the other order
// would free a locked folio and unlock it after it was freed (use_after_free).
//
// PAGEVEC_SIZE is lowered to 1 (swap.mmk says a test may), so every folio_add_lru() drains
// the batch at once: the nearest the model comes to a drain from another CPU.

import "migrate-test-helpers.mmk";

const PAGEVEC_SIZE = 1;

test "6.12: MADV_DONTNEED drops the new mapping's reference before the migration drops its own" {
    kernel "linux-6.12";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, assertion, model_error;
    cpus 2;
    vma X: anon private read write;
    page P = 7 { exclusive: 1 };
    pte X -> P { write dirty accessed };
    cpu0 { migrate_page_at(X); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}
