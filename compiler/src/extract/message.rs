//! Message templates from policy wording.
//!
//! Policies speak about the customer in the third person ("inform that the
//! order was shipped"); customers should read a careful agent's words
//! ("Your order {order.id} was shipped."). These functions rewrite the
//! wording into second person, put record identifiers and `$fields` in as
//! template fields, and phrase questions. They never invent facts: every
//! field they add is one the policy's words name.

use super::action::Opening;
use super::lexicon::{self, Class};
use super::scope::Scope;
use super::tokens::{Tok, Token};
use crate::ir::{Message, MessagePart, Path};

/// Rewrites a statement into second person, as a message.
pub(crate) fn statement(words: &[Token], opening: Opening, scope: &Scope<'_>) -> Message {
    let mut message = Message::default();
    let prefix = match opening {
        Opening::Plain => "",
        Opening::Thanks => "Thank you ",
        Opening::Apology => "I'm sorry ",
        Opening::Suggestion => "I'd suggest ",
        Opening::About => {
            let regrettable = words.iter().any(|word| word.is_a(Class::Regrettable));
            if regrettable {
                "I'm sorry about "
            } else {
                "I need to let you know about "
            }
        }
    };
    if !prefix.is_empty() {
        message.parts.push(MessagePart::Text(prefix.to_string()));
    }
    message
        .parts
        .extend(second_person(words, scope, opening == Opening::Plain));
    finish(message, '.')
}

/// `provide the tracking number` → `The tracking number is {order.tracking_number}.`
pub(crate) fn field_sentence(noun: &[Token], scope: &Scope<'_>) -> Result<Message, String> {
    let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
    if let Some(path) = noun.iter().find_map(|token| match &token.kind {
        Tok::Var(path) => Some(Path(path.clone())),
        _ => None,
    }) {
        let label = path.0.last().cloned().unwrap_or_default().replace('_', " ");
        return Ok(finish(
            Message {
                parts: vec![
                    MessagePart::Text(format!("The {label} is ")),
                    MessagePart::Field(path),
                ],
            },
            '.',
        ));
    }
    // A value to tell is a field, never a whole record or list.
    let (path, _) = scope
        .find_field(&words, &|ty| {
            !matches!(
                ty.required(),
                crate::catalog::Type::Record(_) | crate::catalog::Type::List(_)
            )
        })
        .ok_or_else(|| format!("no field in scope matches \"{}\"", words.join(" ")))?;
    let label: Vec<&str> = super::scope::content_words(&words)
        .into_iter()
        .filter(|word| {
            !lexicon::is(word, Class::ProvideVerb) && !lexicon::is(word, Class::Abbreviation)
        })
        .collect();
    Ok(finish(
        Message {
            parts: vec![
                MessagePart::Text(format!("The {} is ", label.join(" "))),
                MessagePart::Field(path),
            ],
        },
        '.',
    ))
}

/// A question or read-back the author quoted, with its `$values` filled in
/// as fields; the variables it names that are not in scope come back too.
pub(crate) fn quoted(text: &str, scope: &Scope<'_>) -> (Message, Vec<String>) {
    let mut parts = Vec::new();
    let mut unknown = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let starts_name = c == '$'
            && text[index + 1..]
                .chars()
                .next()
                .is_some_and(|next| next.is_ascii_alphabetic() || next == '_');
        if !starts_name {
            literal.push(c);
            continue;
        }
        // `$order.id`: names and dots, but not a sentence's final dot.
        let mut path = String::new();
        while let Some(&(_, next)) = chars.peek() {
            let continues_name = next.is_ascii_alphanumeric() || next == '_';
            let dot_then_name = next == '.'
                && path.chars().last().is_some_and(|last| last != '.')
                && text[chars.peek().map_or(0, |(at, _)| *at) + 1..]
                    .chars()
                    .next()
                    .is_some_and(|after| after.is_ascii_alphabetic() || after == '_');
            if continues_name || dot_then_name {
                path.push(next);
                chars.next();
            } else {
                break;
            }
        }
        let segments: Vec<String> = path.split('.').map(str::to_string).collect();
        if scope.path_type(&segments).is_none() {
            unknown.push(path.clone());
            literal.push('$');
            literal.push_str(&path);
            continue;
        }
        if !literal.is_empty() {
            parts.push(MessagePart::Text(std::mem::take(&mut literal)));
        }
        parts.push(MessagePart::Field(Path(segments)));
    }
    if !literal.is_empty() {
        parts.push(MessagePart::Text(literal));
    }
    let mut message = Message { parts };
    message.normalise();
    (message, unknown)
}

/// A read-back in the policy's words: `To confirm: <what will happen>. Is
/// that right?`
pub(crate) fn read_back(content: &[Token], scope: &Scope<'_>) -> Message {
    let mut message = Message::text("To confirm: ");
    let said = finish(
        Message {
            parts: second_person(content, scope, false),
        },
        '.',
    );
    message.parts.extend(said.parts);
    message
        .parts
        .push(MessagePart::Text(" Is that right?".to_string()));
    message.normalise();
    message
}

/// A yes/no question from `if the order was delivered`.
pub(crate) fn yes_no_question(question: &[Token], scope: &Scope<'_>) -> Message {
    let rewritten = second_person(question, scope, true);
    let text_start = match rewritten.first() {
        Some(MessagePart::Text(text)) => text.clone(),
        _ => String::new(),
    };
    let inversions = [
        ("you are ", "Are you "),
        ("you would ", "Would you "),
        ("you want ", "Do you want "),
        ("you have ", "Have you "),
        ("you can ", "Can you "),
        ("you will ", "Will you "),
    ];
    for (statement_start, question_start) in inversions {
        if let Some(rest) = text_start.strip_prefix(statement_start) {
            let mut parts = rewritten.clone();
            parts[0] = MessagePart::Text(format!("{question_start}{rest}"));
            return finish(Message { parts }, '?');
        }
    }
    let mut parts = vec![MessagePart::Text("Can you confirm that ".to_string())];
    parts.extend(rewritten);
    finish(Message { parts }, '?')
}

/// `which specific order they would like to inquire about` →
/// `Which order would you like to inquire about?`
pub(crate) fn which_question(noun: &[Token], scope: &Scope<'_>) -> Message {
    let filtered: Vec<Token> = noun
        .iter()
        .filter(|token| !token.is("specific"))
        .cloned()
        .collect();
    let mut parts = vec![MessagePart::Text("which ".to_string())];
    parts.extend(second_person(&filtered, scope, false));
    let mut message = Message { parts };
    message.normalise();
    if let Some(MessagePart::Text(text)) = message.parts.first_mut() {
        for (statement, question) in [
            (" you would like", " would you like"),
            (" you want", " do you want"),
            (" you'd like", " would you like"),
            (" you wish", " do you wish"),
        ] {
            if let Some(position) = text.find(statement) {
                text.replace_range(position..position + statement.len(), question);
                break;
            }
        }
    }
    finish(message, '?')
}

/// A prompt for a value: `Could you share your email address?`
pub(crate) fn value_prompt(noun: &[Token], scope: &Scope<'_>) -> Message {
    // `ask them to upload photos of the damage` → `Could you upload photos of the damage?`
    let starts_with_verb = noun
        .first()
        .is_some_and(|token| token.is_a(Class::PromptVerb));
    if starts_with_verb {
        let mut parts = vec![MessagePart::Text("Could you ".to_string())];
        parts.extend(second_person(noun, scope, false));
        return finish(Message { parts }, '?');
    }
    let mut parts = vec![MessagePart::Text("Could you share ".to_string())];
    let rewritten = second_person(noun, scope, false);
    let starts_with_article = matches!(
        rewritten.first(),
        Some(MessagePart::Text(text)) if text.starts_with("your ") || text.starts_with("the ") || text.starts_with("a ") || text.starts_with("an ")
    );
    if !starts_with_article {
        parts.push(MessagePart::Text("your ".to_string()));
    }
    parts.extend(rewritten);
    finish(Message { parts }, '?')
}

/// The re-ask after a failed lookup: `I couldn't find that email address. Could you share a valid one?`
pub(crate) fn retry_prompt(what: &str) -> Message {
    let what = if what.is_empty() { "that" } else { what };
    Message::text(format!(
        "I couldn't find anything for {what}. Could you check it and share it again?"
    ))
}

/// The prompt of an offer among options: the customer may take one or
/// decline them all.
pub(crate) fn offer_prompt(options: &[String]) -> Message {
    Message::text(format!(
        "I can offer you one of these:\n{}\nWhich would you like? If none of them suits you, just say no.",
        numbered(options)
    ))
}

/// The prompt of a choice among written alternatives.
pub(crate) fn choice_prompt(question: &[Token], options: &[String], scope: &Scope<'_>) -> Message {
    let asked = if question.is_empty() {
        Message::text("Which would you like?")
    } else if question
        .first()
        .is_some_and(|t| t.is_a(Class::QuestionWord))
    {
        let mut parts = vec![MessagePart::Text(String::new())];
        parts.extend(second_person(question, scope, false));
        let mut message = Message { parts };
        message.normalise();
        if let Some(MessagePart::Text(text)) = message.parts.first_mut() {
            *text = invert_after_question_word(text);
        }
        finish(message, '?')
    } else {
        Message::text("Which would you prefer?")
    };
    let mut message = asked;
    message
        .parts
        .push(MessagePart::Text(format!("\n{}", numbered(options))));
    message.normalise();
    message
}

/// `why you are returning it` → `why are you returning it`.
fn invert_after_question_word(text: &str) -> String {
    let Some((question_word, rest)) = text.split_once(' ') else {
        return text.to_string();
    };
    for (statement, question) in [
        ("you are ", "are you "),
        ("you were ", "were you "),
        ("you would ", "would you "),
        ("you will ", "will you "),
        ("you can ", "can you "),
        ("you have ", "have you "),
        ("you ", "do you "),
    ] {
        if let Some(after) = rest.strip_prefix(statement) {
            return format!("{question_word} {question}{after}");
        }
    }
    text.to_string()
}

fn numbered(options: &[String]) -> String {
    options
        .iter()
        .enumerate()
        .map(|(index, option)| format!("{}. {}", index + 1, capitalised(option)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Rewrites third-person wording about the customer into second person and
/// puts record identifiers in as fields.
/// `(I'll call it $reservation below)`, `(whatever comes back is
/// $customer)`, `(I'll refer to them as $holder)`: an aside naming a
/// variable is the author's note to keel, never words for the customer.
fn without_naming_asides(words: &[Token]) -> Vec<Token> {
    let mut out = Vec::with_capacity(words.len());
    let mut index = 0;
    while index < words.len() {
        if words[index].is_punct('(') {
            if let Some(length) = words[index + 1..].iter().position(|t| t.is_punct(')')) {
                let inside = &words[index + 1..index + 1 + length];
                let names = inside.iter().any(|t| {
                    t.is_any(&[
                        "call", "called", "calling", "refer", "referred", "name", "named",
                    ])
                }) || inside.windows(2).any(|pair| {
                    pair[0].is_any(&["is", "as"])
                        && matches!(&pair[1].kind, Tok::Var(path) if path.len() == 1)
                });
                let has_var = inside.iter().any(|t| matches!(t.kind, Tok::Var(_)));
                if names && has_var {
                    index += length + 2;
                    continue;
                }
            }
        }
        out.push(words[index].clone());
        index += 1;
    }
    out
}

fn second_person(words: &[Token], scope: &Scope<'_>, identify_records: bool) -> Vec<MessagePart> {
    let words = &without_naming_asides(words)[..];
    let mut parts: Vec<MessagePart> = Vec::new();
    let mut text = String::new();
    let mut identified: Vec<String> = Vec::new();
    let mut index = 0;
    let push_word = |text: &mut String, word: &str| {
        if !text.is_empty() && !text.ends_with([' ', '(', '\n']) {
            text.push(' ');
        }
        text.push_str(word);
    };
    while index < words.len() {
        let token = &words[index];
        let next = words.get(index + 1);
        match &token.kind {
            Tok::Word {
                lower,
                text: written,
            } => {
                let person_next = next.is_some_and(|t| t.is_a(Class::Customer));
                let possessive_next = next.is_some_and(|t| t.is_a(Class::CustomerPossessive));
                if lower == "the" && possessive_next {
                    push_word(&mut text, "your");
                    index += 2;
                    continue;
                }
                if lower == "the" && person_next {
                    push_word(&mut text, "you");
                    index += 2;
                    continue;
                }
                if lower == "the" {
                    if let Some(noun) = next.and_then(Token::word) {
                        if let Some((var, record)) = scope.record_var(noun) {
                            let id = scope.id_field(&record);
                            push_word(&mut text, "your");
                            push_word(&mut text, noun);
                            if identify_records && !identified.contains(&var) {
                                if let Some(id) = id {
                                    identified.push(var.clone());
                                    text.push(' ');
                                    parts.push(MessagePart::Text(std::mem::take(&mut text)));
                                    parts.push(MessagePart::Field(Path::var(&var).field(&id)));
                                }
                            }
                            index += 2;
                            continue;
                        }
                        if lexicon::is(noun, Class::CustomerThing) {
                            push_word(&mut text, "your");
                            push_word(&mut text, noun);
                            index += 2;
                            continue;
                        }
                    }
                }
                let replacement = if token.is_a(Class::CustomerPossessive)
                    || token.is_a(Class::PossessivePronoun)
                {
                    "your"
                } else if token.is("they")
                    || token.is_a(Class::ObjectPronoun)
                    // `customer portal` stays; `the customer` was handled above.
                    || (token.is_a(Class::Customer)
                        && next.is_none_or(|t| t.word().is_none() || t.is_a(Class::SubjectVerb)))
                {
                    "you"
                } else if token.is_a(Class::Abbreviation) {
                    ""
                } else {
                    match lower.as_str() {
                        "themselves" | "himself" | "herself" => "yourself",
                        "theirs" => "yours",
                        _ => written.as_str(),
                    }
                };
                if !replacement.is_empty() {
                    push_word(&mut text, replacement);
                }
            }
            Tok::Number(number) => push_word(&mut text, number),
            Tok::Literal(literal) => push_word(&mut text, literal),
            Tok::Punct(c) => {
                if matches!(c, ',' | ':' | ')' | '!' | '?') {
                    text.push(*c);
                } else if *c == '(' {
                    push_word(&mut text, "(");
                } else if *c == '-' {
                    // `5-7 days` keeps its dash; a spaced dash reads as one.
                    let joined = words
                        .get(index.wrapping_sub(1))
                        .is_some_and(|previous| previous.span.end == token.span.start)
                        && words
                            .get(index + 1)
                            .is_some_and(|next| next.span.start == token.span.end);
                    if joined {
                        text.push('-');
                        if let Some(Tok::Number(number) | Tok::Word { text: number, .. }) =
                            words.get(index + 1).map(|next| &next.kind)
                        {
                            text.push_str(number);
                            index += 2;
                            continue;
                        }
                    } else {
                        push_word(&mut text, "-");
                    }
                } else {
                    push_word(&mut text, &c.to_string());
                }
            }
            Tok::Var(path) => {
                if !text.is_empty() && !text.ends_with(' ') {
                    text.push(' ');
                }
                parts.push(MessagePart::Text(std::mem::take(&mut text)));
                parts.push(MessagePart::Field(Path(path.clone())));
            }
            Tok::Tool { name, .. } => push_word(&mut text, name),
            Tok::Policy(name) => push_word(&mut text, &name.replace('_', " ")),
        }
        index += 1;
    }
    if !text.is_empty() {
        parts.push(MessagePart::Text(text));
    }
    // After a field, text needs a leading space.
    for index in 1..parts.len() {
        if let (MessagePart::Field(_), MessagePart::Text(text)) = (&parts[index - 1], &parts[index])
        {
            if !text.starts_with([' ', ',', '.', ':', ')', '?', '!']) {
                parts[index] = MessagePart::Text(format!(" {text}"));
            }
        }
    }
    agree_with_you(&mut parts);
    parts
}

/// `inform that A and that B` reads `A and B`.
fn tidy(text: &str) -> String {
    text.replace(" and that ", " and ").replace(" , ", ", ")
}

/// `you is` → `you are` and friends, after the rewrite.
fn agree_with_you(parts: &mut [MessagePart]) {
    for part in parts.iter_mut() {
        if let MessagePart::Text(text) = part {
            for (wrong, right) in [
                ("you is ", "you are "),
                ("you was ", "you were "),
                ("you has ", "you have "),
                ("you wants ", "you want "),
                ("you needs ", "you need "),
                ("you receives ", "you receive "),
                ("you chooses ", "you choose "),
                ("you accepts ", "you accept "),
            ] {
                *text = text.replace(wrong, right);
            }
            *text = tidy(text);
        }
    }
}

/// Capitalises the first letter and ends the message with `end` if it has
/// no final punctuation.
fn finish(mut message: Message, end: char) -> Message {
    message.normalise();
    if let Some(MessagePart::Text(text)) = message.parts.first_mut() {
        let trimmed = text.trim_start().to_string();
        let mut chars = trimmed.chars();
        *text = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
    }
    match message.parts.last_mut() {
        Some(MessagePart::Text(text)) => {
            let trimmed = text.trim_end().trim_end_matches(',').to_string();
            *text = trimmed;
            if !text.ends_with(['.', '?', '!', ':']) {
                text.push(end);
            } else if end == '?' && text.ends_with('.') {
                text.pop();
                text.push('?');
            }
        }
        _ => message.parts.push(MessagePart::Text(end.to_string())),
    }
    message
}
