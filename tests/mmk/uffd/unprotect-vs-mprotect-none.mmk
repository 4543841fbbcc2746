// Protects mmap_read_lock() in mwriteprotect_range() (v5.10): the new protection is computed
// from vma->vm_flags, which mprotect() changes under mmap_write_lock. Without the lock, an
// UFFDIO_WRITEPROTECT unprotect could compute it from the flags before an mprotect(PROT_NONE)
// and apply it after, leaving a readable PTE in a PROT_NONE VMA.
struct test_sync {
    done: int;
}
global sync: test_sync;

test "uffd unprotect racing mprotect(PROT_NONE): the PTE ends PROT_NONE" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { dirty accessed uffd_wp };
    cpu0 { unprotect_then_done(X); }
    cpu1 { mprotect(X, 1, 0); check_prot_none_after(X); }
    expect safe;
}

fn unprotect_then_done(addr) {
    userfaultfd_writeprotect(addr, 1, 0);
    sync.done = 1;
}

// Once both calls returned: the PTE of a PROT_NONE VMA grants no access.
fn check_prot_none_after(addr) {
    wait_until(sync.done != 0);
    let mm = current_mm();
    let ptep = pte_offset_map(mm, addr);
    let ptl = pte_lockptr(mm, ptep);
    spin_lock(ptl);
    let pte = *ptep;
    BUG_ON(pte_present(pte) && !pte_protnone(pte));
    spin_unlock(ptl);
}
