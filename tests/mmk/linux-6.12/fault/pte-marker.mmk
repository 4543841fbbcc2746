// PTE markers (v5.19+) reach the fault through do_swap_page() (a non-present, non-swap entry)
// -> handle_pte_marker(). A uffd-wp marker (left by UFFDIO_WRITEPROTECT on a none PTE with
// UFFD_FEATURE_WP_UNPOPULATED) is a missing page that must come back write-protected:
// pte_marker_handle_uffd_wp() -> do_pte_missing() -> do_anonymous_page(), whose PTE inherits
// the uffd-wp bit (vmf_orig_pte_uffd_wp()) and is read-only. A marker left in a VMA no longer
// registered for uffd-wp is cleared (pte_marker_clear()) and the access retried. A poison
// marker is VM_FAULT_HWPOISON: SIGBUS.

test "two read faults on a uffd-wp marker map the zero page write-protected" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write uffd_wp;
    pte X -> marker { uffd_wp };
    cpu0 { let v = *X; check_uffd_wp(X); }
    cpu1 { let w = *X; }
    expect safe;
}

// A store to a uffd-wp marker: the first fault maps a new page write-protected, with the
// uffd-wp bit (x86's pte_mkuffd_wp() clears RW since 6.3), so the retried store takes a write
// fault into do_wp_page() -> handle_userfault(VM_UFFD_WP) (which drops the VMA lock:
// VM_FAULT_RETRY) and sleeps until the monitor unprotects the page. The store completes only
// after the monitor has taken the message (monitor.unprotecting), and the page it landed in
// was zero until then.
test "a store to a uffd-wp marker waits for the monitor" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write uffd_wp;
    pte X -> marker { uffd_wp };
    cpu0 { X = 8; check_monitor_unprotecting(); }
    cpu1 {
        let addr = userfaultfd_read();
        let v = *X;
        check_zero(v);
        set_monitor_unprotecting();
        userfaultfd_writeprotect(addr, 1, 0);
    }
    expect safe;
}

struct monitor_state { unprotecting: int; }
global monitor: monitor_state;

fn set_monitor_unprotecting() {
    monitor.unprotecting = 1;
}

fn check_monitor_unprotecting() {
    BUG_ON(monitor.unprotecting == 0);
}

test "a leftover uffd-wp marker outside uffd-wp is cleared, and a store and a read fault the page in" {
    kernel "linux-6.12";
    cpus 2;
    vma X: anon private read write;
    pte X -> marker { uffd_wp };
    cpu0 { X = 8; }
    cpu1 { let v = *X; }
    expect safe;
}

test "a store to a poisoned marker is SIGBUS" {
    kernel "linux-6.12";
    cpus 1;
    vma X: anon private read write;
    pte X -> marker { poisoned };
    cpu0 { X = 8; }
    expect violation(sigbus);
}

// After the read, X maps a page through a PTE that is uffd-wp protected and read-only.
fn check_uffd_wp(addr) {
    let mm = current_mm();
    mmap_read_lock(mm);
    let ptl = null;
    let pte = pte_offset_map_lock(mm, pmd_offset(mm, addr), addr, &ptl);
    BUG_ON(!pte_present(*pte) || !pte_uffd_wp(*pte) || pte_write(*pte));
    pte_unmap_unlock(pte, ptl);
    mmap_read_unlock(mm);
}

fn check_zero(v) {
    BUG_ON(v != 0);
}
