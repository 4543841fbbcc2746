// Andrea Arcangeli's "two_group_semaphore" (https://lore.kernel.org/r/X+JJqK91plkBVisG@redhat.com,
// not merged): uffd protect and unprotect are serialized against each other per uffd
// context (any number of either, never both), so an unprotect cannot remove the uffd-wp
// catcher bit while a protect's flush is still pending.
import "linux-5.10";

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
