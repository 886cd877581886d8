//! The document tree: what the author wrote, with spans, before any meaning.

use crate::source::{SourceId, Span};

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The source the document came from.
    pub source: SourceId,
    /// `key: value` entries of the front matter, in written order.
    pub front_matter: Vec<FrontMatterEntry>,
    /// The outline's top-level items.
    pub items: Vec<Item>,
}

impl Document {
    /// The value of a front matter key, if present.
    pub fn front_matter_value(&self, key: &str) -> Option<&FrontMatterEntry> {
        self.front_matter.iter().find(|entry| entry.key == key)
    }
}

/// One `key: value` line of front matter.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontMatterEntry {
    /// The key.
    pub key: String,
    /// The raw value, trimmed.
    pub value: String,
    /// The whole line.
    pub span: Span,
}

impl FrontMatterEntry {
    /// The value as a list: `[a, b]` or `a, b` or a single scalar; quotes removed.
    pub fn values(&self) -> Vec<String> {
        let inner = self
            .value
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']');
        inner
            .split(',')
            .map(|part| {
                part.trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string()
            })
            .filter(|part| !part.is_empty())
            .collect()
    }

    /// The value as one scalar with quotes removed.
    pub fn scalar(&self) -> String {
        self.value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_string()
    }
}

/// How an item was marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// `1.`, `2)`, `3.2.`
    Number,
    /// `a.`, `b)`
    Letter,
    /// `-`, `*`, `•`
    Bullet(char),
    /// No marker: a paragraph or a heading line.
    Paragraph,
    /// `#` … `######`: a Markdown heading of that level. It holds the items
    /// after it, up to the next heading of the same or a higher level.
    Heading(u8),
}

/// An outline item: its own text and its sub-items.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// How the item was marked.
    pub marker: MarkerKind,
    /// The marker as written (`3.`, `f.`, `•`), empty for paragraphs.
    pub marker_text: String,
    /// The step label, such as `3.f` or `5.2`, unique within the document.
    pub label: String,
    /// The item's text, wrapped lines joined by a space.
    pub text: Vec<Inline>,
    /// From the marker to the end of the last line of the item's own text.
    pub span: Span,
    /// Nested items.
    pub children: Vec<Item>,
}

impl Item {
    /// The item's text as written, pieces joined (spaces normalised).
    pub fn plain_text(&self) -> String {
        plain_text(&self.text)
    }
}

/// The text of inline pieces, with runs of spaces collapsed.
pub fn plain_text(pieces: &[Inline]) -> String {
    let mut out = String::new();
    for piece in pieces {
        match &piece.kind {
            InlineKind::Space => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            other => out.push_str(&other.to_text()),
        }
    }
    out.trim_end().to_string()
}

/// One inline piece of item text.
#[derive(Clone, Debug, PartialEq)]
pub struct Inline {
    /// What the piece is.
    pub kind: InlineKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of inline pieces.
#[derive(Clone, Debug, PartialEq)]
pub enum InlineKind {
    /// A word, as written.
    Word(String),
    /// A number such as `10`, `15%` or `3.5`.
    Number(String),
    /// Any other character.
    Symbol(char),
    /// Whitespace (including a joined line break).
    Space,
    /// `@tool` with optional written arguments.
    Tool {
        /// The tool's name.
        name: String,
        /// Arguments written in parentheses, if any.
        args: Vec<ToolArg>,
    },
    /// `#Policy_name`.
    Policy(String),
    /// `$name.field`: the dotted path.
    Var(Vec<String>),
    /// A quoted literal, quotes removed.
    Literal(String),
}

impl InlineKind {
    /// The piece written back as text.
    pub fn to_text(&self) -> String {
        match self {
            InlineKind::Word(word) | InlineKind::Number(word) => word.clone(),
            InlineKind::Symbol(symbol) => symbol.to_string(),
            InlineKind::Space => " ".to_string(),
            InlineKind::Tool { name, args } => {
                if args.is_empty() {
                    format!("@{name}")
                } else {
                    let written: Vec<String> = args
                        .iter()
                        .map(|arg| format!("{}: {}", arg.name, arg.value.to_text()))
                        .collect();
                    format!("@{name}({})", written.join(", "))
                }
            }
            InlineKind::Policy(name) => format!("#{name}"),
            InlineKind::Var(path) => format!("${}", path.join(".")),
            InlineKind::Literal(text) => format!("\"{text}\""),
        }
    }
}

/// An argument written in a tool reference: `order_id: str`.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolArg {
    /// The argument's name.
    pub name: String,
    /// What was written for it.
    pub value: ArgValue,
    /// Where.
    pub span: Span,
}

/// What an author can write for a tool argument.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// A type (`str`, `email`): the value comes from the context.
    Type(String),
    /// `$var.field`.
    Var(Vec<String>),
    /// `"literal"`.
    Literal(String),
    /// `10`.
    Number(String),
}

impl ArgValue {
    /// Written back as text.
    pub fn to_text(&self) -> String {
        match self {
            ArgValue::Type(name) | ArgValue::Number(name) => name.clone(),
            ArgValue::Var(path) => format!("${}", path.join(".")),
            ArgValue::Literal(text) => format!("\"{text}\""),
        }
    }
}

impl Document {
    /// A stable, readable listing of the outline for snapshot tests:
    /// one item per line, indented by depth, with its step label.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for entry in &self.front_matter {
            out.push_str(&format!("front matter {}: {}\n", entry.key, entry.value));
        }
        for item in &self.items {
            dump_item(item, 0, &mut out);
        }
        out
    }
}

fn dump_item(item: &Item, depth: usize, out: &mut String) {
    let kind = match item.marker {
        MarkerKind::Number => "number",
        MarkerKind::Letter => "letter",
        MarkerKind::Bullet(_) => "bullet",
        MarkerKind::Paragraph => "paragraph",
        MarkerKind::Heading(_) => "heading",
    };
    out.push_str(&format!(
        "{}{} ({kind}) {}\n",
        "  ".repeat(depth),
        item.label,
        item.plain_text()
    ));
    let references: Vec<String> = item
        .text
        .iter()
        .filter(|piece| {
            matches!(
                piece.kind,
                InlineKind::Tool { .. }
                    | InlineKind::Policy(_)
                    | InlineKind::Var(_)
                    | InlineKind::Literal(_)
            )
        })
        .map(|piece| piece.kind.to_text())
        .collect();
    if !references.is_empty() {
        out.push_str(&format!(
            "{}  refs: {}\n",
            "  ".repeat(depth),
            references.join(" ")
        ));
    }
    for child in &item.children {
        dump_item(child, depth + 1, out);
    }
}
