// The userfaultfd queues are model code (models/linux-5.10/userfaultfd.mmk). A fault asleep
// in handle_userfault() while its message is queued is an idle end (the monitor may be
// outside the scenario); a wake that takes its message away but forgets to wake it leaves
// it asleep with nobody to wake it: a deadlock (a lost wakeup).
test "a fault waiting for an absent monitor is an idle end" {
    kernel "linux-5.10";
    cpus 1;
    vma X: anon private read write uffd_wp;
    page P = 7;
    pte X -> P { dirty uffd_wp };
    cpu0 { X += 1; }
    expect safe;
}

test "a wake that dequeues the message without waking the task is a lost wakeup" {
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
    expect violation(deadlock);
}

// mutation: wake_userfault() without wake_up_process()
override fn wake_userfault(start, len) source "test: wake_userfault@v5.10 without the wake-up" {
    let ctx = &uffd_ctx;
    atomic {
        spin_lock(&ctx->fault_pending_wqh_lock);
        let t = 0;
        while t < nr_cpu_ids() {
            let queued = (ctx->pending | ctx->read) & (1 << t);
            if queued && ctx->address[t] >= start && ctx->address[t] < start + len {
                uffd_unqueue(ctx, t);
                clear_idle(t);
            }
            t += 1;
        }
        spin_unlock(&ctx->fault_pending_wqh_lock);
    }
}
