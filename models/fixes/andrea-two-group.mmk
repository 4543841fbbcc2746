// Andrea Arcangeli's "two_group_semaphore" (https://lore.kernel.org/r/X+JJqK91plkBVisG@redhat.com,
// not merged): uffd protect and unprotect are serialized against each other per uffd
// context (any number of either, never both), so an unprotect cannot remove the uffd-wp
// catcher bit while a protect's flush is still pending.
//
// The semaphore is this file's own object: two counts under a spinlock. A caller whose
// opposite group is inside drops the lock and sleeps until that group is empty
// (`wait_until`, the shape of wait_event()), then retakes the lock and checks again.
// Left out: the wait queue itself (the wake-up is the condition becoming true) and the
// per-context instance (the model has one uffd context, so one global).
import "linux-5.10";

struct uffd_wp_two_groups source "lore: X+JJqK91plkBVisG@redhat.com (two_group_semaphore)" {
    lock: spinlock_t;       // serializes entries, so two groups never both get in
    protect: atomic_t;      // group 0: UFFDIO_WRITEPROTECT_MODE_WP callers inside
    unprotect: atomic_t;    // group 1: callers removing the protection
}
global uffd_wp_groups: uffd_wp_two_groups;

fn uffd_wp_group_enter(group) source "lore: X+JJqK91plkBVisG@redhat.com (two_group_semaphore down)" {
    spin_lock(&uffd_wp_groups.lock);
    if group == 0 {
        while atomic_read(&uffd_wp_groups.unprotect) != 0 {
            spin_unlock(&uffd_wp_groups.lock);
            wait_until(atomic_read(&uffd_wp_groups.unprotect) == 0);
            spin_lock(&uffd_wp_groups.lock);
        }
        atomic_inc(&uffd_wp_groups.protect);
    } else {
        while atomic_read(&uffd_wp_groups.protect) != 0 {
            spin_unlock(&uffd_wp_groups.lock);
            wait_until(atomic_read(&uffd_wp_groups.protect) == 0);
            spin_lock(&uffd_wp_groups.lock);
        }
        atomic_inc(&uffd_wp_groups.unprotect);
    }
    spin_unlock(&uffd_wp_groups.lock);
}

// Leaving needs no lock: only entries must be serialized against each other.
fn uffd_wp_group_exit(group) source "lore: X+JJqK91plkBVisG@redhat.com (two_group_semaphore up)" {
    if group == 0 {
        BUG_ON(atomic_add_return(-1, &uffd_wp_groups.protect) < 0);
    } else {
        BUG_ON(atomic_add_return(-1, &uffd_wp_groups.unprotect) < 0);
    }
}

override fn userfaultfd_writeprotect(start, len, mode) source "fs/userfaultfd.c:userfaultfd_writeprotect@v5.10 + aarcange two_group_semaphore" {
    if mode & ~(UFFDIO_WRITEPROTECT_MODE_DONTWAKE | UFFDIO_WRITEPROTECT_MODE_WP) {
        return -EINVAL;
    }
    let mode_wp = mode & UFFDIO_WRITEPROTECT_MODE_WP;
    let mode_dontwake = mode & UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
    if mode_wp && mode_dontwake {
        return -EINVAL;
    }
    let group = 1;
    if mode_wp {
        group = 0;
    }
    uffd_wp_group_enter(group);
    let ret = mwriteprotect_range(current_mm(), start, len, mode_wp);
    uffd_wp_group_exit(group);
    if ret {
        return ret;
    }
    if !mode_wp && !mode_dontwake {
        wake_userfault(start, len);
    }
    return ret;
}
