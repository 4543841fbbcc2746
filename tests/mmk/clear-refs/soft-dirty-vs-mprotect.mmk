// Protects clear_refs_write()'s mmap_lock handling (v5.10.0): read lock, dropped for the
// write lock that clears VM_SOFTDIRTY, downgraded for the walk, released at the end. An
// mprotect() (write lock) racing it runs wholly before or after each section, and neither
// CPU returns to user space holding mmap_lock.
test "clear_refs soft-dirty and mprotect take mmap_lock in turn" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write softdirty;
    page P = 7;
    pte X -> P { write dirty accessed soft_dirty };
    cpu0 { clear_refs_write(CLEAR_REFS_SOFT_DIRTY); }
    cpu1 { mprotect(X, 1, PROT_READ); }
    expect safe;
}
