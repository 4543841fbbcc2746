//! Livelock: a reachable state from which no run can end (DESIGN.md section 7). A run ends
//! where no program step is enabled (every program finished, or stuck: the model's end-of-run
//! checks judge which), or at a step that broke an invariant and stopped the machine. A state
//! from which no such state is reachable has a CPU that can never finish, whatever the
//! scheduler does. Deciding it needs the whole explored graph, so it is done after an
//! exhaustive search, by one backward pass from the states where runs end.

/// The explored graph: successors per node, nodes numbered in discovery (breadth-first) order.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Node n's successors are `targets[starts[n]..starts[n + 1]]`.
    starts: Vec<u64>,
    targets: Vec<u32>,
    /// Nodes where a run ends.
    ends: Vec<bool>,
}

impl Default for Graph {
    fn default() -> Self {
        Graph {
            starts: vec![0],
            targets: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl Graph {
    /// Records the successors of the next node (nodes are added in number order).
    pub fn add(&mut self, succs: impl IntoIterator<Item = u32>, ends_here: bool) {
        self.targets.extend(succs);
        self.starts.push(self.targets.len() as u64);
        self.ends.push(ends_here);
    }

    /// Nodes recorded so far.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes held (for memory limits).
    pub fn bytes(&self) -> u64 {
        (self.starts.capacity() * 8 + self.targets.capacity() * 4 + self.ends.capacity()) as u64
    }

    /// The lowest-numbered node (so the shallowest, in breadth-first numbering) from which no
    /// run can end, if any. Every node must have been added (an exhaustive search).
    pub fn first_that_never_ends(&self) -> Option<u32> {
        let n = self.ends.len();
        // Predecessor lists, as a second compressed table built from the in-degrees.
        let mut pstart = vec![0u64; n + 1];
        for &t in &self.targets {
            if (t as usize) < n {
                pstart[t as usize + 1] += 1;
            }
        }
        for i in 0..n {
            pstart[i + 1] += pstart[i];
        }
        let mut fill = pstart.clone();
        let mut preds = vec![0u32; pstart[n] as usize];
        for from in 0..n {
            for &t in &self.targets[self.starts[from] as usize..self.starts[from + 1] as usize] {
                if (t as usize) < n {
                    preds[fill[t as usize] as usize] = from as u32;
                    fill[t as usize] += 1;
                }
            }
        }
        drop(fill);
        // Backward search from every node where a run ends.
        let mut can_end = self.ends.clone();
        let mut stack: Vec<u32> = (0..n as u32).filter(|&i| can_end[i as usize]).collect();
        while let Some(v) = stack.pop() {
            let v = v as usize;
            for &p in &preds[pstart[v] as usize..pstart[v + 1] as usize] {
                if !can_end[p as usize] {
                    can_end[p as usize] = true;
                    stack.push(p);
                }
            }
        }
        can_end.iter().position(|&c| !c).map(|i| i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::Graph;

    #[test]
    fn a_cycle_with_no_way_out_is_found_and_the_shallowest_node_named() {
        // 0 -> 1 -> end(3); 0 -> 2 <-> 4 (no way out)
        let mut g = Graph::default();
        g.add([1, 2], false);
        g.add([3], false);
        g.add([4], false);
        g.add([], true);
        g.add([2], false);
        assert_eq!(g.first_that_never_ends(), Some(2));
    }

    #[test]
    fn a_cycle_that_can_leave_is_not_a_livelock() {
        // 0 <-> 1, 1 -> 2 (end)
        let mut g = Graph::default();
        g.add([1], false);
        g.add([0, 2], false);
        g.add([], true);
        assert_eq!(g.first_that_never_ends(), None);
    }

    #[test]
    fn no_end_at_all_names_the_initial_state() {
        let mut g = Graph::default();
        g.add([1], false);
        g.add([0], false);
        assert_eq!(g.first_that_never_ends(), Some(0));
    }
}
