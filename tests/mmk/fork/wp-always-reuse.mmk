// do_wp_page() that reuses the page whatever its count (a bug, for the test): a write fault
// on a page another process still maps makes it writable in place.
override fn do_wp_page(vmf) source "mm/memory.c:do_wp_page@v5.10 without the reuse checks (a bug, for the test)" {
    vmf->page = vm_normal_page(vmf->vma, vmf->address, vmf->orig_pte);
    wp_page_reuse(vmf);
    return VM_FAULT_WRITE;
}
