// A toy kernel for `tests/mutate.rs`: a counter under a spinlock and a reference count that
// nothing checks. `mmcheck mutate` must kill the mutant that drops the lock (the invariant
// `counted` sees the lost update) and let the deleted put survive (nothing reads `refs`).

struct mm_struct source "toy: the mm the machine needs for VMAs" {
    mmap: handle stable;
}

struct vm_area_struct source "toy: a VMA" {
    vm_start: int stable;
    vm_end: int stable;
    vm_next: handle stable;
    vm_prev: handle stable;
    vm_mm: handle stable;
    vm_page_prot: pgprot_t;
    vm_flags: int;
}

fn scenario_vma(vma, mm, start, end, flags, prev) source "mmcheck: toy set-up" {
    vma->vm_start = start;
    vma->vm_end = end;
    vma->vm_mm = mm;
    vma->vm_prev = prev;
    if prev == null {
        mm->mmap = vma;
    } else {
        prev->vm_next = vma;
    }
    vma->vm_flags = flags;
}

fn do_user_addr_fault(error_code, address) source "toy: no faults" {
    force_sig_segv();
}

struct counter source "toy: a counter" {
    lock: spinlock_t;
    n: int;
    refs: atomic_t;
}
global obj: counter;

fn get_page(p) source "toy: a reference" {
    atomic_inc(&obj.refs);
}

fn put_page(p) source "toy: a reference dropped" {
    atomic_dec(&obj.refs);
}

fn inc() source "toy: one increment" {
    spin_lock(&obj.lock);
    let v = obj.n;
    obj.n = v + 1;
    spin_unlock(&obj.lock);
    // mutate: equivalent(delete-get) nothing in the toy reads refs
    get_page(null);
    put_page(null);
}

invariant counted at end "both increments land" {
    obj.n == 2
}
