//! The hardware of x86-64 (DESIGN.md section 5): the MMU, the page tables and the TLBs. A checker never sees
//! these; the machine calls them for user accesses, kernel accesses to user memory, flushes
//! and the hardware's own TLB events.

mod mmu;
mod pgtable;
mod tlb;

pub use mmu::*;
pub use pgtable::*;
pub use tlb::*;
