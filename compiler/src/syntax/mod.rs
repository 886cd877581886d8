//! Text → [`Document`]: the pest grammar, then the outline.
//!
//! pest's `Pairs`, `Pair` and `Rule` never leave this module: [`parse`] turns
//! them at once into owned, span-carrying lines, and [`outline`] nests those
//! lines into items.

mod ast;
mod grammar;
mod outline;

pub use ast::{
    ArgValue, Document, FrontMatterEntry, Inline, InlineKind, Item, MarkerKind, ToolArg, plain_text,
};

use crate::diagnostic::{Diagnostic, codes};
use crate::source::{SourceId, Span};
use grammar::{PolicyParser, Rule};
use pest::Parser;
use pest::iterators::Pair;

/// Front matter keys keel understands.
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "policy", "title", "when", "channels", "catalog", "imports", "trigger",
];

/// Parses a policy text. Parsing never fails: the grammar is total, and
/// problems (such as unknown front matter keys) come back as diagnostics.
pub fn parse(source: SourceId, text: &str) -> (Document, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut front_matter = Vec::new();
    let mut lines = Vec::new();
    match PolicyParser::parse(Rule::document, text) {
        Ok(mut pairs) => {
            let document = pairs.next();
            for pair in document.into_iter().flat_map(|pair| pair.into_inner()) {
                match pair.as_rule() {
                    Rule::front_matter => {
                        read_front_matter(source, pair, &mut front_matter, &mut diagnostics)
                    }
                    Rule::item_line => lines.push(read_line(source, pair)),
                    Rule::blank_line => lines.push(outline::Line::blank()),
                    _ => {}
                }
            }
        }
        Err(error) => {
            // The grammar accepts every text; this is a defensive fallback.
            let (start, end) = match error.location {
                pest::error::InputLocation::Pos(position) => (position, position),
                pest::error::InputLocation::Span((start, end)) => (start, end),
            };
            diagnostics.push(
                Diagnostic::error(
                    codes::UNRECOGNISED_SENTENCE,
                    "the policy text could not be read",
                )
                .at(Span::new(source, start, end)),
            );
        }
    }
    let items = outline::nest(source, lines);
    (
        Document {
            source,
            front_matter,
            items,
        },
        diagnostics,
    )
}

fn span_of(source: SourceId, span: pest::Span<'_>) -> Span {
    Span::new(source, span.start(), span.end())
}

fn read_front_matter(
    source: SourceId,
    pair: Pair<'_, Rule>,
    entries: &mut Vec<FrontMatterEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for line in pair
        .into_inner()
        .filter(|pair| pair.as_rule() == Rule::fm_line)
    {
        let line_span = span_of(source, line.as_span());
        let Some(inner) = line.into_inner().next() else {
            continue;
        };
        match inner.as_rule() {
            Rule::fm_entry => {
                let mut parts = inner.into_inner();
                let key = parts
                    .next()
                    .map(|pair| pair.as_str().to_string())
                    .unwrap_or_default();
                let value = parts
                    .next()
                    .map(|pair| pair.as_str().trim().to_string())
                    .unwrap_or_default();
                if !FRONT_MATTER_KEYS.contains(&key.as_str()) {
                    diagnostics.push(
                        Diagnostic::warning(
                            codes::BAD_FRONT_MATTER,
                            format!("unknown front matter key `{key}`"),
                        )
                        .at(line_span)
                        .hint(format!("known keys: {}", FRONT_MATTER_KEYS.join(", "))),
                    );
                }
                entries.push(FrontMatterEntry {
                    key,
                    value,
                    span: line_span,
                });
            }
            _ => {
                let text = inner.as_str().trim();
                if !text.is_empty() && !text.starts_with('#') {
                    diagnostics.push(
                        Diagnostic::warning(
                            codes::BAD_FRONT_MATTER,
                            "front matter line is not `key: value`",
                        )
                        .at(line_span)
                        .hint("write `key: value`, or start a comment with `#`"),
                    );
                }
            }
        }
    }
}

fn read_line(source: SourceId, pair: Pair<'_, Rule>) -> outline::Line {
    let whole = span_of(source, pair.as_span());
    let mut line = outline::Line {
        indent: 0,
        marker: None,
        pieces: Vec::new(),
        dangling_bullet: None,
        span: whole,
        blank: false,
    };
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::indent => line.indent = indent_width(part.as_str()),
            Rule::marker => {
                let span = span_of(source, part.as_span());
                if let Some(kind_pair) = part.into_inner().next() {
                    let written = kind_pair.as_str().to_string();
                    let kind = match kind_pair.as_rule() {
                        Rule::heading_marker => {
                            MarkerKind::Heading(u8::try_from(written.len()).unwrap_or(6))
                        }
                        Rule::number_marker => MarkerKind::Number,
                        Rule::letter_marker => MarkerKind::Letter,
                        _ => MarkerKind::Bullet(written.chars().next().unwrap_or('-')),
                    };
                    line.marker = Some((kind, written, span));
                }
            }
            Rule::content | Rule::text_content => {
                for piece in part.into_inner() {
                    if piece.as_rule() == Rule::dangling_bullet {
                        let span = span_of(source, piece.as_span());
                        let bullet = piece.as_str().trim().chars().next().unwrap_or('-');
                        line.dangling_bullet = Some((bullet, span));
                    } else if let Some(inline) = read_inline(source, piece) {
                        line.pieces.push(inline);
                    }
                }
            }
            _ => {}
        }
    }
    // The line's span ends at its last character, not at the line break.
    let end = line
        .pieces
        .last()
        .map(|piece| piece.span.end)
        .or(line.marker.as_ref().map(|(_, _, span)| span.end))
        .unwrap_or(whole.end);
    line.span = Span {
        end: end.max(whole.start),
        ..whole
    };
    line
}

fn indent_width(indent: &str) -> usize {
    indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

fn read_inline(source: SourceId, pair: Pair<'_, Rule>) -> Option<Inline> {
    let span = span_of(source, pair.as_span());
    let text = pair.as_str();
    let kind = match pair.as_rule() {
        Rule::word => InlineKind::Word(text.to_string()),
        Rule::number => InlineKind::Number(text.to_string()),
        Rule::space_run => InlineKind::Space,
        Rule::symbol => InlineKind::Symbol(text.chars().next()?),
        Rule::policy_ref => InlineKind::Policy(text.trim_start_matches('#').to_string()),
        Rule::var_ref => InlineKind::Var(var_path(text)),
        Rule::quoted => {
            let inner = pair.into_inner().next()?;
            let literal = inner.into_inner().next().map_or("", |text| text.as_str());
            InlineKind::Literal(literal.trim().to_string())
        }
        Rule::tool_ref => {
            let mut name = String::new();
            let mut args = Vec::new();
            for part in pair.into_inner() {
                match part.as_rule() {
                    Rule::ident => name = part.as_str().to_string(),
                    Rule::tool_args => {
                        for arg in part.into_inner() {
                            args.extend(read_tool_arg(source, arg));
                        }
                    }
                    _ => {}
                }
            }
            InlineKind::Tool { name, args }
        }
        _ => return None,
    };
    Some(Inline { kind, span })
}

fn read_tool_arg(source: SourceId, pair: Pair<'_, Rule>) -> Option<ToolArg> {
    let span = span_of(source, pair.as_span());
    let mut parts = pair.into_inner();
    let name = parts.next()?.as_str().to_string();
    let value_pair = parts.next()?.into_inner().next()?;
    let text = value_pair.as_str();
    let value = match value_pair.as_rule() {
        Rule::var_ref => ArgValue::Var(var_path(text)),
        Rule::quoted => {
            let literal = value_pair
                .into_inner()
                .next()
                .and_then(|inner| inner.into_inner().next())
                .map_or("", |text| text.as_str());
            ArgValue::Literal(literal.to_string())
        }
        Rule::number => ArgValue::Number(text.to_string()),
        _ => ArgValue::Type(text.to_string()),
    };
    Some(ToolArg { name, value, span })
}

fn var_path(text: &str) -> Vec<String> {
    text.trim_start_matches('$')
        .split('.')
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests;
