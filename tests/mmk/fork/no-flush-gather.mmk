// tlb_flush() that flushes nothing (a bug, for the test).
override fn tlb_flush(tlb) source "arch/x86/include/asm/tlb.h:tlb_flush@v5.10 without its flush (a bug, for the test)" {
    return;
}
