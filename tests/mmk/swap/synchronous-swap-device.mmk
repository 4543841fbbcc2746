// A synchronous swap device (zram, pmem, brd): SWP_SYNCHRONOUS_IO set, so a fault on an
// entry only one PTE names reads it straight into a new page and skips the swap cache
// (0bcac06f27d7, v5.1).
override fn swp_synchronous_io() source "mmcheck: si->flags & SWP_SYNCHRONOUS_IO of a zram device, v5.10" {
    return true;
}
