//! Actions: what a clause tells the bot to do, before names are resolved.
//!
//! A clause's action tokens are split into phrases at `and`/`or`/`,`
//! followed by an action verb; each phrase is then read by the first rule
//! of [`ACTION_RULES`](super::rules::ACTION_RULES) that recognises it.

use super::jump::Target;
use super::lexicon::Class;
use super::tokens::{Tok, Token};
use crate::source::Span;
use crate::syntax::ToolArg;

/// One thing the bot is told to do, before names are resolved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    /// Ask for a value: `ask for the user's email address`.
    AskValue { noun: Vec<Token>, retry: bool },
    /// Ask a yes/no question: `confirm with the customer if …`.
    AskYesNo { question: Vec<Token> },
    /// Ask which item or option: `ask the user which order …`.
    AskWhich { noun: Vec<Token> },
    /// Ask which item (or items) of a named list:
    /// `ask which items of $order.items they want to return`.
    AskWhichOf {
        list: Vec<String>,
        noun: Vec<Token>,
        several: bool,
        var: Option<String>,
    },
    /// Bind a computed value: `set $refund to the sum of $items.price`,
    /// `add $item to $items`.
    Set { var: String, value: crate::ir::Expr },
    /// Ask the exact question the author quoted: `ask: "Are you sure …?"`.
    AskQuoted { question: String },
    /// Ask the customer to choose among written alternatives:
    /// `ask why: "Wrong size", "Changed my mind" or "Other"`,
    /// `ask whether they'd prefer a replacement or a refund`.
    AskChoice {
        question: Vec<Token>,
        options: Vec<String>,
    },
    /// Show a list: `display the list of recent orders`.
    Display { noun: Vec<Token> },
    /// Call a tool.
    Call {
        tool: String,
        args: Vec<ToolArg>,
        span: Span,
        bind: Option<String>,
        /// `… to check if <predicate>`.
        check: Option<Vec<Token>>,
        /// `… to notify the user that <message>`.
        message: Option<Vec<Token>>,
    },
    /// Several tools in one phrase, with no rule for which runs when.
    SeveralTools { names: Vec<String> },
    /// Test a statement: `check if the order is within …`.
    Check { predicate: Vec<Token> },
    /// Say something: the tokens after the verb, and how to open.
    Say { words: Vec<Token>, opening: Opening },
    /// `provide the tracking number`: add a field to the message.
    Provide { noun: Vec<Token> },
    /// Hand off to a human.
    Escalate {
        reason: Option<String>,
        queue: Option<String>,
        ticket: bool,
    },
    /// `proceed as described in #Policy`.
    Goto { policy: String, span: Span },
    /// `… in #Policy – Section`.
    Enter {
        policy: String,
        section: String,
        span: Span,
    },
    /// End the conversation.
    End { outcome: String },
    /// `continue with the next step`, or `go to step 9` (a target).
    Continue { step: Option<Target> },
    /// `go back to step 4, at most 3 times`.
    Repeat { step: Target, limit: u32 },
    /// `follow up after 24 hours`, `wait 2 days`: a durable timer.
    Wait { seconds: u64, wording: String },
    /// Offer several options (defined by the item's sub-items).
    OfferOptions,
    /// Offer one thing: a yes/no question.
    OfferOne { words: Vec<Token> },
    /// A sentence about the policy or another system, kept as a note.
    Note { text: String },
    /// `look it up again`: the lookup a retry repeats (a note after one,
    /// an error anywhere else).
    Again { text: String },
    /// A statement of how things are, kept as a note of its step; a
    /// hand-off in the step carries it, and `tell them` says it.
    Statement { words: Vec<Token> },
    /// `Tell them` with nothing after it: say the statement just before.
    SayPrevious,
    /// `Read back: …`: a yes/no question confirming what will happen, in
    /// the author's quoted words or their words after `:`; both empty when
    /// the next question is the read-back.
    ReadBack {
        content: Vec<Token>,
        quoted: Option<String>,
    },
}

/// How a message opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Opening {
    /// Plain statement.
    Plain,
    /// `Thank you …`.
    Thanks,
    /// `I'm sorry …`.
    Apology,
    /// `About …`.
    About,
    /// `I'd suggest …`.
    Suggestion,
}

/// `For the selected order, …`, `Once the order is selected, …`: context, not action.
pub(crate) fn strip_context_prefix(tokens: &[Token]) -> Vec<Token> {
    let opens_context = tokens.first().is_some_and(|t| t.is_a(Class::ContextOpener));
    if opens_context && !tokens.iter().any(|t| matches!(t.kind, Tok::Policy(_))) {
        if let Some(comma) = tokens.iter().position(|t| t.is_punct(',')) {
            return tokens[comma + 1..].to_vec();
        }
    }
    tokens.to_vec()
}

/// Splits at `and`/`or`/`,` (and `, then`) when an action verb follows.
pub(crate) fn phrases(tokens: &[Token]) -> Vec<Vec<Token>> {
    let mut out: Vec<Vec<Token>> = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        // `don't guess at other addresses: hand the chat to an agent`: what
        // follows a prohibition's colon is an instruction of its own.
        let after_prohibition = token.is_punct(':')
            && current.first().is_some_and(|t| t.is_a(Class::Prohibition))
            && current.iter().filter(|t| t.word().is_some()).count() >= 2;
        // `explain + end convo`: a plus joins two instructions.
        let joiner = token.is_any(&["and", "or", "then"])
            || token.is_punct(',')
            || token.is_punct('+')
            || after_prohibition;
        // `Next, go ahead and fetch …`: a filler set off by a comma opens
        // the phrase after it, it is no phrase of its own.
        let only_filler = !current.is_empty()
            && current
                .iter()
                .all(|t| t.is_a(Class::Filler) || t.is_punct(','));
        // `ask for their email → @find_traveler → tell them … → close as
        // found`: an arrow between instructions runs them in turn; each is
        // a phrase of its own, read or reported, never dropped.
        let arrow = if token.is_punct('→') {
            1
        } else if token.is_punct('-') && tokens.get(index + 1).is_some_and(|t| t.is_punct('>')) {
            2
        } else {
            0
        };
        if arrow > 0 && !inside_parentheses(tokens, index) {
            if current
                .iter()
                .any(|t| t.word().is_some() || !matches!(t.kind, Tok::Punct(_)))
            {
                out.push(std::mem::take(&mut current));
            }
            index += arrow;
            continue;
        }
        if joiner && !current.is_empty() && !only_filler {
            let mut look = index + 1;
            while tokens.get(look).is_some_and(|t| {
                t.is_any(&["and", "or", "then", "also"])
                        || t.is_punct(',')
                        // `…, so pass the chat to billing`: what follows
                        // `so` is an instruction of its own.
                        || (t.is("so") && token.is_punct(','))
            }) {
                look += 1;
            }
            // `ask whether they'd like to skip it, pause it, or move the
            // date`: inside a question, `or` joins alternatives, not actions.
            let in_question = current.iter().any(|t| t.is("whether") || t.is("which"))
                || current
                    .windows(2)
                    .any(|pair| (pair[0].is("ask") || pair[0].is("asking")) && pair[1].is("if"));
            // `ask them to check it and send it again`: what they are asked
            // to do goes on after `and`, unless a tool or policy is named.
            let asked_to_do = current.first().is_some_and(|t| t.is_a(Class::AskVerb))
                && current.iter().any(|t| t.is("to"))
                && token.is("and")
                && tokens.get(look).is_some_and(|t| t.is_a(Class::PromptVerb))
                && !tokens[look..]
                    .iter()
                    .any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_)));
            // `pass to an agent, don't retry`: a prohibition is a phrase.
            let prohibition = tokens.get(look).is_some_and(|t| {
                t.is_a(Class::Prohibition)
                    && (!t.is("do") || tokens.get(look + 1).is_some_and(|next| next.is("not")))
            }) && token.is_punct(',');
            // `end, nothing sent`: what was not done is a phrase of its own.
            let nothing_done = token.is_punct(',')
                && tokens.get(look).is_some_and(|t| t.is("nothing"))
                && tokens.get(look + 1).is_some_and(|t| t.word().is_some());
            // `ask for their email, then @find_traveler`: a tool named
            // after an instruction of another verb is a call of its own.
            let tool_after = tokens
                .get(look)
                .is_some_and(|t| matches!(t.kind, Tok::Tool { .. }))
                && current
                    .first()
                    .is_some_and(|t| t.is_phrase_verb() && !t.is_a(Class::ReferenceVerb))
                && !current
                    .iter()
                    .any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_)));
            let starts_action = (tokens.get(look).is_some_and(Token::is_phrase_verb)
                || prohibition
                || nothing_done
                || tool_after)
                && !inside_parentheses(tokens, index)
                && !asked_to_do
                && !(in_question && (token.is("or") || token.is_punct(',')));
            if starts_action {
                out.push(std::mem::take(&mut current));
                index = look;
                continue;
            }
        }
        current.push(token.clone());
        index += 1;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn inside_parentheses(tokens: &[Token], index: usize) -> bool {
    let mut depth = 0i32;
    for token in &tokens[..index] {
        if token.is_punct('(') {
            depth += 1;
        } else if token.is_punct(')') {
            depth -= 1;
        }
    }
    depth > 0
}

/// Removes parenthesised asides that hold no reference: `(e.g., 10% or 15%)`.
pub(crate) fn without_asides(tokens: &[Token]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut aside: Vec<Token> = Vec::new();
    let mut depth = 0;
    for token in tokens {
        if token.is_punct('(') {
            depth += 1;
            aside.push(token.clone());
            continue;
        }
        if depth > 0 {
            aside.push(token.clone());
            if token.is_punct(')') {
                depth -= 1;
                if depth == 0 {
                    let has_reference = aside
                        .iter()
                        .any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_) | Tok::Var(_)));
                    if has_reference {
                        out.append(&mut aside);
                    }
                    aside.clear();
                }
            }
            continue;
        }
        out.push(token.clone());
    }
    out.extend(aside);
    out
}

/// The phrase from its verb on: fillers (`please`, `then`) and commas
/// before the verb are skipped, parenthesised asides without references
/// dropped.
pub(crate) fn phrase_body(phrase: &[Token]) -> Vec<Token> {
    let phrase = without_asides(phrase);
    let mut start = phrase
        .iter()
        .position(|t| !t.is_a(Class::Filler) && !t.is_punct(','))
        .unwrap_or(phrase.len());
    // `you'll want to ask …`, `we need to check …`, `you may want to
    // offer …`: the author telling the agent what to do; the verb follows.
    let mut at = start;
    if phrase
        .get(at)
        .is_some_and(|t| t.is_any(&["you", "we", "you'll", "we'll", "you'd", "we'd", "i'd", "i"]))
    {
        at += 1;
    }
    while phrase.get(at).is_some_and(|t| {
        t.is_any(&[
            "will", "would", "may", "might", "should", "must", "also", "just",
        ])
    }) {
        at += 1;
    }
    if phrase
        .get(at)
        .is_some_and(|t| t.is_any(&["want", "need", "have", "like", "wish"]))
        && phrase.get(at + 1).is_some_and(|t| t.is("to"))
        && phrase.get(at + 2).is_some_and(Token::is_phrase_verb)
    {
        start = at + 2;
    }
    // `we'd like you to ask …`.
    if phrase.get(at).is_some_and(|t| t.is("like"))
        && phrase.get(at + 1).is_some_and(|t| t.is("you"))
        && phrase.get(at + 2).is_some_and(|t| t.is("to"))
        && phrase.get(at + 3).is_some_and(Token::is_phrase_verb)
    {
        start = at + 3;
    }
    // `Start by asking …`, `Begin by checking …`.
    if phrase
        .get(start)
        .is_some_and(|t| t.is("start") || t.is("begin"))
        && phrase.get(start + 1).is_some_and(|t| t.is("by"))
    {
        start += 2;
    }
    phrase[start..].to_vec()
}
