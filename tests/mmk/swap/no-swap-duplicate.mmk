// swap_duplicate() that takes no reference: what copy_nonpresent_pte() would do if it
// copied a swap entry like a plain value (mmcheck: a mutation, not a kernel version).
override fn swap_duplicate(entry) source "mm/swapfile.c:swap_duplicate@v5.10, taking no reference (mmcheck: a mutation)" {
    return 0;
}
