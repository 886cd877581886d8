//! Where a jump goes: the target reader and the outline it resolves against.
//!
//! Authors name where to go in many ways — `go to step 4`, `→ step 4`,
//! `carry on with 2.4`, `continue to 3`, `next section`, `→ Renewal switch`,
//! `continue with "Renewal switch"`, `go to the read-back`, `skip to the
//! hand-off step`. [`read_target`] reads the words after a move verb into a
//! [`Target`]; the [`Outline`] (every item of the document, in order, with
//! its heading words and numbers) turns a target into the item it names.
//! An unknown or ambiguous target is a diagnostic with a hint: a jump is
//! never dropped, and never guessed.

use super::Builder;
use super::arena::{BlockId, Building, StmtId};
use super::lexicon::Class;
use super::rules::{self, ItemShape};
use super::tokens::{self, Tok, Token};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Origin, StmtKind};
use crate::source::Span;
use crate::syntax::{Item, MarkerKind};
use std::collections::{BTreeMap, BTreeSet};

/// What a jump names.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Target {
    /// A step or section by its number: `step 4`, `section 3`, `2.4`, `4.b`.
    Step(String),
    /// A section by its heading, or a step by what it does: `Renewal
    /// switch`, `the read-back`, `the hand-off step`.
    Named {
        /// The normalised words (lowercase, no articles or numbering).
        words: Vec<String>,
        /// As written, for diagnostics.
        written: String,
        /// Read after `with` and not quoted (`proceed with the refund`):
        /// when no section has that name, it is no jump but a plain
        /// `continue`, as before targets were read.
        soft: bool,
    },
    /// `the next section`.
    NextSection,
}

impl Target {
    /// The target as written, for messages and placeholder labels.
    pub(crate) fn written(&self) -> String {
        match self {
            Target::Step(number) => format!("step {number}"),
            Target::Named { written, .. } => written.clone(),
            Target::NextSection => "the next section".to_string(),
        }
    }
}

/// Nouns that name a unit of the policy: `step 4`, `section 3`, `part 2`.
const UNIT_NOUNS: &[&str] = &["step", "section", "part", "stage", "paragraph", "heading"];

/// Words between a move verb and its target that say nothing of where:
/// `go straight on to the`, `carry on with`, `skip ahead to`.
fn is_lead_in(token: &Token) -> bool {
    token.is_a(Class::MoveDirection)
        || token.is_any(&[
            "the", "a", "up", "down", "over", "into", "onto", "at", "from",
        ])
}

/// Reads the words after a move verb: `None` when they name no place
/// (`carry on`, `continue with the next step`, `keep going below`).
pub(crate) fn read_target(rest: &[Token]) -> Option<Target> {
    // `go to step 4 for the save offer`: the reason after the target is
    // the author's, not part of the name.
    let rest = until_reason(rest);
    if let Some(number) = step_named(rest) {
        return Some(Target::Step(number));
    }
    let start = rest
        .iter()
        .position(|token| !is_lead_in(token))
        .unwrap_or(rest.len());
    let named = trim_trailing(&rest[start..]);
    if named.is_empty() {
        return None;
    }
    if let [
        Token {
            kind: Tok::Number(number),
            ..
        },
    ] = named
    {
        return Some(Target::Step(
            number.trim_end_matches(['.', ')']).to_string(),
        ));
    }
    let words = normalise(named);
    let plain: Vec<&str> = named
        .iter()
        .filter_map(Token::word)
        .filter(|word| !matches!(*word, "the" | "a"))
        .collect();
    match plain.as_slice() {
        ["next"] | ["next", "step"] | ["next", "steps"] | ["following", "step"] => None,
        ["next", unit] | ["following", unit] if UNIT_NOUNS.contains(unit) => {
            Some(Target::NextSection)
        }
        _ if words.is_empty() => None,
        _ => {
            // A name holds no tool, variable or policy.
            if named.iter().any(|token| {
                matches!(
                    token.kind,
                    Tok::Tool { .. } | Tok::Var(_) | Tok::Policy(_) | Tok::Number(_)
                )
            }) {
                return None;
            }
            let quoted = named.iter().any(|t| matches!(t.kind, Tok::Literal(_)));
            Some(Target::Named {
                words,
                written: tokens::written(named),
                soft: !quoted && rest[..start].iter().any(|t| t.is("with")),
            })
        }
    }
}

/// `step 9`, `section 4`, `step 2.3.1`: the number a unit noun names.
pub(crate) fn step_named(tokens: &[Token]) -> Option<String> {
    tokens
        .windows(2)
        .find(|pair| pair[0].is_any(UNIT_NOUNS))
        .and_then(|pair| match &pair[1].kind {
            Tok::Number(number) => Some(number.trim_end_matches(['.', ')']).to_string()),
            Tok::Word { lower, .. } if lower.len() <= 4 && lower.chars().count() == 1 => {
                Some(lower.clone())
            }
            _ => None,
        })
}

/// The tokens before a reason (`for the save offer`, `, so …`) or the end
/// of the phrase.
fn until_reason(tokens: &[Token]) -> &[Token] {
    let end = tokens
        .iter()
        .position(|token| {
            token.is_any(&["for", "so", "because", "where", "which", "and", "then"])
                || token.is_punct(',')
                || token.is_punct(';')
                || token.is_punct('(')
        })
        .unwrap_or(tokens.len());
    &tokens[..end]
}

/// Drops a closing full stop and trailing `below`, `above`, `section`.
fn trim_trailing(mut tokens: &[Token]) -> &[Token] {
    while let Some((last, before)) = tokens.split_last() {
        if last.word().is_none() && !matches!(last.kind, Tok::Literal(_) | Tok::Number(_))
            || last.is_any(&["below", "above", "here", "instead", "now", "then"])
        {
            tokens = before;
        } else {
            break;
        }
    }
    tokens
}

/// Lowercase words of a name, split at hyphens, without articles, the
/// unit noun and any numbering: `Step 5: Reset the activations` → `reset
/// activations`; `the read-back` → `read back`.
pub(crate) fn normalise(tokens: &[Token]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for token in tokens {
        let text = match &token.kind {
            Tok::Word { lower, .. } => lower.clone(),
            Tok::Literal(text) => text.to_lowercase(),
            Tok::Number(number) => number.trim_end_matches(['.', ')']).to_string(),
            _ => continue,
        };
        for word in text.split(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'') {
            let word = word.trim_matches('.');
            if !word.is_empty() {
                words.push(word.to_string());
            }
        }
    }
    // `Step 5:`, `3`, `2.3` at the start: numbering, not the name.
    let mut start = 0;
    while start < words.len() {
        let word = &words[start];
        let numbering = word.chars().all(|c| c.is_ascii_digit() || c == '.')
            || UNIT_NOUNS.contains(&word.as_str())
                && words
                    .get(start + 1)
                    .is_some_and(|next| next.chars().all(|c| c.is_ascii_digit() || c == '.'));
        if !numbering {
            break;
        }
        start += if UNIT_NOUNS.contains(&word.as_str()) {
            2
        } else {
            1
        };
    }
    words
        .drain(start..)
        .filter(|word| !matches!(word.as_str(), "the" | "a" | "an"))
        // `the Reissue section`, `the hand-off step`.
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .skip_while(|word| UNIT_NOUNS.contains(&word.as_str()))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}

/// One item of the document, in document order.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Its step label.
    pub(crate) label: String,
    /// How deep it is nested (0 at the top).
    depth: usize,
    /// Its heading words, when it heads a section (a heading, or a short
    /// line with steps under it).
    heading: Option<Vec<String>>,
    /// The heading as written, for hints.
    heading_written: String,
    /// A number its heading gives it explicitly (`Step 5: …`, `Section 2`).
    explicit_number: Option<String>,
    /// A number its heading starts with (`3 Refund window`).
    leading_number: Option<String>,
    /// The index after its last descendant.
    end: usize,
}

/// Every item of a document in order, for resolving jump targets.
///
/// Indexed once (by label, by the numbers headings give, the entries that
/// head sections, the hint): a policy may read many phrases as possible
/// jumps, and each is resolved in logarithmic time, never by a scan of the
/// whole outline (20,000 numbered lines took minutes that way).
#[derive(Clone, Debug, Default)]
pub(crate) struct Outline {
    /// The items, in document order.
    pub(crate) entries: Vec<Entry>,
    /// The first entry of each label.
    by_label: BTreeMap<String, usize>,
    /// The entries a heading numbers explicitly (`Step 5: …`), by number.
    by_explicit: BTreeMap<String, Vec<usize>>,
    /// The entries whose heading starts with a number, by number.
    by_leading: BTreeMap<String, Vec<usize>>,
    /// The entries that head a section, in document order.
    headed: Vec<usize>,
    /// The sections there are, for a hint (see [`Outline::hint`]).
    hint: String,
}

/// Where a jump lands, or why it cannot.
pub(crate) enum Resolved {
    /// The entry (index into [`Outline::entries`]) the target names.
    Entry(usize),
    /// The only step of the policy that does what the target names (`the
    /// hand-off step`), found once every statement is known.
    HandOffStep,
    /// No entry: the message and a hint.
    Unknown { message: String, hint: String },
}

impl Outline {
    /// The outline of `items`.
    pub(crate) fn new(items: &[Item]) -> Self {
        let mut outline = Outline::default();
        // An explicit stack: the outline is bounded in depth, but a
        // document may hold many items.
        let mut pending: Vec<(&Item, usize)> = items.iter().rev().map(|item| (item, 0)).collect();
        let mut open: Vec<(usize, usize)> = Vec::new(); // (entry, depth)
        while let Some((item, depth)) = pending.pop() {
            while open
                .last()
                .is_some_and(|&(_, open_depth)| open_depth >= depth)
            {
                if let Some((closed, _)) = open.pop() {
                    outline.entries[closed].end = outline.entries.len();
                }
            }
            let tokens = tokens::tokens(&item.text);
            let shape = rules::item_shape(item, &tokens);
            let words = tokens.iter().filter(|t| t.word().is_some()).count();
            let heads = matches!(shape, Some((ItemShape::Heading(_), _)))
                || matches!(item.marker, MarkerKind::Heading(_))
                || (!item.children.is_empty()
                    && words <= 8
                    && !tokens.iter().any(|t| {
                        matches!(t.kind, Tok::Tool { .. } | Tok::Var(_) | Tok::Policy(_))
                    }));
            let heading = heads.then(|| normalise(&tokens));
            let (explicit_number, leading_number) = numbers(item, &tokens);
            outline.entries.push(Entry {
                label: item.label.clone(),
                depth,
                heading,
                heading_written: tokens::written(&tokens)
                    .trim_end_matches([':', '.'])
                    .to_string(),
                explicit_number,
                leading_number,
                end: 0,
            });
            open.push((outline.entries.len() - 1, depth));
            for child in item.children.iter().rev() {
                pending.push((child, depth + 1));
            }
        }
        for (closed, _) in open {
            outline.entries[closed].end = outline.entries.len();
        }
        for (index, entry) in outline.entries.iter().enumerate() {
            outline.by_label.entry(entry.label.clone()).or_insert(index);
            if let Some(number) = &entry.explicit_number {
                outline
                    .by_explicit
                    .entry(number.clone())
                    .or_default()
                    .push(index);
            }
            if let Some(number) = &entry.leading_number {
                outline
                    .by_leading
                    .entry(number.clone())
                    .or_default()
                    .push(index);
            }
            if entry
                .heading
                .as_ref()
                .is_some_and(|words| !words.is_empty())
            {
                outline.headed.push(index);
            }
        }
        outline.hint = outline.sections_hint();
        outline
    }

    /// The entry of the item labelled `label`.
    fn position(&self, label: &str) -> Option<usize> {
        self.by_label.get(label).copied()
    }

    /// What `target`, written in the step `from`, names.
    pub(crate) fn resolve(&self, target: &Target, from: &str) -> Resolved {
        match target {
            Target::Step(number) => self.resolve_number(number),
            Target::NextSection => self.next_section(from),
            Target::Named { words, written, .. } => self.resolve_name(words, written, from),
        }
    }

    fn resolve_number(&self, number: &str) -> Resolved {
        if let Some([only]) = self.by_explicit.get(number).map(Vec::as_slice) {
            return Resolved::Entry(*only);
        }
        if let Some(index) = self.position(number) {
            return Resolved::Entry(index);
        }
        if let Some([only]) = self.by_leading.get(number).map(Vec::as_slice) {
            return Resolved::Entry(*only);
        }
        Resolved::Unknown {
            message: format!("there is no step {number} to go to"),
            hint: self.hint(),
        }
    }

    fn resolve_name(&self, words: &[String], written: &str, from: &str) -> Resolved {
        let headings = || {
            self.headed.iter().filter_map(|&index| {
                self.entries[index]
                    .heading
                    .as_ref()
                    .map(|heading| (index, heading))
            })
        };
        let exact: Vec<usize> = headings()
            .filter(|(_, heading)| heading.as_slice() == words)
            .map(|(index, _)| index)
            .collect();
        // `the read-back` for `Read-back and extend`: the heading's first words.
        let prefix: Vec<usize> = headings()
            .filter(|(_, heading)| !words.is_empty() && heading.starts_with(words))
            .map(|(index, _)| index)
            .collect();
        // `the claim` for `File the claim`: every word of the name in the heading.
        let within: Vec<usize> = headings()
            .filter(|(_, heading)| {
                !words.is_empty() && words.iter().all(|word| heading.contains(word))
            })
            .map(|(index, _)| index)
            .collect();
        let mut found = [exact, prefix, within]
            .into_iter()
            .find(|found| !found.is_empty())
            .unwrap_or_default();
        // Of several, the one section after the jump (jumps go forward;
        // the policy's title above is never where one goes).
        if found.len() > 1 {
            let here = self.position(from).unwrap_or(0);
            let ahead: Vec<usize> = found
                .iter()
                .copied()
                .filter(|&index| index > here)
                .collect();
            if ahead.len() == 1 {
                found = ahead;
            }
        }
        match found.as_slice() {
            [only] => Resolved::Entry(*only),
            [] if is_hand_off(words) => Resolved::HandOffStep,
            [] => Resolved::Unknown {
                message: format!("there is no section \"{written}\" to go to"),
                hint: self.hint(),
            },
            several => Resolved::Unknown {
                message: format!(
                    "\"{written}\" names more than one section: {}",
                    several
                        .iter()
                        .map(|&index| format!(
                            "\"{}\" (step {})",
                            self.entries[index].heading_written, self.entries[index].label
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                hint: "name the section by its whole heading, or the step by its number (`go to step 4`)".to_string(),
            },
        }
    }

    /// The next section after the step `from`: the first heading (or
    /// top-level step) after it that is not nested deeper than it.
    fn next_section(&self, from: &str) -> Resolved {
        let Some(here) = self.position(from) else {
            return Resolved::Unknown {
                message: "there is no next section to go to".to_string(),
                hint: self.hint(),
            };
        };
        let depth = self.entries[here].depth;
        let next = (here + 1..self.entries.len()).find(|&index| {
            let entry = &self.entries[index];
            entry.depth <= depth && (entry.heading.is_some() || entry.depth == 0)
        });
        match next {
            Some(index) => Resolved::Entry(index),
            None => Resolved::Unknown {
                message: format!("there is no section after step {from} to go to"),
                hint: self.hint(),
            },
        }
    }

    /// The labels from `entry` on, in document order: a jump lands on the
    /// first of them that does something.
    pub(crate) fn labels_from(&self, entry: usize) -> impl Iterator<Item = &str> {
        self.entries[entry..]
            .iter()
            .map(|entry| entry.label.as_str())
    }

    /// The sections there are, for a hint (made once, in [`Outline::new`]).
    fn hint(&self) -> String {
        self.hint.clone()
    }

    fn sections_hint(&self) -> String {
        let sections: Vec<String> = self
            .headed
            .iter()
            .take(12)
            .map(|&index| format!("\"{}\"", self.entries[index].heading_written))
            .collect();
        if sections.is_empty() {
            "name a step of this policy by its number, e.g. `go to step 4`".to_string()
        } else {
            format!(
                "name a step by its number (`go to step 4`) or a section by its heading: {}",
                sections.join(", ")
            )
        }
    }
}

/// `the hand-off step`, `the escalation`: a step named by what it does.
fn is_hand_off(words: &[String]) -> bool {
    !words.is_empty()
        && words.iter().all(|word| {
            matches!(
                word.as_str(),
                "hand" | "off" | "handoff" | "hand-off" | "escalation" | "transfer"
            )
        })
}

/// The numbers a heading gives its item: explicitly (`Step 5: …`), or by
/// its marker or first word (`3 Refund window`, `3)`).
fn numbers(item: &Item, tokens: &[Token]) -> (Option<String>, Option<String>) {
    let number_of = |token: &Token| match &token.kind {
        Tok::Number(number) => Some(number.trim_end_matches(['.', ')']).to_string()),
        _ => None,
    };
    let explicit = match tokens {
        [unit, number, ..] if unit.is_any(UNIT_NOUNS) => number_of(number),
        _ => None,
    };
    let leading = tokens.first().and_then(number_of).or_else(|| {
        matches!(item.marker, MarkerKind::Number)
            .then(|| item.marker_text.trim_end_matches(['.', ')']).to_string())
    });
    (explicit, leading)
}

/// A jump waiting for every statement to be known: the statement, where
/// it lands, and where it was written.
pub(crate) struct PendingJump {
    stmt: StmtId,
    landing: Landing,
    span: Span,
    written: String,
}

/// Where a pending jump lands.
enum Landing {
    /// The first step from this outline entry on that does something.
    Entry(usize),
    /// The policy's one hand-off step.
    HandOff,
}

impl Builder<'_> {
    /// A jump to `target` (repeated at most `limit` times when given) in
    /// `block`: linked to its step once every statement is known; an
    /// unknown or ambiguous target is an `unknown-section` error.
    pub(super) fn jump(
        &mut self,
        block: BlockId,
        target: Target,
        limit: Option<u32>,
        here: Origin,
        span: Span,
    ) {
        let landing = match self.outline.resolve(&target, &here.step) {
            Resolved::Entry(entry) => Landing::Entry(entry),
            Resolved::HandOffStep => Landing::HandOff,
            Resolved::Unknown { message, hint } => {
                if matches!(target, Target::Named { soft: true, .. }) && limit.is_none() {
                    self.push(block, Building::Simple(StmtKind::Continue(None)), here);
                    return;
                }
                self.diagnostics.push(
                    Diagnostic::error(codes::UNKNOWN_SECTION, message)
                        .at(span)
                        .hint(hint),
                );
                return;
            }
        };
        let label = match &landing {
            Landing::Entry(entry) => self.outline.entries[*entry].label.clone(),
            Landing::HandOff => target.written(),
        };
        let kind = match limit {
            Some(limit) => StmtKind::Repeat { step: label, limit },
            None => StmtKind::Continue(Some(label)),
        };
        let stmt = self.push(block, Building::Simple(kind), here);
        self.jumps.push(PendingJump {
            stmt,
            landing,
            span,
            written: target.written(),
        });
    }

    /// An action phrase no rule reads that is only a place (`Renewal
    /// switch`, `next section`, after an arrow): a jump to it, when the
    /// policy has that place.
    pub(super) fn bare_jump(
        &mut self,
        phrase: &[Token],
        block: BlockId,
        here: Origin,
        span: Span,
    ) -> bool {
        // Not the phrase's body: `next` is a filler before a verb.
        let body = super::action::without_asides(phrase);
        let body: Vec<Token> = body
            .into_iter()
            .skip_while(|t| t.word().is_none() && !matches!(t.kind, Tok::Literal(_)))
            .collect();
        let words = body.iter().filter(|t| t.word().is_some()).count();
        // A place alone: no verb a rule reads (a move the move rule left
        // has a reason, `go to step 2 if …`), no condition.
        let verb_first = body
            .first()
            .is_some_and(|t| t.is_phrase_verb() && !t.is_a(Class::MoveDirection));
        let guarded = body
            .iter()
            .any(|t| t.is_a(Class::ConditionOpener) || t.is_any(&["unless", "if", "when", "once"]));
        if words == 0 || words > 8 || verb_first || guarded {
            return false;
        }
        let Some(target) = read_target(&body) else {
            return false;
        };
        let exact = match (&target, self.outline.resolve(&target, &here.step)) {
            (Target::Named { words, .. }, Resolved::Entry(entry)) => self.outline.entries[entry]
                .heading
                .as_ref()
                .is_some_and(|heading| heading == words),
            (_, Resolved::Entry(_)) => true,
            _ => false,
        };
        if exact {
            self.jump(block, target, None, here, span);
        }
        exact
    }

    /// Links every jump to the first step from its target on that does
    /// something (a heading alone does nothing).
    pub(super) fn resolve_jumps(&mut self) {
        let mut acting: BTreeSet<String> = BTreeSet::new();
        let mut hand_offs: BTreeSet<String> = BTreeSet::new();
        for node in self.arena.nodes() {
            match &node.kind {
                Building::Simple(StmtKind::Section(_) | StmtKind::Continue(None)) => {}
                Building::Simple(StmtKind::Escalate(_)) => {
                    hand_offs.insert(node.origin.step.clone());
                    acting.insert(node.origin.step.clone());
                }
                _ => {
                    acting.insert(node.origin.step.clone());
                }
            }
        }
        for jump in std::mem::take(&mut self.jumps) {
            let label = match jump.landing {
                Landing::Entry(entry) => {
                    let own = &self.outline.entries[entry].label;
                    self.outline
                        .labels_from(entry)
                        .find(|label| acting.contains(*label))
                        // `step 4` stays `step 4` when its sub-steps act:
                        // the link takes its earliest state.
                        .map(|label| {
                            if label == own || label.starts_with(&format!("{own}.")) {
                                own.clone()
                            } else {
                                label.to_string()
                            }
                        })
                }
                Landing::HandOff if hand_offs.len() == 1 => hand_offs.first().cloned(),
                Landing::HandOff => None,
            };
            let Some(label) = label else {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNKNOWN_SECTION,
                        format!(
                            "\"{}\" names no step keel can go to{}",
                            jump.written,
                            if hand_offs.len() > 1 {
                                " (the policy hands off in several steps)"
                            } else {
                                ""
                            }
                        ),
                    )
                    .at(jump.span)
                    .hint("name the step by its number, e.g. `go to step 4`"),
                );
                continue;
            };
            if let Building::Simple(
                StmtKind::Continue(Some(step)) | StmtKind::Repeat { step, .. },
            ) = &mut self.arena[jump.stmt].kind
            {
                *step = label;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Outline, Resolved, Target, read_target};
    use crate::extract::tokens;
    use crate::source::SourceId;

    const POLICY: &str = "Title of the policy\n\n- Who is it\n  a. Ask for the email.\n- Renewal switch\n  a. Say it is booked.\n## Step 5: Reset the activations\n\n1. Reset it.\n\n**Read-back and extend**\n\n- Say it back.\n";

    fn outline() -> Outline {
        let (document, _) = crate::syntax::parse(SourceId(0), POLICY);
        Outline::new(&document.items)
    }

    fn target(text: &str) -> Option<Target> {
        let (document, _) = crate::syntax::parse(SourceId(0), text);
        let item = document.items.first()?;
        read_target(&tokens::tokens(&item.text))
    }

    fn lands(text: &str, from: &str) -> String {
        let outline = outline();
        let Some(target) = target(text) else {
            return "onward".to_string();
        };
        match outline.resolve(&target, from) {
            Resolved::Entry(entry) => outline.entries[entry].label.clone(),
            Resolved::HandOffStep => "hand-off".to_string(),
            Resolved::Unknown { message, .. } => format!("unknown: {message}"),
        }
    }

    #[test]
    fn targets_resolve_by_number_heading_and_position() {
        let outline = outline();
        let labels: Vec<&str> = outline.entries.iter().map(|e| e.label.as_str()).collect();
        let renewal = labels.iter().position(|l| *l == "3").map(|i| labels[i]);
        assert_eq!(renewal, Some("3"), "{labels:?}");
        assert_eq!(lands("renewal switch", "2.a"), "3");
        assert_eq!(lands("to \"Renewal Switch\"", "2.a"), "3");
        assert_eq!(lands("to the next section", "2.a"), "3");
        assert_eq!(lands("to step 5", "2.a"), "h4");
        assert_eq!(lands("to the read-back", "2.a"), "1.p1");
        assert_eq!(lands("with the next step", "2.a"), "onward");
        assert_eq!(lands("to the hand-off step", "2.a"), "hand-off");
        assert_eq!(
            lands("to the refund section", "2.a"),
            "unknown: there is no section \"refund section\" to go to"
        );
        assert_eq!(
            lands("to step 9", "2.a"),
            "unknown: there is no step 9 to go to"
        );
    }
}
