//! Constants the machine defines (x86 and the VMA flag bits it interprets). Kernel-only
//! constants (fault flags, return codes) live in the model files instead.

use super::value::{Value, pte_bits};

/// `vm_flags` bits, as in include/linux/mm.h of v5.10 (those only one model file uses, such
/// as fork.mmk's VM_DONTCOPY, are that file's constants).
pub mod vm {
    pub const VM_READ: u32 = 0x0000_0001;
    pub const VM_WRITE: u32 = 0x0000_0002;
    pub const VM_EXEC: u32 = 0x0000_0004;
    pub const VM_SHARED: u32 = 0x0000_0008;
    pub const VM_MAYREAD: u32 = 0x0000_0010;
    pub const VM_MAYWRITE: u32 = 0x0000_0020;
    pub const VM_MAYEXEC: u32 = 0x0000_0040;
    /// Set on every mapping that user space creates with mmap().
    pub const VM_MAY_ALL: u32 = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
    pub const VM_GROWSDOWN: u32 = 0x0000_0100;
    pub const VM_UFFD_MISSING: u32 = 0x0000_0200;
    pub const VM_PFNMAP: u32 = 0x0000_0400;
    pub const VM_UFFD_WP: u32 = 0x0000_1000;
    pub const VM_LOCKED: u32 = 0x0000_2000;
    pub const VM_IO: u32 = 0x0000_4000;
    pub const VM_DONTEXPAND: u32 = 0x0004_0000;
    pub const VM_ACCOUNT: u32 = 0x0010_0000;
    pub const VM_SOFTDIRTY: u32 = 0x0800_0000;
    pub const VM_MIXEDMAP: u32 = 0x1000_0000;
    /// MADV_HUGEPAGE marked this VMA (transparent huge pages in "madvise" mode).
    pub const VM_HUGEPAGE: u32 = 0x2000_0000;
    pub const VM_NOHUGEPAGE: u32 = 0x4000_0000;
    pub const VM_MERGEABLE: u32 = 0x8000_0000;
}

/// x86 protection_map[] for private and shared mappings (arch/x86/include/asm/pgtable_types.h
/// of v5.10). Every user pgprot there carries `_PAGE_ACCESSED` (PAGE_NONE is `___A|___G`,
/// and `_PAGE_PROTNONE` is `_PAGE_GLOBAL`), and `mk_pte()` keeps it: PTEs the kernel makes
/// are young.
pub fn vm_get_page_prot(flags: u32) -> u32 {
    let rwx = flags & (vm::VM_READ | vm::VM_WRITE | vm::VM_EXEC);
    if rwx == 0 {
        return PAGE_NONE;
    }
    // Private mappings get PAGE_COPY / PAGE_READONLY: never writable (COW).
    if flags & vm::VM_SHARED != 0 && flags & vm::VM_WRITE != 0 {
        PAGE_SHARED
    } else {
        PAGE_COPY
    }
}

/// The x86 user pgprots the model uses, as in v5.10 (PAGE_READONLY equals PAGE_COPY; the
/// NX and USER bits are not modelled).
const PAGE_NONE: u32 = pte_bits::PROTNONE | pte_bits::ACCESSED;
const PAGE_COPY: u32 = pte_bits::PRESENT | pte_bits::ACCESSED;
const PAGE_SHARED: u32 = pte_bits::PRESENT | pte_bits::WRITE | pte_bits::ACCESSED;

pub fn builtin(name: &str) -> Option<Value> {
    use vm::*;
    let v = match name {
        "VM_READ" => Value::Int(VM_READ as i64),
        "VM_WRITE" => Value::Int(VM_WRITE as i64),
        "VM_EXEC" => Value::Int(VM_EXEC as i64),
        "VM_SHARED" => Value::Int(VM_SHARED as i64),
        "VM_MAYREAD" => Value::Int(VM_MAYREAD as i64),
        "VM_MAYWRITE" => Value::Int(VM_MAYWRITE as i64),
        "VM_MAYEXEC" => Value::Int(VM_MAYEXEC as i64),
        "VM_GROWSDOWN" => Value::Int(VM_GROWSDOWN as i64),
        "VM_UFFD_MISSING" => Value::Int(VM_UFFD_MISSING as i64),
        "VM_UFFD_WP" => Value::Int(VM_UFFD_WP as i64),
        "VM_LOCKED" => Value::Int(VM_LOCKED as i64),
        "VM_SOFTDIRTY" => Value::Int(VM_SOFTDIRTY as i64),
        "VM_PFNMAP" => Value::Int(VM_PFNMAP as i64),
        "VM_IO" => Value::Int(VM_IO as i64),
        "VM_DONTEXPAND" => Value::Int(VM_DONTEXPAND as i64),
        "VM_ACCOUNT" => Value::Int(VM_ACCOUNT as i64),
        "VM_MIXEDMAP" => Value::Int(VM_MIXEDMAP as i64),
        "VM_MERGEABLE" => Value::Int(VM_MERGEABLE as i64),
        "VM_HUGEPAGE" => Value::Int(VM_HUGEPAGE as i64),
        "VM_NOHUGEPAGE" => Value::Int(VM_NOHUGEPAGE as i64),
        "PAGE_SIZE" => Value::Int(1),
        "PAGE_NONE" => Value::Prot(PAGE_NONE),
        "PAGE_READONLY" | "PAGE_COPY" => Value::Prot(PAGE_COPY),
        "PAGE_SHARED" => Value::Prot(PAGE_SHARED),
        _ => return None,
    };
    Some(v)
}
