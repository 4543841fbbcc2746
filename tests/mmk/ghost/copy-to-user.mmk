// A kernel store into user memory (copy_to_user(), a system call returning its result
// through a user pointer) is a store like any other: the lost-write ghost expects what it
// wrote, and it can be lost exactly as a user store can.

// A system call that writes its result to user memory with copy_to_user(): the uaccess
// runs on this CPU's TLB; if it would fault, the #PF handler maps the page and the copy is
// retried (the exception-table fixup of a kernel-mode fault on a user address).
fn put_result(addr, v) source "test helper: lib/usercopy.c:_copy_to_user@v5.10 with its #PF fixed by do_user_addr_fault()" {
    while !copy_to_user_inatomic(addr, v) {
        do_user_addr_fault(X86_PF_WRITE | X86_PF_USER, addr);
    }
    return 0;
}

test "a kernel store through a writable mapping" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write;
    page P = 7;
    pte X -> P { write dirty accessed };
    cpu0 { put_result(X, 5); }
    cpu1 { X += 1; }
    expect safe;
}

test "a kernel store that faults in a fresh page first" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write;
    cpu0 { put_result(X, 5); let v = *X; }
    expect safe;
}

// Scenario A of the uffd-wp corruption with CPU2's store made by the kernel: it goes
// through CPU2's stale writable entry into P after the COW fault copied P, and is lost.
test "a kernel store lost to the uffd unprotect / COW race (v5.10)" {
    kernel "linux-5.10";
    cpus 3;
    vma X: anon private read write uffd_wp;
    page P = 7 { extra_refs: 1 };
    pte X -> P { write dirty accessed };
    tlb cpu2: X -> P { write dirty };
    cpu0 { userfaultfd_writeprotect(X, 1, 0); }
    cpu1 { X = 8; }
    cpu2 { put_result(X, 9); }
    expect violation(lost_write);
}
