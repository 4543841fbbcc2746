// Reachability of vma-lock-anon-vma-retry.mmk's path: the same scenario with
// __vmf_anon_prepare() stopping (BUG_ON) where it returns VM_FAULT_RETRY. The violation shows
// that some interleaving takes the retry, so the safe verdict there covers it.
import "vma-lock-drivers.mmk";

override fn __vmf_anon_prepare(vmf) source "mm/memory.c:__vmf_anon_prepare@v6.12 (stops at VM_FAULT_RETRY)" {
    let vma = vmf->vma;
    let ret = 0;
    if vma->anon_vma != null {
        return 0;
    }
    if vmf->flags & FAULT_FLAG_VMA_LOCK {
        if !mmap_read_trylock(vma->vm_mm) {
            BUG_ON(true); // reached: return VM_FAULT_RETRY
            return VM_FAULT_RETRY;
        }
    }
    if anon_vma_prepare(vma) != 0 {
        ret = VM_FAULT_OOM;
    }
    if vmf->flags & FAULT_FLAG_VMA_LOCK {
        mmap_read_unlock(vma->vm_mm);
    }
    return ret;
}

test "the anon_vma retry is reached" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    hole Y at 600;
    cpu0 { mmap(Y, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED); Y = 8; }
    cpu1 { mprotect_readonly(X); }
    expect violation(assertion);
}
