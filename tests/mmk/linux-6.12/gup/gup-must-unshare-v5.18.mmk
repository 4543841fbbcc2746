// GUP before a7f226604170 ("mm/gup: trigger FAULT_FLAG_UNSHARE when R/O-pinning a possibly
// shared anonymous page", David Hildenbrand, v5.19-rc1): no read-only pin ever asked for
// unsharing, so GUP-fast and follow_page_pte() pinned whatever page the PTE mapped, shared
// with another process or not (v5.9 to v5.18, after a308c71bf1e6 reverted the
// COW-breaking of every GUP of 17839856fd58). gup_must_unshare() came with the fix; here it
// says "never", which is what every caller did before.
override fn gup_must_unshare(vma, flags, page) source "mm/internal.h:gup_must_unshare (absent before a7f226604170, v5.18)" {
    return false;
}
