// Mutation (not a historical kernel): vma_start_read() without its second check, the one made
// under the VMA's read lock. 6.12's comment: "The function should never yield false unlocked
// result. ... False unlocked result is impossible because we modify and check
// vma->vm_lock_seq under vma->vm_lock protection and mm->mm_lock_seq modification
// invalidates all existing locks." vma_start_write() takes vm_lock only to set vm_lock_seq and
// drops it at once: the VMA stays write-locked through the sequence numbers, not through
// vm_lock. A fault that passed the lockless first check before mprotect() write-locked the
// VMA then takes the free vm_lock, runs on the VMA while mprotect() changes it, and installs
// a writable PTE after mprotect(PROT_READ) has returned.
import "vma-lock-drivers.mmk";

override fn vma_start_read(vma) source "include/linux/mm.h:vma_start_read@v6.12 (mutation: no recheck under vm_lock)" {
    if vma->vm_lock_seq == vma->vm_mm->mm_lock_seq {
        return false;
    }
    if !down_read_trylock(&vma->vm_lock) {
        return false;
    }
    return true;
}

test "vma_start_read() without its recheck: a fault runs on a VMA mprotect() has write-locked" {
    kernel "linux-6.12";
    invariants: all - sigsegv;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 8; }
    cpu1 { mprotect_readonly(X); check_not_writable(X, 1); }
    expect violation(assertion);
}

test "vma_start_read() without its recheck, racing the tree's mprotect()" {
    kernel "linux-6.12";
    invariants: all - sigsegv;
    cpus 2;
    vma X: anon private read write;
    cpu0 { X = 8; }
    cpu1 { mprotect(X, 1, PROT_READ); check_not_writable(X, 1); }
    expect violation(assertion);
}
