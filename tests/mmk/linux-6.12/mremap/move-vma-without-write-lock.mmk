// Not a test: move_vma() without the vma_start_write(vma) of the VMA it moves from, the code
// before d6ac235de4ba ("mm/mremap: write-lock VMA while remapping it to a new address range",
// Suren Baghdasaryan, v6.4-rc1, in the CONFIG_PER_VMA_LOCK series): under mmap_lock alone, a
// fault holding the old VMA's read lock (lock_vma_under_rcu()) runs while the PTEs move, and
// maps a page in the old range behind move_page_tables(), which do_vmi_munmap() then throws
// away with the range. The rest is 6.12's text (mremap.mmk).
override fn move_vma(vma, old_addr, old_len, new_len, new_addr, flags) source "mm/mremap.c:move_vma@v6.12 without d6ac235de4ba's vma_start_write()" {
    let mm = vma->vm_mm;
    let err = 0;
    let need_rmap_locks = false;
    // (no vma_start_write(vma) here)
    let new_pgoff = vma->vm_pgoff + (old_addr - vma->vm_start);
    let new_vma = copy_vma(&vma, new_addr, new_len, new_pgoff, &need_rmap_locks);
    if new_vma == null {
        return -ENOMEM;
    }
    let moved_len = move_page_tables(vma, old_addr, new_vma, new_addr, old_len, need_rmap_locks, false);
    ghost_discard_done(mm, old_addr, old_addr + old_len);
    if moved_len < old_len {
        err = -ENOMEM;
    }
    if err != 0 {
        move_page_tables(new_vma, new_addr, vma, old_addr, moved_len, true, false);
        ghost_discard_done(mm, new_addr, new_addr + moved_len);
        vma = new_vma;
        old_len = new_len;
        old_addr = new_addr;
        new_addr = err;
    }
    if err == 0 && (flags & MREMAP_DONTUNMAP) != 0 {
        vm_flags_clear(vma, VM_LOCKED_MASK);
        if new_vma != vma && vma->vm_start == old_addr && vma->vm_end == old_addr + old_len {
            unlink_anon_vmas(vma);
        }
        return new_addr;
    }
    do_vmi_munmap(mm, old_addr, old_len, false);
    return new_addr;
}
