// Stack growth as of v5.10 (mm/mmap.c, !CONFIG_STACK_GROWSUP, as x86 builds it), opt-in:
// a fault below a VM_GROWSDOWN VMA (do_user_addr_fault()) moves its vm_start down under
// mmap_lock held for read. The base tree's expand_stack() stops with a model error instead,
// so that tests without stacks keep vm_start constant (machine/constants.rs).

// struct vm_area_struct as models/linux-5.10/mm_types.mmk declares it, but for vm_start:
// stack growth moves it under mmap_lock held for read and mm->page_table_lock, so no single
// lock guards it.
struct vm_area_struct source "include/linux/mm_types.h:struct vm_area_struct@v5.10" {
    vm_start: int;
    vm_end: int guarded_by vm_mm->mmap_lock;
    vm_next: handle guarded_by vm_mm->mmap_lock;
    vm_prev: handle guarded_by vm_mm->mmap_lock;
    vm_mm: handle stable;
    vm_page_prot: pgprot_t guarded_by vm_mm->mmap_lock;
    vm_flags: int guarded_by vm_mm->mmap_lock;
    vm_pgoff: int guarded_by vm_mm->mmap_lock;
    anon_vma: handle guarded_by vm_mm->mmap_lock;
}

// mm/mmap.c: stack_guard_gap = 256UL<<PAGE_SHIFT (in pages here)
const STACK_GUARD_GAP = 256;

override fn expand_stack(vma, address) source "mm/mmap.c:expand_stack@v5.10" {
    return expand_downwards(vma, address);
}

// Under mmap_lock held for READ: vm_start moves under mm->page_table_lock ("we reuse
// mm->page_table_lock to guard against concurrent vma expansions"). stack_guard_gap is its
// default, 256 pages. Left out: mmap_min_addr (every address here is above it), the anon_vma (anon_vma_prepare() and its lock, which
// makes the check and the growth one section: page_table_lock, taken before the check, does here),
// acct_stack_growth()'s rlimit checks (they pass), vm_pgoff, the locked_vm and statistics
// updates, vma_gap_update(), khugepaged.
fn expand_downwards(vma, address) source "mm/mmap.c:expand_downwards@v5.10" {
    let mm = vma->vm_mm;
    let error = 0;
    // Enforce stack_guard_gap
    let prev = vma->vm_prev;
    if prev != null && (prev->vm_flags & VM_GROWSDOWN) == 0 && vma_is_accessible(prev) {
        if address - prev->vm_end < STACK_GUARD_GAP {
            return -ENOMEM;
        }
    }
    // anon_vma_lock_write(vma->anon_vma): the kernel checks and grows under it, so two
    // faults growing the same stack under mmap_lock held for read take turns. The anon_vma
    // is not modelled here; page_table_lock, taken before the check, stands for both locks.
    // mutate: equivalent(delete-lock-pair) not observable here: two growths that interleave can only leave vm_start above a page the lower fault has mapped, and every later access reaches that page through its PTE without a VMA lookup; only a zap of the stack could tell (it would miss the PTE below vm_start), and no test tears down a stack (tests/mmk/fault/stack-growth.mmk runs the two growths)
    spin_lock(&mm->page_table_lock);
    // Somebody else might have raced and expanded it already.
    if address < vma->vm_start {
        vma->vm_start = address;
    }
    spin_unlock(&mm->page_table_lock);
    return error;
}
