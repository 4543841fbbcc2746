//! Output: race diagrams in kernel commit-message style, and replay tokens. This layer sees
//! only a `Trace` (plain data).

pub mod diagram;
pub mod token;
