//! Action rules: what a clause tells the bot to do.
//!
//! A clause's action tokens are split into phrases at `and`/`or`/`,`
//! followed by an action verb, and each phrase is read by the first rule
//! that recognises it. References decide first (a phrase naming `@tool` is a
//! call, one naming `#Policy` a policy reference); then the leading verb.

use super::tokens::{Tok, Token};
use crate::source::Span;
use crate::syntax::ToolArg;

/// Verbs that start an action phrase.
pub(crate) const ACTION_VERBS: &[&str] = &[
    "ask",
    "request",
    "prompt",
    "collect",
    "obtain",
    "gather",
    "confirm",
    "verify",
    "check",
    "use",
    "call",
    "run",
    "invoke",
    "retrieve",
    "fetch",
    "look",
    "get",
    "apply",
    "inform",
    "tell",
    "let",
    "notify",
    "explain",
    "thank",
    "apologize",
    "apologise",
    "reiterate",
    "remind",
    "advise",
    "provide",
    "providing",
    "share",
    "give",
    "say",
    "reply",
    "respond",
    "send",
    "display",
    "show",
    "list",
    "present",
    "route",
    "transfer",
    "escalate",
    "hand",
    "pass",
    "forward",
    "assign",
    "refer",
    "create",
    "open",
    "raise",
    "file",
    "log",
    "proceed",
    "continue",
    "follow",
    "go",
    "switch",
    "move",
    "end",
    "close",
    "stop",
    "finish",
    "resolve",
    "offer",
    "ensure",
    "mark",
    "query",
    "pull",
    "load",
    "find",
    "search",
    "read",
    "retrieving",
    "informing",
    "telling",
    "routing",
    "transferring",
    "escalating",
    "asking",
];

/// Filler words skipped before a verb.
const FILLERS: &[&str] = &[
    "please",
    "then",
    "also",
    "kindly",
    "simply",
    "first",
    "next",
    "finally",
    "immediately",
    "politely",
    "now",
    "and",
    "or",
    "just",
    "always",
    "afterwards",
    "we",
    "you",
    "should",
    "must",
    "will",
    "to",
];

/// One thing the bot is told to do, before names are resolved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    /// Ask for a value: `ask for the user's email address`.
    AskValue { noun: Vec<Token>, retry: bool },
    /// Ask a yes/no question: `confirm with the customer if …`.
    AskYesNo { question: Vec<Token> },
    /// Ask which item or option: `ask the user which order …`.
    AskWhich { noun: Vec<Token> },
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
    /// `continue with the next step`, or `go to step 9`.
    Continue { step: Option<String> },
    /// `go back to step 4, at most 3 times`.
    Repeat { step: String, limit: u32 },
    /// Offer several options (defined by the item's sub-items).
    OfferOptions,
    /// Offer one thing: a yes/no question.
    OfferOne { words: Vec<Token> },
    /// A sentence about the policy or another system, kept as a note.
    Note { text: String },
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
}

/// Reads the action tokens of a clause. Phrases no rule reads come back as
/// `Err` with the phrase's tokens, for a diagnostic.
pub(crate) fn actions(tokens: &[Token]) -> Vec<Result<Action, Vec<Token>>> {
    let tokens = strip_context_prefix(tokens);
    let mut out = Vec::new();
    for phrase in phrases(&tokens) {
        out.push(read_phrase(&phrase).ok_or(phrase));
    }
    out
}

/// `For the selected order, …`, `Once the order is selected, …`: context, not action.
fn strip_context_prefix(tokens: &[Token]) -> Vec<Token> {
    let opens_context = tokens.first().is_some_and(|t| {
        t.is_any(&[
            "for", "once", "after", "before", "having", "with", "now", "at",
        ])
    });
    if opens_context && !tokens.iter().any(|t| matches!(t.kind, Tok::Policy(_))) {
        if let Some(comma) = tokens.iter().position(|t| t.is_punct(',')) {
            return tokens[comma + 1..].to_vec();
        }
    }
    tokens.to_vec()
}

/// Splits at `and`/`or`/`,` (and `, then`) when an action verb follows.
fn phrases(tokens: &[Token]) -> Vec<Vec<Token>> {
    let mut out: Vec<Vec<Token>> = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        let joiner = token.is_any(&["and", "or", "then"]) || token.is_punct(',');
        if joiner && !current.is_empty() {
            let mut look = index + 1;
            while tokens
                .get(look)
                .is_some_and(|t| t.is_any(&["and", "or", "then", "also"]) || t.is_punct(','))
            {
                look += 1;
            }
            // `ask whether they'd like to skip it, pause it, or move the
            // date`: inside a question, `or` joins alternatives, not actions.
            let in_question = current.iter().any(|t| t.is_any(&["whether", "which"]))
                || current
                    .windows(2)
                    .any(|pair| pair[0].is_any(&["ask", "asking"]) && pair[1].is("if"));
            let starts_action = tokens.get(look).is_some_and(|t| t.is_any(ACTION_VERBS))
                && !inside_parentheses(tokens, index)
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
fn without_asides(tokens: &[Token]) -> Vec<Token> {
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

fn read_phrase(phrase: &[Token]) -> Option<Action> {
    let phrase = without_asides(phrase);
    let start = phrase
        .iter()
        .position(|t| !t.is_any(FILLERS) && !t.is_punct(','))
        .unwrap_or(phrase.len());
    let body = &phrase[start..];
    let verb = body.first()?.word().unwrap_or("");
    let rest = &body[1..];

    if let Some(action) = note(body) {
        return Some(action);
    }
    if let Some(action) = tool_call(body) {
        return Some(action);
    }
    if let Some(action) = policy_reference(body) {
        return Some(action);
    }
    match verb {
        "ask" | "request" | "prompt" | "collect" | "obtain" | "gather" | "asking" | "get" => {
            ask(rest)
        }
        "confirm" => confirm(rest),
        "check" | "verify" | "determine" | "see" => {
            let after = skip_words(rest, &["with", "the", "user", "customer", "them"]);
            if after.first().is_some_and(|t| t.is_any(&["if", "whether"])) {
                Some(Action::Check {
                    predicate: after[1..].to_vec(),
                })
            } else {
                None
            }
        }
        "inform" | "tell" | "notify" | "explain" | "advise" | "remind" | "say" | "reply"
        | "respond" | "informing" | "telling" | "let" | "send" | "share" | "reiterate" => {
            say(verb, rest)
        }
        "thank" => Some(Action::Say {
            words: skip_words(rest, &["the", "user", "customer", "them", "him", "her"]).to_vec(),
            opening: Opening::Thanks,
        }),
        "apologize" | "apologise" => Some(Action::Say {
            words: skip_words(rest, &["to", "the", "user", "customer", "them"]).to_vec(),
            opening: Opening::Apology,
        }),
        "provide" | "providing" | "give" | "include" => Some(Action::Provide {
            noun: skip_words(rest, &["the", "user", "customer", "them", "with"]).to_vec(),
        }),
        "display" | "show" | "list" | "present" => Some(Action::Display {
            noun: rest.to_vec(),
        }),
        "route" | "transfer" | "escalate" | "hand" | "pass" | "forward" | "assign" | "refer"
        | "routing" | "transferring" | "escalating" => escalate(body),
        "create" | "open" | "raise" | "file" | "log" => {
            if rest.iter().any(|t| t.is_any(&["ticket", "case", "claim"])) {
                Some(Action::Escalate {
                    reason: reason_after_for(rest),
                    queue: None,
                    ticket: true,
                })
            } else {
                None
            }
        }
        "end" | "close" | "stop" | "finish" | "resolve" | "mark" => end(rest),
        "continue" | "proceed" | "go" | "move" | "skip" | "jump" | "return" => {
            let words: Vec<&str> = rest.iter().filter_map(Token::word).collect();
            if words.contains(&"policy") {
                return None;
            }
            // `move the next charge date` is not `move on`.
            let onward = matches!(verb, "continue" | "proceed")
                || words.is_empty()
                || matches!(
                    words.first(),
                    Some(&("on" | "to" | "ahead" | "forward" | "back" | "with"))
                );
            if !onward {
                return None;
            }
            let step = rest
                .windows(2)
                .find(|pair| pair[0].is("step"))
                .and_then(|pair| match &pair[1].kind {
                    Tok::Number(number) => Some(number.trim_end_matches('.').to_string()),
                    Tok::Word { lower, .. } if lower.len() <= 4 => Some(lower.clone()),
                    _ => None,
                });
            match (step, times_limit(rest)) {
                (Some(step), Some(limit)) => Some(Action::Repeat { step, limit }),
                (step, _) => Some(Action::Continue { step }),
            }
        }
        "offer" => {
            let words: Vec<&str> = rest.iter().filter_map(Token::word).collect();
            if words
                .iter()
                .any(|word| matches!(*word, "options" | "alternatives" | "choices" | "offers"))
            {
                Some(Action::OfferOptions)
            } else {
                Some(Action::OfferOne {
                    words: rest.to_vec(),
                })
            }
        }
        "ensure" | "make" => ensure(rest),
        _ => None,
    }
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

fn skip_words<'a>(tokens: &'a [Token], words: &[&str]) -> &'a [Token] {
    let start = tokens
        .iter()
        .position(|t| !t.is_any(words) && !t.is("'s"))
        .unwrap_or(tokens.len());
    &tokens[start..]
}

fn note(body: &[Token]) -> Option<Action> {
    let words: Vec<&str> = body.iter().take(4).filter_map(Token::word).collect();
    let is_note = matches!(words.first(), Some(&"note"))
        || words.starts_with(&["use", "this", "policy"])
        || words.starts_with(&["this", "policy"])
        || (words.get(1) == Some(&"will")
            && body.first().is_some_and(|t| matches!(&t.kind, Tok::Word { text, .. } if text.starts_with(char::is_uppercase)))
            && !body.iter().any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_)))
            && !matches!(words.first(), Some(&"we" | &"you" | &"i" | &"they")));
    is_note.then(|| Action::Note {
        text: super::tokens::written(body),
    })
}

fn tool_call(body: &[Token]) -> Option<Action> {
    let tools: Vec<&Token> = body
        .iter()
        .filter(|t| matches!(t.kind, Tok::Tool { .. }))
        .collect();
    match tools.as_slice() {
        [] => None,
        [tool] => {
            let Tok::Tool { name, args } = &tool.kind else {
                return None;
            };
            let after: Vec<Token> = body
                .iter()
                .skip_while(|t| !matches!(t.kind, Tok::Tool { .. }))
                .skip(1)
                .cloned()
                .collect();
            let bind = after
                .windows(2)
                .find_map(|pair| match (&pair[0], &pair[1].kind) {
                    (first, Tok::Var(path)) if first.is_any(&["as", "into"]) => {
                        path.first().cloned()
                    }
                    _ => None,
                });
            let check = purpose(&after, &["check", "verify", "see", "confirm", "determine"])
                .filter(|predicate| {
                    predicate
                        .first()
                        .is_some_and(|t| t.is_any(&["if", "whether"]))
                })
                .map(|predicate| predicate[1..].to_vec());
            let message =
                purpose(&after, &["notify", "inform", "tell", "let", "message"]).map(|words| {
                    let skipped = skip_words(&words, &["the", "user", "customer", "them", "know"]);
                    skip_words(skipped, &["that"]).to_vec()
                });
            Some(Action::Call {
                tool: name.clone(),
                args: args.clone(),
                span: tool.span,
                bind,
                check,
                message,
            })
        }
        several => Some(Action::SeveralTools {
            names: several
                .iter()
                .filter_map(|t| match &t.kind {
                    Tok::Tool { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect(),
        }),
    }
}

/// The words after `to <verb>` (`… to check if X` → `if X`).
fn purpose(after: &[Token], verbs: &[&str]) -> Option<Vec<Token>> {
    let position = after
        .windows(2)
        .position(|pair| pair[0].is("to") && pair[1].is_any(verbs))?;
    Some(after[position + 2..].to_vec())
}

fn policy_reference(body: &[Token]) -> Option<Action> {
    let position = body.iter().position(|t| matches!(t.kind, Tok::Policy(_)))?;
    let Tok::Policy(policy) = &body[position].kind else {
        return None;
    };
    let span = body[position].span;
    let after = &body[position + 1..];
    if after.first().is_some_and(|t| t.is_punct('-')) {
        let section: Vec<&str> = after[1..]
            .iter()
            .filter_map(|t| match &t.kind {
                Tok::Word { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        if !section.is_empty() {
            return Some(Action::Enter {
                policy: policy.clone(),
                section: section.join(" "),
                span,
            });
        }
    }
    Some(Action::Goto {
        policy: policy.clone(),
        span,
    })
}

fn ask(rest: &[Token]) -> Option<Action> {
    let after_person = skip_words(
        rest,
        &[
            "the", "user", "customer", "them", "him", "her", "client", "shopper",
        ],
    );
    // The author's own question, quoted, is asked as written.
    if let Some(question) = rest.iter().find_map(|t| match &t.kind {
        Tok::Literal(text) if text.trim_end().ends_with('?') => Some(text.trim().to_string()),
        _ => None,
    }) {
        return Some(Action::AskQuoted { question });
    }
    // Quoted answers to choose from.
    let quoted: Vec<String> = rest
        .iter()
        .filter_map(|t| match &t.kind {
            Tok::Literal(text) => Some(text.trim().to_string()),
            _ => None,
        })
        .collect();
    if quoted.len() >= 2 {
        let question: Vec<Token> = after_person
            .iter()
            .take_while(|t| !matches!(t.kind, Tok::Literal(_)) && !t.is_punct(':'))
            .cloned()
            .collect();
        return Some(Action::AskChoice {
            question,
            options: quoted,
        });
    }
    let first = after_person.first();
    if first.is_some_and(|t| t.is_any(&["if", "whether"])) {
        let question = after_person[1..].to_vec();
        if let Some(options) = alternatives(&question) {
            return Some(Action::AskChoice { question, options });
        }
        return Some(Action::AskYesNo { question });
    }
    if first.is_some_and(|t| t.is("which")) {
        return Some(Action::AskWhich {
            noun: after_person[1..].to_vec(),
        });
    }
    if first.is_some_and(|t| t.is("to")) && after_person.get(1).is_some_and(|t| t.is("confirm")) {
        let question = skip_words(&after_person[2..], &["that", "if", "whether"]);
        return Some(Action::AskYesNo {
            question: question.to_vec(),
        });
    }
    let noun = skip_words(
        after_person,
        &[
            "for", "to", "provide", "enter", "share", "give", "type", "send", "supply", "re-enter",
            "once", "more", "with",
        ],
    );
    let once_more = rest.windows(2).any(|pair| {
        (pair[0].is("once") && pair[1].is("more")) || (pair[0].is("more") && pair[1].is("time"))
    });
    let retry = once_more
        || rest.iter().any(|t| {
            t.is_any(&[
                "valid",
                "again",
                "re-enter",
                "another",
                "correct",
                "different",
                "double-check",
                "re-check",
                "recheck",
                "retype",
            ])
        });
    if noun.is_empty() {
        return retry.then(|| Action::AskValue {
            noun: Vec::new(),
            retry,
        });
    }
    Some(Action::AskValue {
        noun: noun.to_vec(),
        retry,
    })
}

/// `they'd prefer a replacement or a refund` → `["a replacement", "a refund"]`;
/// `they want to skip the next delivery, pause the subscription, or move the
/// next charge date` → three. Only a question about preference or choice
/// ("prefer", "want", "rather", "like", "choose") is split, so "whether the
/// parcel was lost or damaged" stays a yes/no question.
fn alternatives(question: &[Token]) -> Option<Vec<String>> {
    let chooser = question.iter().position(|t| {
        t.is_any(&[
            "prefer", "prefers", "rather", "want", "wants", "like", "choose", "chooses", "pick",
        ])
    })?;
    let mut start = chooser + 1;
    while question.get(start).is_some_and(|t| t.is("to")) {
        start += 1;
    }
    let tail = &question[start..];
    if !tail.iter().any(|t| t.is("or")) {
        return None;
    }
    let mut options = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    for token in tail {
        if token.is("or") || token.is_punct(',') {
            if !current.is_empty() {
                options.push(super::tokens::written(&current));
                current.clear();
            }
            continue;
        }
        if token.is("either") && current.is_empty() {
            continue;
        }
        current.push(token.clone());
    }
    if !current.is_empty() {
        options.push(super::tokens::written(&current));
    }
    (options.len() >= 2
        && options
            .iter()
            .all(|option| option.split_whitespace().count() <= 7))
    .then_some(options)
}

fn confirm(rest: &[Token]) -> Option<Action> {
    let after_person = skip_words(rest, &["with", "the", "user", "customer", "them"]);
    match after_person.first() {
        Some(t) if t.is_any(&["if", "whether"]) => Some(Action::AskYesNo {
            question: after_person[1..].to_vec(),
        }),
        Some(t) if t.is("that") => Some(Action::Say {
            words: after_person[1..].to_vec(),
            opening: Opening::Plain,
        }),
        Some(_) if rest.first().is_some_and(|t| t.is("with")) => Some(Action::AskYesNo {
            question: after_person.to_vec(),
        }),
        Some(_) => Some(Action::AskYesNo {
            question: after_person.to_vec(),
        }),
        None => None,
    }
}

/// Skips who is spoken to: `the customer`, `them`, `the user know`.
fn skip_person(tokens: &[Token]) -> &[Token] {
    let mut start = 0;
    loop {
        let here = tokens.get(start);
        let next = tokens.get(start + 1);
        if here.is_some_and(|t| t.is("the")) && next.is_some_and(|t| t.is_any(PEOPLE)) {
            start += 2;
        } else if here
            .is_some_and(|t| t.is_any(PEOPLE) || t.is_any(&["them", "him", "her", "know"]))
        {
            start += 1;
        } else {
            return &tokens[start..];
        }
    }
}

const PEOPLE: &[&str] = &["user", "customer", "client", "shopper", "buyer"];

fn say(verb: &str, rest: &[Token]) -> Option<Action> {
    let mut words = skip_person(rest);
    if verb == "send" {
        // `send a message saying …`, `send the tracking link`.
        let position = words
            .iter()
            .position(|t| t.is_any(&["saying", "stating", "that", "confirming"]));
        match position {
            Some(position) => words = &words[position + 1..],
            None => {
                return Some(Action::Provide {
                    noun: words.to_vec(),
                });
            }
        }
    }
    let opening = if words.first().is_some_and(|t| t.is("about")) {
        words = &words[1..];
        Opening::About
    } else {
        Opening::Plain
    };
    let words = skip_words(words, &["that"]);
    if words.is_empty() {
        return None;
    }
    Some(Action::Say {
        words: words.to_vec(),
        opening,
    })
}

fn escalate(body: &[Token]) -> Option<Action> {
    let words: Vec<&str> = body.iter().filter_map(Token::word).collect();
    const HUMANS: &[&str] = &[
        "agent",
        "agents",
        "human",
        "humans",
        "person",
        "representative",
        "rep",
        "support",
        "team",
        "specialist",
        "supervisor",
        "manager",
        "colleague",
        "staff",
        "someone",
        "operator",
        "queue",
        "tier",
    ];
    if !words.iter().any(|word| HUMANS.contains(word))
        && !words
            .first()
            .is_some_and(|word| word.starts_with("escalat"))
    {
        return None;
    }
    let queue = body
        .windows(3)
        .find_map(|window| match (&window[0], &window[1], &window[2]) {
            (to, the, name)
                if to.is("to")
                    && the.is("the")
                    && name.word().is_some_and(|w| !HUMANS.contains(&w)) =>
            {
                let next_is_team = body
                    .iter()
                    .skip_while(|t| t.span != name.span)
                    .nth(1)
                    .is_some_and(|t| t.is_any(&["team", "queue", "department", "desk"]));
                next_is_team.then(|| name.word().unwrap_or_default().to_string())
            }
            _ => None,
        });
    Some(Action::Escalate {
        reason: reason_after_for(body),
        queue,
        ticket: words.contains(&"ticket"),
    })
}

/// `… for further investigation` → `further investigation`.
fn reason_after_for(tokens: &[Token]) -> Option<String> {
    let position = tokens.iter().rposition(|t| t.is("for"))?;
    let reason = super::tokens::written(&tokens[position + 1..]);
    (!reason.is_empty()).then_some(reason)
}

fn end(rest: &[Token]) -> Option<Action> {
    let words: Vec<&str> = rest.iter().filter_map(Token::word).collect();
    let is_end = words.is_empty()
        || words.iter().any(|word| {
            matches!(
                *word,
                "conversation"
                    | "chat"
                    | "session"
                    | "ticket"
                    | "case"
                    | "here"
                    | "there"
                    | "resolved"
                    | "flow"
                    | "policy"
            )
        });
    if !is_end {
        return None;
    }
    let outcome = words
        .iter()
        .position(|word| matches!(*word, "as" | "with"))
        .and_then(|position| words.get(position + 1..))
        .map(|rest| {
            rest.iter()
                .copied()
                .filter(|word| !matches!(*word, "outcome" | "an" | "a" | "the"))
                .collect::<Vec<_>>()
                .join("_")
        })
        .filter(|outcome| !outcome.is_empty())
        .unwrap_or_else(|| "resolved".to_string());
    Some(Action::End { outcome })
}

fn ensure(rest: &[Token]) -> Option<Action> {
    // `ensure the user receives a follow-up message confirming that S`.
    let position = rest
        .iter()
        .position(|t| t.is_any(&["confirming", "saying", "stating", "explaining"]))?;
    let words = skip_words(&rest[position + 1..], &["that"]);
    Some(Action::Say {
        words: words.to_vec(),
        opening: Opening::Plain,
    })
}
