//! The rule tables: every sentence shape keel reads, in the order tried.
//!
//! Three tables, one shape per rule and one rule per file:
//!
//! * [`ITEM_RULES`]: what a whole item is (a note, a heading) before its
//!   sentences are read;
//! * [`CONDITION_RULES`]: what the `if …` part of a clause tests;
//! * [`ACTION_RULES`]: what an action phrase tells the bot to do.
//!
//! A table is tried in order and the first rule that reads the text wins;
//! its name is recorded in the statement's [`Origin`](crate::ir::Origin) as
//! the evidence for it. Every rule has a doc comment, a `shape` line and
//! examples: each example is compiled as step 6 of the reference policy
//! ([`REFERENCE_POLICY`]) by the tests, and must compile to what it says.
//! The language reference (`docs/policy-language.md`) is generated from
//! these tables ([`crate::extract::reference`]). Word lists live in the
//! [`lexicon`](super::lexicon), never here.
//!
//! A new shape is one new file here and one line in its table.

use super::action::{self, Action};
use super::condition::{Condition, ConditionWords};
use super::lexicon::Class;
use super::tokens::{Tok, Token};
use crate::syntax::Item;

mod add;
mod again;
mod answer;
mod answer_gloss;
mod apologise;
mod ask;
mod ask_which_of;
mod call;
mod check;
mod compare;
mod confirm;
mod dispatch;
mod display;
mod end;
mod ensure;
mod failed;
mod failed_to_act;
mod hand_off;
mod heading;
mod move_to;
mod no_op;
mod not_found;
mod note;
mod note_item;
mod offer;
mod otherwise;
mod policy_reference;
mod provide;
mod read_back;
mod say;
mod set;
mod statement;
mod succeeded;
mod suggest;
mod thank;
mod ticket;
mod values;
mod wait;

/// An example of a rule: the text, and what it compiles to as step 6 of
/// the reference policy (one line per state: the edges into it, then what
/// it does).
pub(crate) struct Example {
    /// The sentence as an author writes it.
    pub(crate) text: &'static str,
    /// The states it compiles to.
    pub(crate) compiles_to: &'static str,
}

/// The policy the examples are compiled in: `SENTENCE` is replaced by the
/// example's text.
pub(crate) const REFERENCE_POLICY: &str = include_str!("reference.policy.md");

/// The policy [`REFERENCE_POLICY`] is compiled with (`#Returns_policy`).
pub(crate) const REFERENCE_OTHER_POLICY: &str = include_str!("reference_returns.policy.md");

/// The catalog of [`REFERENCE_POLICY`].
pub(crate) const REFERENCE_CATALOG: &str = include_str!("reference.toml");

/// A phrase an action rule reads: fillers skipped, so `body[0]` is the verb.
pub(crate) struct Phrase<'t> {
    /// The phrase from its verb on.
    pub(crate) body: &'t [Token],
}

impl<'t> Phrase<'t> {
    /// The verb (or first token).
    pub(crate) fn verb(&self) -> Option<&'t Token> {
        self.body.first()
    }

    /// Whether the verb is of `class`.
    pub(crate) fn verb_is(&self, class: Class) -> bool {
        self.verb().is_some_and(|verb| verb.is_a(class))
    }

    /// The tokens after the verb.
    pub(crate) fn rest(&self) -> &'t [Token] {
        self.body.get(1..).unwrap_or(&[])
    }
}

/// A rule for an action phrase.
pub(crate) struct ActionRule {
    /// Its name: the evidence recorded with what it read.
    pub(crate) name: &'static str,
    /// How the shape is written, for the language reference.
    pub(crate) shape: &'static str,
    /// What it reads and what that becomes, for the language reference.
    pub(crate) about: &'static str,
    /// Reads a phrase, or leaves it to the next rule.
    pub(crate) read: fn(&Phrase<'_>) -> Option<Action>,
    /// Examples, tested.
    pub(crate) examples: &'static [Example],
}

/// Every action rule, in the order tried: references first (a phrase that
/// names `@tool` is a call whatever its verb), then by the leading verb.
pub(crate) const ACTION_RULES: &[ActionRule] = &[
    note::RULE,
    call::RULE,
    again::RULE,
    policy_reference::RULE,
    read_back::RULE,
    dispatch::RULE,
    ask_which_of::RULE,
    ask::RULE,
    set::RULE,
    add::RULE,
    confirm::RULE,
    check::RULE,
    say::RULE,
    suggest::RULE,
    thank::RULE,
    apologise::RULE,
    provide::RULE,
    display::RULE,
    hand_off::RULE,
    ticket::RULE,
    end::RULE,
    move_to::RULE,
    wait::RULE,
    move_to::STEP_RULE,
    no_op::RULE,
    offer::RULE,
    ensure::RULE,
    statement::PROHIBITION_RULE,
    statement::STATEMENT_RULE,
];

/// A rule for the condition of a clause.
pub(crate) struct ConditionRule {
    /// Its name: the evidence recorded with what it read.
    pub(crate) name: &'static str,
    /// How the shape is written, for the language reference.
    pub(crate) shape: &'static str,
    /// What it reads and what that becomes, for the language reference.
    pub(crate) about: &'static str,
    /// Reads a condition, or leaves it to the next rule.
    pub(crate) read: fn(&ConditionWords<'_>) -> Option<Condition>,
    /// Examples, tested.
    pub(crate) examples: &'static [Example],
}

/// Every condition rule, in the order tried. The last one reads anything.
pub(crate) const CONDITION_RULES: &[ConditionRule] = &[
    otherwise::RULE,
    answer_gloss::RULE,
    values::RULE,
    failed_to_act::RULE,
    not_found::RULE,
    failed::RULE,
    succeeded::RULE,
    compare::RULE,
    answer::RULE,
];

/// What a whole item is, before its sentences are read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ItemShape {
    /// A remark kept as a note, sub-items read as usual.
    Note,
    /// A heading: a section title; its sub-items are the section's steps.
    Heading(String),
}

/// A rule for a whole item.
pub(crate) struct ItemRule {
    /// Its name: the evidence recorded with what it read.
    pub(crate) name: &'static str,
    /// How the shape is written, for the language reference.
    pub(crate) shape: &'static str,
    /// What it reads and what that becomes, for the language reference.
    pub(crate) about: &'static str,
    /// Reads an item (with its tokens), or leaves it to the next rule.
    pub(crate) read: fn(&Item, &[Token]) -> Option<ItemShape>,
    /// Examples, tested.
    pub(crate) examples: &'static [Example],
}

/// Every item rule, in the order tried; an item none reads is a step.
pub(crate) const ITEM_RULES: &[ItemRule] = &[
    note_item::RULE,
    heading::MARKDOWN_RULE,
    heading::RULE,
    heading::COLON_RULE,
    heading::SECTION_RULE,
    heading::TITLE_RULE,
];

// ----- reading with the tables --------------------------------------------------------------

/// A phrase read by a rule: the action, and the rule's name (its evidence).
pub(crate) type ReadAction = (Action, &'static str);

/// Reads the action tokens of a clause, phrase by phrase. Phrases no rule
/// reads come back as `Err` with the phrase's tokens, for a diagnostic.
pub(crate) fn read_actions(tokens: &[Token]) -> Vec<Result<ReadAction, Vec<Token>>> {
    let tokens = action::strip_context_prefix(tokens);
    action::phrases(&tokens)
        .into_iter()
        .map(|phrase| read_phrase(&phrase).ok_or(phrase))
        .collect()
}

/// [`read_actions`] for a whole clause: a clause that opens with a
/// statement and holds an instruction no rule reads is a description,
/// kept whole as one statement.
pub(crate) fn read_clause_actions(tokens: &[Token]) -> Vec<Result<ReadAction, Vec<Token>>> {
    let reads = read_actions(tokens);
    let opens_with_statement = matches!(reads.first(), Some(Ok((Action::Statement { .. }, _))));
    if opens_with_statement && reads.iter().any(Result::is_err) {
        let body = action::phrase_body(tokens);
        return vec![Ok((
            Action::Statement { words: body },
            statement::STATEMENT_RULE.name,
        ))];
    }
    reads
}

/// The first action rule that reads the phrase.
fn read_phrase(phrase: &[Token]) -> Option<ReadAction> {
    let body = action::phrase_body(phrase);
    // `…, or the email doesn't match`: an alternative condition, never a
    // statement to keep as a note.
    let alternative = phrase.first().is_some_and(|token| token.is("or"));
    let phrase = Phrase { body: &body };
    let read = ACTION_RULES
        .iter()
        .filter(|rule| !(alternative && rule.name == statement::STATEMENT_RULE.name))
        .find_map(|rule| (rule.read)(&phrase).map(|action| (action, rule.name)))?;
    // A condition inside a phrase whose statement cannot carry it is not
    // read: the phrase goes back as unread, never run without its guard.
    let carries_condition = matches!(
        read.0,
        Action::AskYesNo { .. }
            | Action::Check { .. }
            | Action::Statement { .. }
            | Action::Note { .. }
            | Action::AskQuoted { .. }
            | Action::AskChoice { .. }
            | Action::ReadBack { .. }
            | Action::Call { check: Some(_), .. }
    );
    let message = matches!(read.0, Action::Say { .. });
    if !carries_condition && guard_start(&body, message).is_some() {
        return None;
    }
    Some(read)
}

/// Where a condition starts inside an action phrase: `…, but only if
/// they have the receipt`, `end the conversation unless …`, `… as long
/// as …`. In a message (`say`) only a guard set off by a comma or `but`
/// counts: `tell them that if they return it …` is what to say.
fn guard_start(body: &[Token], message: bool) -> Option<usize> {
    (1..body.len()).find(|&index| {
        let token = &body[index];
        let next = |offset: usize| body.get(index + offset);
        let set_off = body[index - 1].is_punct(',') || body[index - 1].is("but");
        let opens = token.is_any(&["unless", "provided"])
            || (token.is("only") && next(1).is_some_and(|t| t.is_any(&["if", "when", "once"])))
            || (token.is("as")
                && next(1).is_some_and(|t| t.is("long"))
                && next(2).is_some_and(|t| t.is("as")))
            || (token.is("if") && !body[index - 1].is("only"))
            // `the email they used when they ordered` is not a condition.
            || (token.is_any(&["when", "whenever"]) && set_off);
        opens && (!message || set_off || (token.is("only") && body[index - 1].is("but")))
    })
}

/// The condition words inside a phrase no rule read (see
/// [`read_actions`]), for an `unread-words` diagnostic.
pub(crate) fn unread_guard(phrase: &[Token]) -> Option<Vec<Token>> {
    let body = action::phrase_body(phrase);
    let start = guard_start(&body, false)?;
    Some(body[start..].to_vec())
}

/// `Hand off to a CSR if there's no match`, `…, and end if they're
/// already enrolled`: a clause whose last phrase ends its branch (a
/// hand-off, an ending, a jump) under a trailing `if …` no statement can
/// carry. Returns what comes before that phrase (possibly nothing) and the
/// phrase turned round, `if there's no match, hand off to a CSR`, which
/// says the same: the branch ends, so nothing after it is guarded by
/// mistake. `None` for any other clause (its guard stays `unread-words`).
pub(crate) fn trailing_guard(clause: &[Token]) -> Option<(Vec<Token>, Vec<Token>)> {
    let reads = read_actions(clause);
    if !matches!(reads.last(), Some(Err(_))) {
        return None;
    }
    let stripped = action::strip_context_prefix(clause);
    let phrases = action::phrases(&stripped);
    let last = phrases.last()?;
    let body = action::phrase_body(last);
    let start = guard_start(&body, false)?;
    if !body[start].is("if") {
        return None;
    }
    let mut guarded = &body[..start];
    while guarded.last().is_some_and(|t| t.is_punct(',')) {
        guarded = &guarded[..guarded.len() - 1];
    }
    let guard = &body[start..];
    // The guard is one condition: no second action inside it.
    if guard.len() < 2 || guard.iter().any(|t| t.is_punct(':') || t.is_punct('→')) {
        return None;
    }
    let ends_branch = match read_actions(guarded).as_slice() {
        [Ok((action, _))] => matches!(
            action,
            Action::Escalate { .. } | Action::End { .. } | Action::Continue { step: Some(_) }
        ),
        _ => false,
    };
    if !ends_branch {
        return None;
    }
    let first = last.first()?.span;
    let at = clause.iter().position(|t| t.span == first)?;
    let mut before = clause[..at].to_vec();
    while before
        .last()
        .is_some_and(|t| t.is_punct(',') || t.is_any(&["and", "then"]))
    {
        before.pop();
    }
    let mut turned = guard.to_vec();
    turned.push(Token::new(Tok::Punct(','), guard[guard.len() - 1].span));
    turned.extend_from_slice(guarded);
    Some((before, turned))
}

/// Classifies condition tokens (starting with the opener word): the first
/// condition rule that reads them, and its name.
pub(crate) fn classify(condition: &[Token]) -> (Condition, &'static str) {
    let words = ConditionWords::new(condition);
    for rule in CONDITION_RULES {
        if let Some(read) = (rule.read)(&words) {
            return (read, rule.name);
        }
    }
    // The last rule reads every condition: this is not reached.
    (
        Condition::Answer {
            yes: !words.negated,
            words: words.body.to_vec(),
        },
        "answer",
    )
}

/// What a whole item is, by the first item rule that reads it, and the
/// rule's name; `None` for a step.
pub(crate) fn item_shape(item: &Item, tokens: &[Token]) -> Option<(ItemShape, &'static str)> {
    ITEM_RULES
        .iter()
        .find_map(|rule| (rule.read)(item, tokens).map(|shape| (shape, rule.name)))
}

// ----- helpers the rules share ---------------------------------------------------------------

/// Skips leading tokens while `skip` holds (and any `'s`).
pub(crate) fn skip_while(tokens: &[Token], skip: impl Fn(&Token) -> bool) -> &[Token] {
    let start = tokens
        .iter()
        .position(|t| !skip(t) && !t.is("'s"))
        .unwrap_or(tokens.len());
    &tokens[start..]
}

/// Skips who is spoken to: `the customer`, `them`, `the user know`.
pub(crate) fn skip_person(tokens: &[Token]) -> &[Token] {
    let mut start = 0;
    loop {
        let here = tokens.get(start);
        let next = tokens.get(start + 1);
        if here.is_some_and(|t| t.is("the")) && next.is_some_and(|t| t.is_a(Class::Customer)) {
            start += 2;
        } else if here.is_some_and(|t| {
            t.is_a(Class::Customer) || t.is_a(Class::ObjectPronoun) || t.is("know")
        }) {
            start += 1;
        } else {
            return &tokens[start..];
        }
    }
}

/// Whether a token is `the`, the customer or a pronoun for them: the words
/// before what a verb is about (`ask the customer for …`).
pub(crate) fn is_addressee(token: &Token) -> bool {
    token.is("the") || token.is_a(Class::Customer) || token.is_a(Class::ObjectPronoun)
}

/// A bound written as a number of times: "up to 3 times", "at most
/// twice", "3 more times", "once more"; `None` when none is written.
pub(crate) fn times_limit(tokens: &[Token]) -> Option<u32> {
    let words: Vec<&str> = tokens
        .iter()
        .filter_map(|token| match &token.kind {
            Tok::Word { lower, .. } => Some(lower.as_str()),
            Tok::Number(number) => Some(number.as_str()),
            _ => None,
        })
        .collect();
    let number = |word: &str| match word {
        "once" | "one" => Some(1),
        "twice" | "two" => Some(2),
        "three" | "thrice" => Some(3),
        "four" => Some(4),
        "five" => Some(5),
        digits => digits.parse::<u32>().ok().filter(|n| (1..=9).contains(n)),
    };
    for (index, word) in words.iter().enumerate() {
        let word = word.to_ascii_lowercase();
        let next = words
            .get(index + 1)
            .map(|next| next.to_ascii_lowercase())
            .unwrap_or_default();
        match number(&word) {
            Some(n) if matches!(word.as_str(), "twice" | "thrice") => return Some(n),
            Some(n) if matches!(next.as_str(), "times" | "time" | "more") => return Some(n),
            _ => {}
        }
    }
    None
}

/// `… for further investigation` → `further investigation`.
pub(crate) fn reason_after_for(tokens: &[Token]) -> Option<String> {
    let position = tokens.iter().rposition(|t| t.is("for"))?;
    let reason = super::tokens::written(&tokens[position + 1..]);
    (!reason.is_empty()).then_some(reason)
}

/// The words after who a hand-off goes to (`an agent who can contact the
/// carrier`, `a ticket and include the new address`): what the person
/// needs to know, carried as the reason, never dropped. `None` when
/// nothing follows the target.
pub(crate) fn reason_after_target(tokens: &[Token]) -> Option<String> {
    let target = tokens
        .iter()
        .position(|t| t.is_a(Class::Human) || t.is_a(Class::Team) || t.is_a(Class::TicketNoun))?;
    let rest = skip_while(&tokens[target + 1..], |t| {
        t.is_punct(',')
            || t.is_a(Class::Human)
            || t.is_a(Class::Team)
            || t.is_any(&["and", "then", "so", "that", "to"])
    });
    if rest.iter().all(|t| t.word().is_none()) {
        return None;
    }
    let reason = super::tokens::written(rest);
    let reason = reason.trim_end_matches(['.', ' ']).to_string();
    (!reason.is_empty()).then_some(reason)
}

#[cfg(test)]
mod tests;
