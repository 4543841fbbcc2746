// folio_try_dup_anon_rmap_pte() that never refuses: no early COW of a page the parent may have
// pinned, as before 70e806e4e645 ("mm: Do early cow for pinned pages during fork() for ptes",
// Peter Xu, v5.9), when fork shared every anonymous page with the child (a mutation restoring
// that behaviour in the 6.12 function, for the test). PageAnonExclusive is cleared as 6.12 does.
override fn folio_try_dup_anon_rmap_pte(folio, page, src_vma) source "include/linux/rmap.h:folio_try_dup_anon_rmap_pte@v6.12 without the maybe-pinned refusal (before 70e806e4e645)" {
    if PageAnonExclusive(page) {
        ClearPageAnonExclusive(page);
    }
    atomic_inc(&folio->_mapcount);
    return 0;
}
