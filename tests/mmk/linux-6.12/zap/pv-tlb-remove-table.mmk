// A KVM guest with the PV TLB flush: kvm_guest_init() sets pv_ops.mmu.tlb_remove_table =
// tlb_remove_table (arch/x86/kernel/kvm.c, pv_tlb_flush_supported()).
override fn paravirt_tlb_remove_table(tlb, table) source "arch/x86/include/asm/paravirt.h:paravirt_tlb_remove_table@v6.12 (KVM PV TLB flush: tlb_remove_table)" {
    tlb_remove_table(tlb, table);
}
