//! use_after_free as a state invariant: a present PTE naming a free frame, or a PMD entry
//! naming a freed PTE table. (Accesses to a free frame, a free page's struct page, a free
//! slab object or a freed table stop the step where they happen: x86::user_access,
//! x86::walk, x86::resolve, family::exec.)

use crate::explore::Violation;
use crate::machine::state::State;
use crate::machine::{Machine, trace};

impl Machine {
    /// A PTE that maps a freed frame. (Refcount and mapcount sanity is a kernel contract:
    /// the model tree declares it, `refcount` in linux-5.10.)
    pub(super) fn pte_maps_free_frame(&self, s: &State) -> Option<Violation> {
        let uaf = self.checks("use_after_free");
        if !uaf {
            return None;
        }
        // The kernel unlinks a table before it frees it: a PMD entry naming a freed (or
        // reused) table sends every later walk of its range into some other page.
        for (r, p) in s.pmds.iter().enumerate() {
            if let Some(leaf) = p.leaf()
                && !s
                    .frames
                    .get((leaf.pfn() as usize).wrapping_sub(1))
                    .is_some_and(|f| f.allocated)
            {
                return Some(Violation {
                    invariant: "use_after_free",
                    message: format!(
                        "the huge PMD entry of {} maps frame {}, which is free",
                        trace::pmd_name(self, r),
                        trace::pfn_name(self, leaf.pfn())
                    ),
                });
            }
            if let Some((t, g)) = p.table_of()
                && !s
                    .tables
                    .get(t)
                    .is_some_and(|x| x.allocated && x.generation == g)
            {
                return Some(Violation {
                    invariant: "use_after_free",
                    message: format!(
                        "the PMD entry of {} names PTE table {t}, which was freed",
                        trace::pmd_name(self, r)
                    ),
                });
            }
        }
        let entries = self.prog.scenario.layout.entries;
        for (i, p) in s.ptes.iter().enumerate() {
            if p.pfn() != 0
                && s.tables[i / entries].allocated
                // a present PTE, or a migration or device-private entry (the page it names
                // is still in use; a swap slot or a marker names no frame)
                && (p.hw_present()
                    || p.has(crate::ir::pte_bits::PROTNONE)
                    || p.entry_pfn().is_some())
            {
                let f = p.pfn() as usize - 1;
                if !s.frames.get(f).is_some_and(|fr| fr.allocated) {
                    return Some(Violation {
                        invariant: "use_after_free",
                        message: format!(
                            "PTE {} maps frame {}, which is free",
                            crate::machine::x86::entry_name(self, s, i),
                            trace::page_name(self, f)
                        ),
                    });
                }
            }
        }
        None
    }
}
