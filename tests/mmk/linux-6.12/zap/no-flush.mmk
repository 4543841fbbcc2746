// A mutation for the zap tests (not a kernel version): the mmu_gather's flush does nothing.
override fn tlb_flush(tlb) source "arch/x86/include/asm/tlb.h:tlb_flush@v6.12, mutated: flushes nothing" {
}
