// x86 parts of the v5.10 fault path and page-table helpers.

// arch/x86/mm/fault.c: the entry of every user page fault (from exc_page_fault).
// The machine calls it with the hardware error code and the faulting address; when it
// returns, the user instruction is retried.
fn do_user_addr_fault(hw_error_code, address) source "arch/x86/mm/fault.c:do_user_addr_fault@v5.10" {
    let mm = current_mm();
    let flags = FAULT_FLAG_DEFAULT;
    // Every modelled fault comes from user mode.
    flags = flags | FAULT_FLAG_USER;
    if hw_error_code & X86_PF_WRITE {
        flags = flags | FAULT_FLAG_WRITE;
    }
    if !mmap_read_trylock(mm) {
        mmap_read_lock(mm);
    }
    while true {
        let vma = find_vma(mm, address);
        if vma == null {
            // bad_area(): __bad_area() drops mmap_lock, then SIGSEGV
            mmap_read_unlock(mm);
            force_sig_segv();
            return;
        }
        if vma->vm_start > address {
            // a gap below the VMA: a stack grows into it, anything else is bad_area()
            if (vma->vm_flags & VM_GROWSDOWN) == 0 || expand_stack(vma, address) != 0 {
                mmap_read_unlock(mm);
                force_sig_segv();
                return;
            }
        }
        // good_area:
        if access_error(hw_error_code, vma) {
            // bad_area_access_error()
            mmap_read_unlock(mm);
            force_sig_segv();
            return;
        }
        let fault = handle_mm_fault(vma, address, flags);
        if (fault & VM_FAULT_RETRY) && (flags & FAULT_FLAG_ALLOW_RETRY) {
            // mmap_lock was dropped by whoever returned VM_FAULT_RETRY; goto retry
            flags = flags | FAULT_FLAG_TRIED;
            mmap_read_lock(mm);
            continue;
        }
        mmap_read_unlock(mm);
        if fault & VM_FAULT_ERROR {
            mm_fault_error(fault);
        }
        return;
    }
}

// arch/x86/mm/fault.c: the signal a failed user fault gets. Kernel-mode faults (fixups,
// oops) are not modelled: every modelled fault comes from user mode.
fn mm_fault_error(fault) source "arch/x86/mm/fault.c:mm_fault_error@v5.10" {
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

// arch/x86/mm/fault.c (protection keys are not modelled)
fn access_error(error_code, vma) source "arch/x86/mm/fault.c:access_error@v5.10" {
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

// arch/x86/include/asm/pgtable.h
fn pte_accessible(mm, a) source "arch/x86/include/asm/pgtable.h:pte_accessible@v5.10" {
    if pte_flags_present(a) {
        return true;
    }
    if pte_protnone(a) && mm_tlb_flush_pending(mm) {
        return true;
    }
    return false;
}

// `pte_flags(a) & _PAGE_PRESENT` (the hardware P bit, unlike pte_present())
fn pte_flags_present(a) source "arch/x86/include/asm/pgtable_types.h:_PAGE_PRESENT@v5.10" {
    return pte_present(a) && !pte_protnone(a);
}

// arch/x86/mm/pgtable.c: a permission upgrade, so no TLB flush.
fn ptep_set_access_flags(vma, address, ptep, entry, dirty) source "arch/x86/mm/pgtable.c:ptep_set_access_flags@v5.10" {
    let changed = !pte_same(*ptep, entry);
    if changed && dirty {
        // set_pte(ptep, entry)
        set_pte_at(vma->vm_mm, address, ptep, entry);
    }
    return changed;
}
