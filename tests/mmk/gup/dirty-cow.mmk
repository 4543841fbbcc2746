// A FOLL_FORCE write into a read-only private mapping (ptrace, /proc/pid/mem: mem_rw() ->
// access_remote_vm() with FOLL_FORCE | FOLL_WRITE) racing MADV_DONTNEED of the address:
// CVE-2016-5195, "Dirty COW". The write fault breaks COW (a private copy, mapped read-only
// and dirty); if the copy is zapped before GUP looks again, v5.10 (FOLL_COW since
// 19be0eaffa3a) still asks for a writable or COWed-and-dirty PTE, faults again and writes a
// fresh copy. v4.8 took whatever the retry found as a read: the zero page the read fault
// mapped, and the write landed in it, for every address that maps the zero page to see.

test "a FOLL_FORCE write racing MADV_DONTNEED writes a private copy (v5.10)" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 4;
    vma X: anon private read;
    vma Y: anon private read;
    pte X -> zero { };
    pte Y -> zero { };
    cpu0 { proc_mem_write(X, 100); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect safe;
}

test "v4.8 (before 19be0eaffa3a): the write lands in the zero page" {
    kernel "linux-5.10";
    import "dirty-cow-v4.8.mmk";
    invariants: lost_write, use_after_free, stale_tlb, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    frames 4;
    vma X: anon private read;
    vma Y: anon private read;
    pte X -> zero { };
    pte Y -> zero { };
    cpu0 { proc_mem_write(X, 100); }
    cpu1 { madvise(X, 1, MADV_DONTNEED); }
    expect violation(lost_write);
}

// The debugger's write: __access_remote_vm() for one word of the current mm (a test driver:
// get_user_pages_remote() is get_user_pages_unlocked() here, and copy_to_user_page() the
// kernel's store into the page it got, which the lost-write ghost expects at addr).
fn proc_mem_write(addr, v) source "mmcheck: a test driver, mm/memory.c:__access_remote_vm@v5.10 with FOLL_FORCE | FOLL_WRITE" {
    let page = null;
    if get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE | FOLL_FORCE) == 1 {
        dma_add(page, v, current_mm(), addr);
        put_page(page);
    }
}
