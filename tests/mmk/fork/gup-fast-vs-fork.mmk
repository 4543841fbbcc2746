// GUP-fast pins a page while fork() write-protects it (57efa1fe5957, "mm/gup: prevent
// gup_fast from racing with COW during fork", v5.11-rc1, backported to v5.10.4).
//
// A driver thread pins X for write with pin_user_pages_fast(), for a device to write into
// by DMA; another thread of the process forks. Since 70e806e4e645, fork copies a page the
// parent may have pinned at once instead of sharing it write-protected, so that the pin
// keeps naming the page the parent maps. But fork checks "pinned?" (copy_present_page())
// before it write-protects the parent's PTE, and GUP-fast checks "writable?" before it
// pins, and neither takes a lock the other holds: both checks pass, the child shares the
// pinned page, the parent's PTE is read-only, and the parent's next write copies it away
// from the pin. The device's DMA then lands in a page only the child maps: the parent never
// sees it (lost_write on the parent's X).
//
// The fix wraps fork's page-table copy in the write side of mm->write_protect_seq and has
// GUP-fast give up (and take the slow path, which waits for fork's mmap_lock) when its walk
// overlapped one.

import "../gup/gup-test-helpers.mmk";

test "v5.10: a GUP-fast pin racing fork's write-protect leaves the DMA in the child's page" {
    kernel "linux-5.10";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { fork_mm(); X += 1; }
    cpu1 { pin_for_dma(X, 100); }
    expect violation(lost_write);
}

test "with 57efa1fe5957 the pin either comes before fork's check or takes the slow path" {
    kernel "linux-5.10";
    import "fixes/57efa1fe5957-gup-fast-fork-seqcount.mmk";
    invariants: lost_write, use_after_free, deadlock, lock_hygiene, refcount, page_leak, model_error;
    cpus 2;
    mms 2;
    tables 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { fork_mm(); X += 1; }
    cpu1 { pin_for_dma(X, 100); }
    expect safe;
}

