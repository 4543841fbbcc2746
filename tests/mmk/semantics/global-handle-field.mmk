// A store to a handle field of a global (`g.f = v`) is a step another CPU's load of the
// field depends on, like an int field's: the reduced search must run the load after the
// store too. (The static footprints once left handle and pgprot words out of what a plain
// store may touch, so the reduction took the load as independent of it and never ran it
// second: a false SAFE. The differential tests run this file with and without reduction.)

struct handle_holder {
    mm: handle;
    prot: pgprot_t;
}

global holder: handle_holder;

fn publish_mm() source "mmcheck: a test driver: a handle stored in a global's field" {
    holder.mm = current_mm();
}

fn see_no_mm() source "mmcheck: a test driver: a global's handle field read" {
    BUG_ON(holder.mm != null);
}

test "a store to a global's handle field is seen by a later load" {
    kernel "linux-5.10";
    invariants: assertion, model_error;
    cpus 2;
    vma X: anon private read write;
    cpu0 { publish_mm(); }
    cpu1 { see_no_mm(); }
    expect violation(assertion);
}
