// Before v4.13, mm->tlb_flush_pending was a bool: set_tlb_flush_pending() set it and
// clear_tlb_flush_pending() cleared it (include/linux/mm_types.h@v4.12). Two paths that
// defer a flush at once (NUMA hinting runs under mmap_read_lock) then share one flag, and
// the first to finish clears it while the other's flush is still owed. Nadav Amit's
// "mm: Prevent racy access to tlb_flush_pending" (20170717180246.62277-1-namit@vmware.com,
// merged for v4.13) made it the atomic_t count of v5.10. Here v4.12's pair over v5.10's
// atomic_t, under v5.10's names.
import "linux-5.10";

override fn inc_tlb_flush_pending(mm) source "include/linux/mm_types.h:set_tlb_flush_pending@v4.12 (mm->tlb_flush_pending = true)" {
    atomic_set(&mm->tlb_flush_pending, 1);
}

override fn dec_tlb_flush_pending(mm) source "include/linux/mm_types.h:clear_tlb_flush_pending@v4.12 (mm->tlb_flush_pending = false)" {
    atomic_set(&mm->tlb_flush_pending, 0);
}
