// TEMPORARY, while the files still at v5.10 are ported: v5.10's rmap entry points on top of
// 6.12's folio rmap. Deleted once no file calls them.
fn page_add_new_anon_rmap(page, vma, address) source "mmcheck: v5.10 name, 6.12 folio_add_new_anon_rmap() (temporary)" {
    folio_add_new_anon_rmap(page_folio(page), vma, address, RMAP_EXCLUSIVE);
}

fn page_add_anon_rmap(page, vma, address, compound) source "mmcheck: v5.10 name, 6.12 folio_add_anon_rmap_pte() (temporary)" {
    folio_add_anon_rmap_pte(page_folio(page), page, vma, address, RMAP_NONE);
}

fn page_remove_rmap(page) source "mmcheck: v5.10 name, 6.12 folio_remove_rmap_pte() (temporary)" {
    folio_remove_rmap_pte(page_folio(page), page, null);
}

fn __put_page(page) source "mmcheck: v5.10 name, 6.12 __folio_put() (temporary)" {
    __folio_put(page_folio(page));
}

fn lru_cache_add_inactive_or_unevictable(page, vma) source "mmcheck: v5.10 name, 6.12 folio_add_lru_vma() (temporary)" {
    folio_add_lru_vma(page_folio(page), vma);
}

fn lru_cache_add(page) source "mmcheck: v5.10 name, 6.12 folio_add_lru() (temporary)" {
    folio_add_lru(page_folio(page));
}
