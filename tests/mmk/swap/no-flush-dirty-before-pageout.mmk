// Reclaim as if try_to_unmap_flush_dirty() were not there: the deferred flush of a dirty
// PTE waits for try_to_unmap_flush() at the end of shrink_page_list(), after pageout() has
// written the page to swap and __remove_mapping() has dropped it from the swap cache. The
// race d950c9477d51 ("mm: defer flush of writable TLB entries", v4.3) closes with the flush
// before pageout().

override fn try_to_unmap_flush_dirty() source "mm/rmap.c:try_to_unmap_flush_dirty@v5.10, with its flush removed (mmcheck: the race of d950c9477d51)" {
}
