//! mmcheck: an executable model of Linux's page-table concurrency protocol, and a model
//! checker that explores every interleaving of it.
//!
//! Layers, each behind a narrow seam:
//! - `lang`: the modelling language (files → `ir::Program`);
//! - `ir`: the lowered program, shared by the front end and the machine;
//! - `machine`: x86 hardware and kernel primitives; implements `explore::Model`;
//! - `explore`: model checkers, generic over `Model`;
//! - `report`: race diagrams and replay tokens, from a plain `Trace`;
//! - `mutate`: mutation testing of models against a test directory.

pub mod cli;
pub mod explore;
pub mod ir;
pub mod lang;
pub mod machine;
pub mod mutate;
pub mod report;
