// Malformed on purpose: the model dereferences NULL at run time, after its first step.
// mmcheck reports it as a model error with its location and the steps that led there,
// exit 2.
test "NULL dereference in a model" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty };
    cpu0 { broken(X); }
    expect safe;
}

fn broken(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, addr + 100);
    let flags = vma->vm_flags;
    mmap_read_unlock(mm);
}
