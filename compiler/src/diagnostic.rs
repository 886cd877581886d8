//! Diagnostics: problems found in the policy or catalog, as plain data with spans.
//!
//! Every stage appends to a list instead of stopping at the first problem.
//! Rendering (ariadne, JSON) happens only at the edge, in the CLI.

use crate::source::Span;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The machine may not run: compilation fails.
    Error,
    /// Worth a reviewer's look; `--deny warnings` turns it into a failure.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable diagnostic code and its kebab-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    /// `K0101`: stable across releases, safe to grep for and to suppress.
    pub id: &'static str,
    /// `unrecognised-sentence`: the defect in words.
    pub name: &'static str,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id, self.name)
    }
}

/// The codes the front end reports. Verifier codes live with their checks.
pub mod codes {
    use super::Code;

    /// Front matter that is not `key: value`, or an unknown key.
    pub const BAD_FRONT_MATTER: Code = Code {
        id: "K0100",
        name: "bad-front-matter",
    };
    /// A sentence no extraction rule understands.
    pub const UNRECOGNISED_SENTENCE: Code = Code {
        id: "K0101",
        name: "unrecognised-sentence",
    };
    /// A bare literal whose subject cannot be inferred.
    pub const UNKNOWN_SUBJECT: Code = Code {
        id: "K0102",
        name: "unknown-subject",
    };
    /// A bare literal that several enum fields could be about.
    pub const AMBIGUOUS_SUBJECT: Code = Code {
        id: "K0103",
        name: "ambiguous-subject",
    };
    /// `@tool` not in the catalog.
    pub const UNKNOWN_TOOL: Code = Code {
        id: "K0104",
        name: "unknown-tool",
    };
    /// `#Policy` not among the compiled policies.
    pub const UNKNOWN_POLICY: Code = Code {
        id: "K0105",
        name: "unknown-policy",
    };
    /// A tool argument that nothing in scope can supply.
    pub const UNBOUND_ARGUMENT: Code = Code {
        id: "K0106",
        name: "unbound-argument",
    };
    /// A condition with no earlier step it could be about.
    pub const DANGLING_CONDITION: Code = Code {
        id: "K0107",
        name: "dangling-condition",
    };
    /// `$var` or `$var.field` that is not known.
    pub const UNKNOWN_VARIABLE: Code = Code {
        id: "K0108",
        name: "unknown-variable",
    };
    /// A malformed catalog.
    pub const BAD_CATALOG: Code = Code {
        id: "K0109",
        name: "bad-catalog",
    };
    /// One step names several tools and no rule says which runs when.
    pub const SEVERAL_TOOLS: Code = Code {
        id: "K0110",
        name: "several-tools",
    };
    /// Two compiled policies with one name.
    pub const DUPLICATE_POLICY: Code = Code {
        id: "K0111",
        name: "duplicate-policy",
    };
    /// A reference to a section that the policy does not have.
    pub const UNKNOWN_SECTION: Code = Code {
        id: "K0112",
        name: "unknown-section",
    };
    /// A literal that is not in the domain of the field it is compared with.
    pub const LITERAL_NOT_IN_DOMAIN: Code = Code {
        id: "K0113",
        name: "literal-not-in-domain",
    };
    /// A policy with no steps.
    pub const EMPTY_POLICY: Code = Code {
        id: "K0114",
        name: "empty-policy",
    };
    /// An LLM's answer (in the lock file) that does not fit the statement
    /// shape or the catalog: an unknown tool, a literal outside its domain.
    pub const INVALID_LLM_STATEMENT: Code = Code {
        id: "K0115",
        name: "invalid-llm-statement",
    };
    /// A lock-file entry no sentence uses any more (edited or removed).
    pub const STALE_LOCK_ENTRY: Code = Code {
        id: "K0116",
        name: "stale-lock-entry",
    };
    /// A `trigger:` naming an event the catalog does not declare.
    pub const UNKNOWN_EVENT: Code = Code {
        id: "K0117",
        name: "unknown-event",
    };
    /// A `trigger:` that cannot be read (its shape or its condition).
    pub const BAD_TRIGGER: Code = Code {
        id: "K0118",
        name: "bad-trigger",
    };
    /// Words of a sentence that no rule read and no statement carries
    /// (a condition inside an action, `… only if they have the receipt`).
    pub const UNREAD_WORDS: Code = Code {
        id: "K0119",
        name: "unread-words",
    };
    /// A condition that two or more earlier questions or checks could
    /// equally well be about (`If they decline` after two questions): keel
    /// names them rather than pick the nearer one.
    pub const AMBIGUOUS_ANCHOR: Code = Code {
        id: "K0123",
        name: "ambiguous-anchor",
    };
    /// An entry of the `Answers` section keel cannot use: no topic it
    /// could match a question to, or a tool or value in fixed text.
    pub const BAD_ANSWER: Code = Code {
        id: "K0130",
        name: "bad-answer",
    };
}

/// One problem, with the place it came from and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code and name.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where (absent only for problems with no text behind them).
    pub span: Option<Span>,
    /// A one-line fix hint.
    pub hint: Option<String>,
    /// Further remarks, optionally pointing elsewhere.
    pub notes: Vec<(Option<Span>, String)>,
}

impl Diagnostic {
    /// An error with `code` and `message`.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: None,
            hint: None,
            notes: Vec::new(),
        }
    }

    /// A warning with `code` and `message`.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Attaches the span at fault.
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Attaches a fix hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a note, optionally pointing at another span.
    pub fn note(mut self, span: Option<Span>, note: impl Into<String>) -> Self {
        self.notes.push((span, note.into()));
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by place, then code, so output never depends on the
/// order in which stages happened to find them.
pub(crate) fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|left, right| {
        let left_key = (left.span, left.code, &left.message);
        let right_key = (right.span, right.code, &right.message);
        left_key.cmp(&right_key)
    });
}
