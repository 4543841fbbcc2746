// Nadav Amit's proposal for the MADV_DONTNEED race
// (https://lore.kernel.org/r/729A8C1E-FC5B-4F46-AE01-85E00C66DFFF@gmail.com, not merged in
// this form): change_protection_range() also flushes when another flush is pending on the
// mm, even if it changed no PTE: `if (pages || mm_tlb_flush_nested(mm))`.
import "linux-5.10";

override fn change_protection_range(vma, addr, end, newprot, cp_flags) source "mm/mprotect.c:change_protection_range@v5.10 + namit flush-if-nested" {
    let mm = vma->vm_mm;
    let start = addr;
    let pages = 0;
    BUG_ON(addr >= end);
    inc_tlb_flush_pending(mm);
    pages = pages + change_pte_range(vma, addr, end, newprot, cp_flags);
    if pages || mm_tlb_flush_nested(mm) {
        flush_tlb_range(vma, start, end);
    }
    dec_tlb_flush_pending(mm);
    return pages;
}
