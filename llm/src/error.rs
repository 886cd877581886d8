//! The client's error: an opaque [`Error`] with a [`ErrorKind`] and a
//! message for people.

use std::fmt;

/// Why a chat completion gave no usable answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

/// The kinds of failure; callers fall back to the rules on every one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No LLM is configured, or the configuration is invalid.
    Config,
    /// The server could not be reached.
    Connect,
    /// No answer within the timeout.
    Timeout,
    /// The server answered with an error status (after the retries).
    Status,
    /// The reply is not a chat completion, was cut short, or its content
    /// does not match the schema.
    Invalid,
}

impl Error {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// What kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
