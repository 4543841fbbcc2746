//! The modelling language: lexing, parsing, import/override resolution and lowering to the
//! bytecode of `crate::ir`.

pub mod ast;
pub mod compile;
pub mod lexer;
pub mod loader;
pub mod parser;
pub mod source;

pub use loader::{LoadOptions, Loaded, load_file};
pub use source::{Diag, SourceMap, Span};

#[cfg(test)]
mod tests;
