//! Asking the customer: for a value, a yes/no question, which item of a
//! list, the author's quoted question, or a choice among alternatives.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, Token, written};

/// `Ask [the customer] …` (or request, collect, get, …), then by what follows.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "ask",
    shape: "Ask [the customer] for <value> · if/whether <question> · which <item> · \"<question>?\"",
    about: "`Ask [the customer] …` (or request, collect, get, …), then by what follows:

* a quoted question (`Ask: \"Do you want to cancel?\"`) is asked as written;
* two or more quoted answers are a choice among them;
* `if` / `whether …` is a yes/no question, or a choice when it asks what they prefer among alternatives joined by `or`;
* `which …` picks one item of a list looked up earlier (or asks an open question when there is none);
* `to confirm that …` is a yes/no question;
* anything else asks for a value, its kind read from the noun (an email, an order number, a date, a postal code, a name, a number, text). With `again`, `valid`, `another` (or right after a lookup that found nothing, for the value it used) it is a retry of that lookup.",
    read,
    examples: &[
        Example {
            text: "Ask the customer for their phone number.",
            compiles_to: r#"[ok] ask text -> $phone_number: "Could you share your phone number?""#,
        },
        Example {
            text: "Ask whether the parcel arrived damaged.",
            compiles_to: r#"[ok] ask yes/no -> $parcel_arrived_damaged: "Can you confirm that your parcel arrived damaged?""#,
        },
        Example {
            text: "Ask them whether they would prefer a replacement or a refund.",
            compiles_to: r#"[ok] ask one of [a replacement, a refund] -> $prefer_replacement_or: "Which would you prefer?\n1. A replacement\n2. A refund""#,
        },
        Example {
            text: "Ask: \"Would you like us to resend it?\"",
            compiles_to: r#"[ok] ask yes/no -> $answer: "Would you like us to resend it?""#,
        },
        Example {
            text: "Ask: \"Do you want us to send the tracking number of $order.id again?\"",
            compiles_to: r#"[ok] ask yes/no -> $answer: "Do you want us to send the tracking number of {order.id} again?""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::AskVerb) {
        return None;
    }
    let rest = phrase.rest();
    let after_person = skip_while(rest, is_addressee);
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
    if first.is_some_and(|t| t.is_a(Class::Whether)) {
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
    // `ask them to confirm (that) …`, `to reply yes if …`, `to say yes`.
    let confirms = after_person.get(1).is_some_and(|t| {
        t.is("confirm") || t.is("reply") || t.is("say") || t.is("answer") || t.is("agree")
    });
    if first.is_some_and(|t| t.is("to")) && confirms {
        let question = skip_while(&after_person[2..], |t| {
            t.is("that") || t.is_a(Class::Whether) || t.is("yes") || t.is("to")
        });
        return Some(Action::AskYesNo {
            question: question.to_vec(),
        });
    }
    // `ask for an explicit yes`, `ask for a clear yes`.
    if first.is_some_and(|t| t.is("for"))
        && after_person.len() <= 4
        && after_person
            .iter()
            .any(|t| t.is("yes") || t.is("confirmation"))
    {
        return Some(Action::AskYesNo {
            question: Vec::new(),
        });
    }
    let noun = skip_while(after_person, |t| t.is_a(Class::AskLead));
    let once_more = rest.windows(2).any(|pair| {
        (pair[0].is("once") && pair[1].is("more")) || (pair[0].is("more") && pair[1].is("time"))
    });
    let retry = once_more
        || rest
            .iter()
            .any(|t| t.is_a(Class::AgainWord) || t.is_a(Class::RecheckVerb));
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
    let chooser = question.iter().position(|t| t.is_a(Class::ChooseVerb))?;
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
                options.push(written(&current));
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
        options.push(written(&current));
    }
    (options.len() >= 2
        && options
            .iter()
            .all(|option| option.split_whitespace().count() <= 7))
    .then_some(options)
}
