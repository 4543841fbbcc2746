//! Output: race diagrams in kernel commit-message style, replay tokens and the shell
//! commands that replay them. This layer sees only a `Trace` (plain data).

pub mod diagram;
pub mod shell;
pub mod token;
