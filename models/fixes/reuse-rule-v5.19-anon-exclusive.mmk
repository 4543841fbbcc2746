// The reuse rule of v5.19 (PageAnonExclusive, 6c287605fd56 series, David Hildenbrand):
// an exclusive anonymous page is reused without looking at its refcount; otherwise the
// refcount rules of v5.9+ apply. Written from the v5.19-era series (the v5.19 text itself
// is not in the stored sources); lru_add_drain() of non-LRU pages, KSM and swap are not
// modelled. The 6ce64428d620 flush, which v5.19 also has, is left out to test the rule alone.
import "linux-5.10";

// include/linux/page-flags.h@v5.19: PG_anon_exclusive = PG_mappedtodisk (bit 17 in the
// v5.19 enum pageflags; which bit it is does not matter to these paths, only that it
// shares the flags word with PG_locked).
const PG_anon_exclusive = 17;

fn PageAnonExclusive(page) source "include/linux/page-flags.h:PageAnonExclusive@v5.19" {
    return test_bit(PG_anon_exclusive, &page->flags);
}

fn SetPageAnonExclusive(page) source "include/linux/page-flags.h:SetPageAnonExclusive@v5.19" {
    set_bit(PG_anon_exclusive, &page->flags);
}

fn ClearPageAnonExclusive(page) source "include/linux/page-flags.h:ClearPageAnonExclusive@v5.19" {
    clear_bit(PG_anon_exclusive, &page->flags);
}

// A scenario page may start exclusive (`page P { exclusive: 1 }`).
override fn scenario_page(page, mappings, extra_refs, exclusive) source "mmcheck: scenario set-up for v5.19's PageAnonExclusive" {
    set_page_count(page, mappings + extra_refs);
    page->mmcheck_extra_refs = extra_refs;
    atomic_set(&page->_mapcount, mappings - 1);
    page->mapping = PAGE_MAPPING_ANON;
    if exclusive {
        SetPageAnonExclusive(page);
    }
}

// v5.19's __page_set_anon_rmap(page, vma, address, exclusive) sets PG_anon_exclusive for
// a new anonymous page (page_add_new_anon_rmap() passes exclusive = 1).
override fn __page_set_anon_rmap(page, vma, address, exclusive) source "mm/rmap.c:__page_set_anon_rmap@v5.19" {
    page->mapping = PAGE_MAPPING_ANON;
    if exclusive {
        SetPageAnonExclusive(page);
    }
}

override fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v5.19 (reuse rule only)" {
    let vma = vmf->vma;
    if userfaultfd_pte_wp(vma, *vmf->pte) {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return handle_userfault(vmf, VM_UFFD_WP);
    }
    assume_tlb_coherent(vma, vmf->address);
    vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
    if vmf->page != null && PageAnon(vmf->page) {
        let page = vmf->page;
        // "If the page is exclusive to this process we must reuse the page without
        // further checks."
        if PageAnonExclusive(page) {
            wp_page_reuse(vmf);
            return VM_FAULT_WRITE;
        }
        if page_count(page) > 1 {
            return do_wp_page_copy(vmf);
        }
        if !trylock_page(page) {
            return do_wp_page_copy(vmf);
        }
        if page_count(page) != 1 {
            unlock_page(page);
            return do_wp_page_copy(vmf);
        }
        // page_move_anon_rmap(): the page becomes exclusive
        unlock_page(page);
        wp_page_reuse(vmf);
        return VM_FAULT_WRITE;
    }
    if vmf->page == null {
        pte_unmap_unlock(vmf->pte, vmf->ptl);
        return wp_page_copy(vmf);
    }
    return do_wp_page_copy(vmf);
}
