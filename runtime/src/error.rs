//! The runtime's library error: an opaque [`Error`] with a kind and a
//! message saying where the problem came from.

use std::fmt;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The compiled machine is inconsistent or unreadable.
    Machine,
    /// A session log is unreadable or belongs to another machine.
    Log,
    /// A script or golden conversation is unreadable.
    Script,
    /// The demo store's data is unreadable.
    Store,
    /// Replaying a log gave a different result.
    Divergence,
}

/// A runtime error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: String) -> Error {
        Error { kind, message }
    }

    pub(crate) fn machine(message: String) -> Error {
        Error::new(ErrorKind::Machine, message)
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
