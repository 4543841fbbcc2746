// The first fault of a VMA mmap() has just created finds no anon_vma. Under the per-VMA lock
// it may not set one up alone ("__anon_vma_prepare() will look at adjacent VMAs to determine
// if this VMA can share its anon_vma, and that's not safe to do with only the per-VMA lock
// held for this VMA"): __vmf_anon_prepare() tries mmap_read_trylock(), and if a writer holds
// mmap_lock it returns VM_FAULT_RETRY; vmf_anon_prepare() then drops the VMA lock, and
// do_user_addr_fault() retries under mmap_lock (lock_mm_and_find_vma()). Here CPU1 holds
// mmap_lock for write (an mprotect() of another VMA, which write-locks only that one) while
// CPU0's store faults into the new VMA.
import "vma-lock-drivers.mmk";

test "a fault that finds no anon_vma under the VMA lock retries under mmap_lock" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    hole Y at 600;
    cpu0 { mmap(Y, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED); Y = 8; }
    cpu1 { mprotect_readonly(X); }
    expect safe;
}
