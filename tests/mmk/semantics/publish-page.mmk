// A page this CPU allocated is its own until it publishes it: mapped by a PTE, or stored
// where another CPU can find it (a handle in shared memory, as the swap cache's xarray
// holds pages that no PTE maps yet). After the store, the other CPU's reference to it is
// an ordinary reference, not a use of a page another CPU still has to itself.

struct page_holder {
    page: handle;
}

global holder: page_holder;

fn publish_new_page() source "mmcheck: a test driver: a new page stored in a shared handle" {
    let page = alloc_page();
    holder.page = page;
}

fn take_published_page() source "mmcheck: a test driver: a reference to the page a shared handle names" {
    let page = holder.page;
    if page != null {
        get_page(page);
        put_page(page);
    }
}

test "a page stored in shared memory is published" {
    kernel "linux-5.10";
    invariants: use_after_free, refcount, model_error;
    cpus 2;
    frames 2;
    vma X: anon private read write;
    cpu0 { publish_new_page(); }
    cpu1 { take_published_page(); }
    expect safe;
}
