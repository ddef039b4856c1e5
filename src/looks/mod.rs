//! What the user picks: colours, products (a counter's catalog) and looks (a set of layers).
//!
//! Looks and catalogs are TOML files people edit by hand, so every problem is reported with the
//! file, the line and what is wrong, and nothing panics.

pub mod catalog;
pub mod color;
pub mod look;

pub use catalog::{Catalog, Product};
pub use color::Srgb;
pub use look::{Finish, Look};

use std::path::PathBuf;

/// A problem in a look or catalog file.
#[derive(Debug, thiserror::Error)]
pub enum LookError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A syntax or value problem at a known line.
    #[error("{path}:{line}: {message}")]
    Invalid { path: PathBuf, line: usize, message: String },
    /// A name that is neither a file nor a bundled look.
    #[error("no look named `{name}` (bundled looks: {known})")]
    UnknownLook { name: String, known: String },
}

/// The item of `all` whose name is `s` (any case), or a message listing the names: how
/// finishes and categories are read from the command line.
pub(crate) fn by_name<T: Copy>(all: &[T], name: fn(T) -> &'static str, what: &str, s: &str) -> Result<T, String> {
    all.iter().copied().find(|x| name(*x).eq_ignore_ascii_case(s)).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
        format!("unknown {what} `{s}` ({})", names.join(", "))
    })
}

/// 1-based line of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Turns a TOML parse error into [`LookError::Invalid`] with its line.
pub(crate) fn toml_error(path: &std::path::Path, text: &str, e: toml::de::Error) -> LookError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    let message = e.message().trim().to_string();
    LookError::Invalid { path: path.to_path_buf(), line, message }
}
