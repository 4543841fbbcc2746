// The linux-6.12 model tree: Linux 6.12.y, the long-term release, as the Xilinx/linux-xlnx
// vendor tree carries it in early 2025 (mm/memory.c, mm/rmap.c and include/linux/pgtable.h
// at acc8f948e4aa, include/linux/mm.h at ee6c677ef318), with include/linux/mmap_lock.h and
// include/linux/mm_types.h pinned to 6.12.y by blob hash, and x86's arch/x86/mm/tlb.c at
// 6.12.40. This is the 6.12.y before eb449bd96954 ("mm: convert mm_lock_seq to a proper
// seqcount", backported late in 6.12.y): mm->mm_lock_seq is an int here. Configuration:
// x86-64, CONFIG_PER_VMA_LOCK, CONFIG_MMU_GATHER_RCU_TABLE_FREE, CONFIG_PTE_MARKER_UFFD_WP,
// CONFIG_NUMA_BALANCING, SMP. Folios are order-0 (page.mmk), the VMA tree is a sorted list
// standing in for the maple tree (mm_types.mmk; its two list primitives keep their v5.10
// source), and the anon_vma is a token (page.mmk). Where no copy pinned to 6.12.y could be
// read, a function's comment says which text it follows.
//
// This file: kernel constants (include/linux/mm_types.h enum fault_flag and enum
// vm_fault_reason, read at 6.12.y; include/linux/mm.h; include/uapi/linux/userfaultfd.h).
// (VM_* flag bits, PAGE_SIZE and the pgprot values are built into the machine.)

// The invariants a test of this tree checks unless it chooses (`invariants: SET;`): all of
// them. stale_tlb is the v4.13+ contract: a flush deferred past the PTL is advertised in
// mm->tlb_flush_pending (since 99baac21e458, "mm: fix MADV_[FREE|DONTNEED] TLB flush miss
// problem", tlb_gather_mmu() raises it too). A tree of an older kernel states
// `invariants default: all - stale_tlb;` instead.
invariants default: all;

// include/linux/mm.h: enum fault_flag
const FAULT_FLAG_WRITE = 0x01;
const FAULT_FLAG_MKWRITE = 0x02;
const FAULT_FLAG_ALLOW_RETRY = 0x04;
const FAULT_FLAG_RETRY_NOWAIT = 0x08;
const FAULT_FLAG_KILLABLE = 0x10;
const FAULT_FLAG_TRIED = 0x20;
const FAULT_FLAG_USER = 0x40;
const FAULT_FLAG_REMOTE = 0x80;
const FAULT_FLAG_INSTRUCTION = 0x100;
const FAULT_FLAG_INTERRUPTIBLE = 0x200;
const FAULT_FLAG_UNSHARE = 0x400;
const FAULT_FLAG_ORIG_PTE_VALID = 0x800;
const FAULT_FLAG_VMA_LOCK = 0x1000;
const FAULT_FLAG_DEFAULT = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_INTERRUPTIBLE;

// include/linux/mm_types.h: enum vm_fault_reason
const VM_FAULT_OOM = 0x000001;
const VM_FAULT_SIGBUS = 0x000002;
const VM_FAULT_MAJOR = 0x000004;
const VM_FAULT_WRITE = 0x000008;
const VM_FAULT_HWPOISON = 0x000010;
const VM_FAULT_HWPOISON_LARGE = 0x000020;
const VM_FAULT_SIGSEGV = 0x000040;
const VM_FAULT_NOPAGE = 0x000100;
const VM_FAULT_LOCKED = 0x000200;
const VM_FAULT_RETRY = 0x000400;
const VM_FAULT_FALLBACK = 0x000800;
const VM_FAULT_DONE_COW = 0x001000;
const VM_FAULT_NEEDDSYNC = 0x002000;
// "->fault did not return a page, but the page fault was completed with the mmap lock
// released" (6.0+)
const VM_FAULT_COMPLETED = 0x004000;
const VM_FAULT_ERROR = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE | VM_FAULT_FALLBACK;

// include/linux/mm.h@v6.12: VM_* flags the machine does not build in
const VM_LOCKONFAULT = 0x00080000;

// include/linux/mm.h@v6.12: change_protection() flags (MM_CP_TRY_CHANGE_WRITABLE and
// MM_CP_UFFD_WP_ALL are in mprotect.mmk)
const MM_CP_PROT_NUMA = 0x2;
const MM_CP_UFFD_WP = 0x4;
const MM_CP_UFFD_WP_RESOLVE = 0x8;

// arch/x86/include/asm/traps.h: enum x86_pf_error_code
const X86_PF_PROT = 0x1;
const X86_PF_WRITE = 0x2;
const X86_PF_USER = 0x4;
const X86_PF_RSVD = 0x8;
const X86_PF_INSTR = 0x10;
const X86_PF_PK = 0x20;

// include/uapi/linux/userfaultfd.h
const UFFDIO_WRITEPROTECT_MODE_WP = 0x1;
const UFFDIO_WRITEPROTECT_MODE_DONTWAKE = 0x2;

// include/uapi/asm-generic/mman-common.h
const PROT_READ = 0x1;
const PROT_WRITE = 0x2;
const PROT_EXEC = 0x4;

// arch/x86/include/asm/pgtable_64_types.h: a PTE table maps PTRS_PER_PTE pages, a PMD
// entry's range (addresses count pages here: PMD_SIZE is in pages)
const PTRS_PER_PTE = 512;
const PMD_SIZE = 512;
const PMD_MASK = ~511;

// include/uapi/asm-generic/errno-base.h
const ENOENT = 2;
const EAGAIN = 11;
const ENOMEM = 12;
const EFAULT = 14;
const EBUSY = 16;
const EMLINK = 31;
const EINVAL = 22;
const EACCES = 13;

// include/linux/mm.h: struct vm_fault (the fields these paths use)
struct vm_fault {
    vma,
    address,
    flags,
    pmd,
    pte,
    ptl,
    orig_pte,
    page,
}
