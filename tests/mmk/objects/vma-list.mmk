// The VMAs are the model's struct vm_area_struct (models/linux-5.10/mm_types.mmk), linked
// from mm->mmap in address order by scenario_vma(); find_vma() (mmap.mmk) walks the list.
// vm_flags is guarded by the mm's mmap_lock: a store needs it for write.

test "the list holds the scenario's VMAs in address order and find_vma() finds each" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    vma Y[2]: anon private read;
    vma Z: anon private read write;
    cpu0 { walk(); }
    expect safe;
}

test "vm_flags written under mmap_lock held for read is lock_hygiene" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { flags_under_read_lock(); }
    expect violation(lock_hygiene);
}

fn walk() {
    let mm = current_mm();
    mmap_read_lock(mm);
    let n = 0;
    let end = 0;
    let vma = mm->mmap;
    while vma != null {
        assert(vma->vm_start == end && vma->vm_end > vma->vm_start && vma->vm_mm == mm);
        assert(find_vma(mm, vma->vm_start) == vma && find_vma(mm, vma->vm_end - 1) == vma);
        if vma->vm_next != null {
            assert(vma->vm_next->vm_prev == vma);
        }
        end = vma->vm_end;
        n += 1;
        vma = vma->vm_next;
    }
    assert(n == 3 && end == 4 && find_vma(mm, 4) == null);
    // vm_page_prot follows vm_flags: Y is read-only
    assert(!pgprot_write(find_vma(mm, 1)->vm_page_prot));
    mmap_read_unlock(mm);
}

fn flags_under_read_lock() {
    let mm = current_mm();
    mmap_read_lock(mm);
    let vma = find_vma(mm, 0);
    vma->vm_flags = vma->vm_flags & ~VM_WRITE;
    mmap_read_unlock(mm);
}
