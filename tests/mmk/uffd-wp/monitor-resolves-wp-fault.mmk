// A write to a uffd write-protected page sleeps in handle_userfault() until the monitor
// reads the fault and unprotects the page; the retried store then completes. Safe, and no
// CPU is left waiting: this exercises the uffd queue, schedule() and the wake.
test "a uffd monitor resolves a write-protect fault" {
    kernel "linux-5.10";
    cpus 2;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { dirty uffd_wp };
    cpu0 {
        let addr = userfaultfd_read();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    cpu1 { X += 1; }
    expect safe;
}
