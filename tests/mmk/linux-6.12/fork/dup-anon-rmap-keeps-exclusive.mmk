// folio_try_dup_anon_rmap_pte() that leaves PageAnonExclusive set on a page fork shares with
// the child (a mutation of the anon-exclusive rule of 6c287605fd56, "mm: remember exclusively
// mapped anonymous pages with PG_anon_exclusive", v5.19, for the test): the pinned-page check
// and the mapcount are as in models/linux-6.12/page.mmk, only the ClearPageAnonExclusive() is
// gone, so parent and child both map an "exclusive" page.
override fn folio_try_dup_anon_rmap_pte(folio, page, src_vma) source "include/linux/rmap.h:folio_try_dup_anon_rmap_pte@v6.12 without ClearPageAnonExclusive() (a mutation, for the test)" {
    let maybe_pinned = folio_needs_cow_for_dma(src_vma, folio);
    if maybe_pinned {
        if PageAnonExclusive(page) {
            return -EBUSY;
        }
    }
    atomic_inc(&folio->_mapcount);
    return 0;
}
