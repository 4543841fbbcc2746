// x86 parts of the 6.12 fault path and page-table helpers (arch/x86/mm/fault.c,
// arch/x86/include/asm/pgtable.h, arch/x86/mm/pgtable.c).
//
// Source caveat: no stored 6.12 arch/x86/mm/fault.c was found. do_user_addr_fault() and
// access_error() follow gregkh/linux 2519003dd5fb (research note 612-fault section 3), a
// post-6.12 tree whose only known difference in this range is emulate_vsyscall_pf() (6.12:
// emulate_vsyscall()), which the model leaves out with the vsyscall page. The per-VMA-lock
// block has had this shape since 6.7 (not pinned).

// (VM_FAULT_COMPLETED, "->fault completed, meanwhile mmap lock released", is in 00-defs.mmk.)

// arch/x86/mm/fault.c: the entry of every user page fault (from exc_page_fault() ->
// handle_page_fault()). The machine calls it with the hardware error code and the faulting
// address; when it returns, the user instruction is retried.
// Left out: the kernel-mode and SMAP/reserved-bit checks before the flag setup (every
// modelled fault comes from user mode on a user address), local_irq_enable() (faults run with
// IRQs on), perf events, X86_PF_SHSTK (no shadow stacks), the vsyscall page, signals
// (fault_signal_pending() is false: no signal is ever pending), kernelmode_fixup_or_oops(),
// count_vm_vma_lock_event() statistics. The OOM branch's pagefault_out_of_memory() returns to
// user space, which faults again.
fn do_user_addr_fault(hw_error_code, address) source "arch/x86/mm/fault.c:do_user_addr_fault@v6.12" {
    let mm = current_mm();
    let flags = FAULT_FLAG_DEFAULT;
    if hw_error_code & X86_PF_WRITE {
        flags = flags | FAULT_FLAG_WRITE;
    }
    if hw_error_code & X86_PF_INSTR {
        flags = flags | FAULT_FLAG_INSTRUCTION;
    }
    // user_mode(regs): every modelled fault comes from user mode.
    flags = flags | FAULT_FLAG_USER;

    let fault = 0;
    let done = false;
    // `if (!(flags & FAULT_FLAG_USER)) goto lock_mmap;` never taken here.
    let vma = lock_vma_under_rcu(mm, address);
    if vma != null {
        if access_error(hw_error_code, vma) {
            // bad_area_access_error(regs, error_code, address, NULL, vma): the VMA lock is
            // released before the signal (__bad_area() -> vma_end_read()).
            vma_end_read(vma);
            force_sig_segv();
            return;
        }
        fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK);
        if !(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)) {
            vma_end_read(vma);
        }
        if !(fault & VM_FAULT_RETRY) {
            done = true; // goto done
        } else {
            // count_vm_vma_lock_event(VMA_LOCK_RETRY)
            if fault & VM_FAULT_MAJOR {
                flags = flags | FAULT_FLAG_TRIED;
            }
            // fault_signal_pending(): no signal is pending
        }
    }
    if !done {
        // lock_mmap: retry:
        while true {
            vma = lock_mm_and_find_vma(mm, address);
            if vma == null {
                // bad_area_nosemaphore()
                force_sig_segv();
                return;
            }
            if access_error(hw_error_code, vma) {
                // bad_area_access_error(regs, error_code, address, mm, vma): __bad_area()
                // drops mmap_lock
                mmap_read_unlock(mm);
                force_sig_segv();
                return;
            }
            fault = handle_mm_fault(vma, address, flags);
            // fault_signal_pending(): no signal is pending
            // "The fault is fully completed (including releasing mmap lock)"
            if fault & VM_FAULT_COMPLETED {
                return;
            }
            // "If we need to retry the mmap_lock has already been released"
            if fault & VM_FAULT_RETRY {
                flags = flags | FAULT_FLAG_TRIED;
                continue;
            }
            mmap_read_unlock(mm);
            break;
        }
    }
    // done:
    if !(fault & VM_FAULT_ERROR) {
        return;
    }
    if fault & VM_FAULT_OOM {
        // pagefault_out_of_memory(): the OOM killer is not modelled; back in user space the
        // access faults again.
        return;
    }
    if fault & (VM_FAULT_SIGBUS | VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE) {
        force_sig_bus(); // do_sigbus()
    } else if fault & VM_FAULT_SIGSEGV {
        force_sig_segv(); // bad_area_nosemaphore()
    } else {
        BUG_ON(true);
    }
}

// arch/x86/mm/fault.c. Protection keys (arch_vma_access_permitted() is true without
// pkeys: the model's VMAs have none), SGX and shadow stacks (X86_PF_SHSTK, VM_SHADOW_STACK)
// are not modelled. Called with the VMA's lock or mmap_lock held: vm_flags cannot change
// under it.
fn access_error(error_code, vma) source "arch/x86/mm/fault.c:access_error@v6.12" {
    if error_code & X86_PF_PK {
        return true;
    }
    if error_code & X86_PF_WRITE {
        // write, present and write, not present
        if !(vma->vm_flags & VM_WRITE) {
            return true;
        }
        return false;
    }
    // read, present
    if error_code & X86_PF_PROT {
        return true;
    }
    // read, not present
    if !vma_is_accessible(vma) {
        return true;
    }
    return false;
}

// arch/x86/include/asm/pgtable.h (the text unchanged since v5.10, as far as the 6.x headers
// read show; not pinned to 6.12)
fn pte_accessible(mm, a) source "arch/x86/include/asm/pgtable.h:pte_accessible@v6.12" {
    if pte_flags_present(a) {
        return true;
    }
    if pte_protnone(a) && atomic_read(&mm->tlb_flush_pending) != 0 {
        return true;
    }
    return false;
}

// `pte_flags(a) & _PAGE_PRESENT` (the hardware P bit, unlike pte_present())
fn pte_flags_present(a) source "arch/x86/include/asm/pgtable_types.h:_PAGE_PRESENT@v6.12" {
    return pte_present(a) && !pte_protnone(a);
}

// arch/x86/mm/pgtable.c: "Used to set accessed or dirty bits in the page table entries on
// other architectures. On x86, the accessed and dirty bits are tracked by hardware. However,
// do_wp_page calls this function to also make the pte writeable at the same time the dirty
// bit is set." A permission upgrade, so no TLB flush. (Text of research note 612-basics
// section 6.3, a pre-6.6 AOSP tree; not pinned to 6.12.)
fn ptep_set_access_flags(vma, address, ptep, entry, dirty) source "arch/x86/mm/pgtable.c:ptep_set_access_flags@v6.12" {
    let changed = !pte_same(*ptep, entry);
    if changed && dirty {
        // set_pte(ptep, entry)
        set_pte_at(vma->vm_mm, address, ptep, entry);
    }
    return changed;
}
