//! Item text → tokens → sentences → clauses.
//!
//! Tokens drop spaces, keep references whole, lowercase words for matching
//! (keeping the written form for messages), and fold abbreviations such as
//! `e.g.` so they do not end sentences, and tag each word with its
//! [`lexicon`](super::lexicon) classes once. Clauses split a sentence where a
//! new condition starts (`…, if yes inform …`).

use super::lexicon::{self, Class, Tags};
use crate::source::Span;
use crate::syntax::{Inline, InlineKind, ToolArg};

/// One token of a sentence.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: Tok,
    pub(crate) span: Span,
    /// The word's lexicon classes (none for other tokens).
    pub(crate) tags: Tags,
}

/// Token kinds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A word: lowercase form for matching, written form for messages.
    Word { lower: String, text: String },
    /// A number as written.
    Number(String),
    /// Punctuation.
    Punct(char),
    /// `@tool(args)`.
    Tool { name: String, args: Vec<ToolArg> },
    /// `#Policy`.
    Policy(String),
    /// `$var.field`.
    Var(Vec<String>),
    /// A quoted literal.
    Literal(String),
}

impl Token {
    /// A token of `kind`, tagged with its word's classes.
    pub(crate) fn new(kind: Tok, span: Span) -> Self {
        let tags = match &kind {
            Tok::Word { lower, .. } => lexicon::tag(lower),
            _ => Tags::default(),
        };
        Token { kind, span, tags }
    }

    /// A word token, as if written.
    pub(crate) fn word_at(text: &str, span: Span) -> Self {
        Token::new(
            Tok::Word {
                lower: normalise_word(text),
                text: text.to_string(),
            },
            span,
        )
    }

    /// True if this word is of `class`.
    pub(crate) fn is_a(&self, class: Class) -> bool {
        self.tags.has(class)
    }

    /// True if this word is a verb that starts an action phrase.
    pub(crate) fn is_phrase_verb(&self) -> bool {
        self.tags.is_phrase_verb()
    }
    /// The lowercase word, if this is a word.
    pub(crate) fn word(&self) -> Option<&str> {
        match &self.kind {
            Tok::Word { lower, .. } => Some(lower),
            _ => None,
        }
    }

    /// True if this is the word `word`.
    pub(crate) fn is(&self, word: &str) -> bool {
        self.word() == Some(word)
    }

    /// True if this is one of `words`.
    pub(crate) fn is_any(&self, words: &[&str]) -> bool {
        self.word().is_some_and(|lower| words.contains(&lower))
    }

    /// True if this is the punctuation `c`.
    pub(crate) fn is_punct(&self, c: char) -> bool {
        self.kind == Tok::Punct(c)
    }
}

/// The tokens of a piece of item text.
pub(crate) fn tokens(pieces: &[Inline]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut skip = 0;
    for (index, piece) in pieces.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        // A code span of one word is a value, like a quoted one:
        // `` `resale_listed`: tell them … `` names the status.
        if let (InlineKind::Symbol('`'), Some(word), Some(close)) =
            (&piece.kind, pieces.get(index + 1), pieces.get(index + 2))
        {
            if let (InlineKind::Word(text), InlineKind::Symbol('`')) = (&word.kind, &close.kind) {
                out.push(Token::new(
                    Tok::Literal(text.clone()),
                    piece.span.join(close.span),
                ));
                skip = 2;
                continue;
            }
        }
        // `2nd`, `3rd`: an ordinal is one word.
        if let (InlineKind::Number(number), Some(next)) = (&piece.kind, pieces.get(index + 1)) {
            if let InlineKind::Word(suffix) = &next.kind {
                let suffix_lower = suffix.to_ascii_lowercase();
                if next.span.start == piece.span.end
                    && matches!(suffix_lower.as_str(), "st" | "nd" | "rd" | "th")
                {
                    let text = format!("{number}{suffix_lower}");
                    out.push(Token::new(
                        Tok::Word {
                            lower: normalise_word(&text),
                            text,
                        },
                        piece.span.join(next.span),
                    ));
                    skip = 1;
                    continue;
                }
            }
        }
        let kind = match &piece.kind {
            InlineKind::Space => continue,
            InlineKind::Word(text) => Tok::Word {
                lower: normalise_word(text),
                text: text.replace('’', "'"),
            },
            InlineKind::Number(text) => Tok::Number(text.clone()),
            // Markdown emphasis and code marks carry no meaning here.
            InlineKind::Symbol('*' | '`') => continue,
            InlineKind::Symbol(c) => Tok::Punct(match c {
                '—' | '–' => '-',
                other => *other,
            }),
            InlineKind::Tool { name, args } => Tok::Tool {
                name: name.clone(),
                args: args.clone(),
            },
            InlineKind::Policy(name) => Tok::Policy(name.clone()),
            InlineKind::Var(path) => Tok::Var(path.clone()),
            InlineKind::Literal(text) => Tok::Literal(text.clone()),
        };
        out.push(Token::new(kind, piece.span));
    }
    fold_abbreviations(out)
}

fn normalise_word(text: &str) -> String {
    text.to_lowercase().replace('’', "'")
}

/// `e.g.`, `i.e.`, `etc.` become single words so they do not end sentences.
fn fold_abbreviations(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        let at = |offset: usize| tokens.get(index + offset);
        let pair = |first: &str, second: &str| {
            at(0).is_some_and(|t| t.is(first))
                && at(1).is_some_and(|t| t.is_punct('.'))
                && at(2).is_some_and(|t| t.is(second))
                && at(3).is_some_and(|t| t.is_punct('.'))
        };
        if pair("e", "g") || pair("i", "e") {
            let span = tokens[index].span.join(tokens[index + 3].span);
            let word = if pair("e", "g") { "e.g." } else { "i.e." };
            out.push(Token::word_at(word, span));
            index += 4;
            continue;
        }
        if tokens[index].is("etc") && at(1).is_some_and(|t| t.is_punct('.')) {
            out.push(tokens[index].clone());
            index += 2;
            continue;
        }
        out.push(tokens[index].clone());
        index += 1;
    }
    out
}

/// Splits tokens into sentences at `.`, `!`, `?` and `;`, each with the
/// mark that ended it (none for the last one when it has none).
pub(crate) fn sentences_ending(tokens: &[Token]) -> Vec<(Vec<Token>, Option<char>)> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    let aside = in_closed_aside(tokens);
    for (index, token) in tokens.iter().enumerate() {
        if let Tok::Punct(mark @ ('.' | '!' | '?' | ';')) = token.kind {
            if aside[index] {
                current.push(token.clone());
                continue;
            }
            if !current.is_empty() {
                out.push((std::mem::take(&mut current), Some(mark)));
            }
        } else {
            current.push(token.clone());
            if let Some(mark) = quote_ends_sentence(tokens, index) {
                out.push((std::mem::take(&mut current), Some(mark)));
            }
        }
    }
    if !current.is_empty() {
        out.push((current, None));
    }
    out
}

/// Which tokens are inside a parenthesised aside that closes later
/// (`(sometimes the bag turns up inside a drawer!)`): a sentence mark
/// there ends the aside's own remark, not the sentence. An unclosed `(`
/// opens no aside.
fn in_closed_aside(tokens: &[Token]) -> Vec<bool> {
    let mut inside = vec![false; tokens.len()];
    let mut open: Option<usize> = None;
    for (index, token) in tokens.iter().enumerate() {
        if token.is_punct('(') {
            open = Some(index);
        } else if token.is_punct(')') {
            if let Some(start) = open.take() {
                for flag in &mut inside[start + 1..index] {
                    *flag = true;
                }
            }
        }
    }
    inside
}

/// Splits tokens into sentences at `.`, `!`, `?` and `;`.
pub(crate) fn sentences(tokens: &[Token]) -> Vec<Vec<Token>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    let aside = in_closed_aside(tokens);
    for (index, token) in tokens.iter().enumerate() {
        if matches!(token.kind, Tok::Punct('.' | '!' | '?' | ';')) && !aside[index] {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(token.clone());
            if quote_ends_sentence(tokens, index).is_some() {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `Ask: "Shall I go ahead?" If they say yes, …`: a quotation ending in
/// `?`, `!` or `.` followed by a capitalised word ends the sentence; the
/// mark it ends with comes back.
fn quote_ends_sentence(tokens: &[Token], index: usize) -> Option<char> {
    let Tok::Literal(text) = &tokens[index].kind else {
        return None;
    };
    let mark = text
        .trim_end()
        .chars()
        .last()
        .filter(|c| matches!(c, '?' | '!' | '.'))?;
    let next_capital = tokens.get(index + 1).is_some_and(|next| match &next.kind {
        Tok::Word { text, .. } => text.chars().next().is_some_and(char::is_uppercase),
        _ => false,
    });
    next_capital.then_some(mark)
}

/// Splits a sentence into clauses where a new condition begins:
/// after a comma (`…, if yes …`, `…, otherwise …`) or at `if yes|no|not|so`.
pub(crate) fn clauses(sentence: &[Token]) -> Vec<Vec<Token>> {
    let mut out = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    for (index, token) in sentence.iter().enumerate() {
        let next = sentence.get(index + 1);
        // `…, if …`, `… — otherwise …`, `go by the result: if …`.
        // `…, and if …`, `… but if …`: the conjunction goes with the comma.
        let conjunction = token.is_a(Class::ConditionOpener)
            && current
                .last()
                .is_some_and(|t| t.is_any(&["and", "but", "then"]))
            && (current.iter().any(Token::is_phrase_verb)
                || current
                    .len()
                    .checked_sub(2)
                    .is_some_and(|before| current[before].is_punct(',')))
            && !opens_with_condition_only(&current[..current.len() - 1]);
        if conjunction {
            current.pop();
        }
        let after_comma = conjunction
            || current
                .last()
                .is_some_and(|t| t.is_punct(',') || t.is_punct(':') || t.is_punct('-'));
        let answer_condition = token.is("if")
            && next.is_some_and(|t| t.is_any(&["yes", "no", "not", "so"]))
            && !current.is_empty();
        let comma_condition = after_comma
            && token.is_a(Class::ConditionOpener)
            && current.iter().any(|t| t.word().is_some())
            && !opens_with_condition_only(&current);
        if answer_condition || comma_condition {
            while current
                .last()
                .is_some_and(|t| t.is_punct(',') || t.is_punct(':') || t.is_punct('-'))
            {
                current.pop();
            }
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
        current.push(token.clone());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// True when the clause so far is only `if <condition>,` — a comma there
/// ends the condition, it does not start a new clause.
fn opens_with_condition_only(current: &[Token]) -> bool {
    current
        .first()
        .is_some_and(|t| t.is_a(Class::ConditionOpener))
        && current.iter().filter(|t| t.is_punct(',')).count() <= 1
        && !current.iter().any(Token::is_phrase_verb)
}

/// The span covering a run of tokens.
pub(crate) fn span_of(tokens: &[Token]) -> Option<Span> {
    let first = tokens.first()?.span;
    let last = tokens.last()?.span;
    Some(first.join(last))
}

/// The words of tokens, written form, joined by spaces (punctuation attached).
pub(crate) fn written(tokens: &[Token]) -> String {
    let mut out = String::new();
    for token in tokens {
        let text = match &token.kind {
            Tok::Word { text, .. } => text.clone(),
            Tok::Number(text) => text.clone(),
            Tok::Punct(c) => {
                if matches!(c, ',' | ':' | ')' | '.' | '!' | '?' | ';') {
                    out.push(*c);
                    continue;
                }
                c.to_string()
            }
            Tok::Tool { name, .. } => format!("@{name}"),
            Tok::Policy(name) => format!("#{name}"),
            Tok::Var(path) => format!("${}", path.join(".")),
            Tok::Literal(text) => format!("\"{text}\""),
        };
        if !out.is_empty() && !out.ends_with(['(', ' ']) {
            out.push(' ');
        }
        out.push_str(&text);
    }
    out
}
