// The 6.12 fault under the per-VMA lock (do_user_addr_fault() -> lock_vma_under_rcu() ->
// handle_mm_fault(FAULT_FLAG_VMA_LOCK)) racing mprotect(PROT_READ), which write-locks the VMA
// (vma_start_write()). A fault that took the VMA's read lock first is waited for
// (vma_start_write()'s down_write()), and its PTE is then write-protected; a fault that comes
// after fails vma_start_read() (vm_lock_seq == mm_lock_seq until mmap_write_unlock()), falls
// back to lock_mm_and_find_vma() and mmap_lock, and sees VM_WRITE gone (SIGSEGV, which these
// tests allow). Either way, once mprotect() returns no PTE of the VMA is writable
// (check_not_writable()), and no store is lost.
import "vma-lock-drivers.mmk";

test "a write fault on an empty PTE under the VMA lock racing mprotect(PROT_READ)" {
    kernel "linux-6.12";
    invariants: all - sigsegv;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 8; }
    cpu1 { mprotect_readonly(X); check_not_writable(X, 1); }
    expect safe;
}

// A COW page mapped twice (as after fork's copy, here both mappings in one VMA): two write
// faults copy it, each under the VMA's read lock (two readers), racing the VMA write lock.
test "two COW faults on one page under the VMA lock racing mprotect(PROT_READ)" {
    kernel "linux-6.12";
    invariants: all - sigsegv;
    cpus 3;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty accessed };
    pte X[1] -> P { dirty accessed };
    cpu0 { X[0] = 8; }
    cpu1 { X[1] = 9; }
    cpu2 { mprotect_readonly(X); check_not_writable(X, 2); }
    expect safe;
}

// The two races again with the tree's own mprotect() (mm/mprotect.c: do_mprotect_pkey() ->
// mprotect_fixup() -> vma_start_write(), change_protection() under an mmu_gather) in place of
// the driver.
test "a write fault on an empty PTE under the VMA lock racing the tree's mprotect(PROT_READ)" {
    kernel "linux-6.12";
    invariants: all - sigsegv;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 8; }
    cpu1 { mprotect(X, 1, PROT_READ); check_not_writable(X, 1); }
    expect safe;
}

test "two COW faults on one page under the VMA lock racing the tree's mprotect(PROT_READ)" {
    kernel "linux-6.12";
    invariants: all - sigsegv;
    cpus 3;
    vma X[2]: anon private read write;
    page P = 7;
    pte X[0] -> P { dirty accessed };
    pte X[1] -> P { dirty accessed };
    cpu0 { X[0] = 8; }
    cpu1 { X[1] = 9; }
    cpu2 { mprotect(X, 2, PROT_READ); check_not_writable(X, 2); }
    expect safe;
}

// The fallback to mmap_lock: both faults start after mprotect() has write-locked the VMA and
// before it is done, so vma_start_read() refuses them; they wait for mmap_lock and find the
// VMA read-only. Forcing the order (the store comes after a flag the writer raises) checks
// that this path ends in SIGSEGV, not in a store that lands.
test "a write fault refused by the VMA lock falls back to mmap_lock and sees the new flags" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    cpu0 { wait_for_writer(); X = 8; }
    cpu1 { mprotect_readonly_signalling(X); }
    expect violation(sigsegv);
    expect no violation(lost_write);
    expect no violation(assertion);
}

struct writer_flag { started: int; }
global writer: writer_flag;

fn wait_for_writer() {
    wait_until(writer.started == 1);
}

// mprotect_readonly() that raises writer.started once the VMA is write-locked.
fn mprotect_readonly_signalling(addr) {
    let mm = current_mm();
    mmap_write_lock(mm);
    let vma = find_vma(mm, addr);
    vma_start_write(vma);
    writer.started = 1;
    vma->vm_flags = vma->vm_flags & ~VM_WRITE;
    vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
    mmap_write_unlock(mm);
}

// access_error() under the VMA lock: a store to a read-only VMA is refused with the VMA's read
// lock held; bad_area_access_error(..., NULL, vma) -> __bad_area() releases it
// (vma_end_read()) before the signal, while another CPU reads the VMA's page.
test "a store to a read-only VMA is SIGSEGV under the VMA lock, which is released" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read;
    page P = 7 { exclusive: 1 };
    pte X -> P { dirty accessed };
    cpu0 { X = 8; }
    cpu1 { let v = *X; }
    expect violation(sigsegv);
    expect no violation(lock_hygiene);
    expect no violation(lost_write);
}
