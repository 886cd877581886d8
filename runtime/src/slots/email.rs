//! Email addresses in a reply: found in a sentence, spelled out ("maya at
//! example dot com"), and — when a reply holds several — the one the
//! customer means, or a question back when that is not clear.
//!
//! A reply may correct itself ("not maya@old.com anymore, it's
//! maya@new.com", "maya@example.com — wait no, maya@example.org"): an
//! address the words around it take back is set aside. If more than one
//! address is left, keel asks which one; it never takes the first silently.

use super::{Answer, Understood, Words, understood};
use crate::event::Snippet;
use crate::value::Value;
use std::sync::Arc;

/// Reads the email address a reply gives, if it has one: the address, or
/// unclear with rule `email-several` (the addresses left, in `matched`)
/// when it offers more than one, or `email-retracted` when it takes back
/// every address it gives; `None` when it has none.
pub(super) fn read(reply: &str) -> Option<Understood> {
    let (start, end) = next_email(reply, 0)?;
    // "SYSTEM: email verified as …": a marker before the address.
    if reply
        .as_bytes()
        .get(..start)
        .is_some_and(|before| before.contains(&b':'))
        && injected(reply)
    {
        return Some(understood(Answer::Unclear, "email-injected-text", ""));
    }
    let first = reply.get(start..end)?;
    if !reply
        .as_bytes()
        .get(end..)
        .is_some_and(|rest| rest.contains(&b'@'))
    {
        return Some(email_answer(lower_email(first), "email"));
    }
    let mut found: Vec<(usize, usize)> = vec![(start, end)];
    while let Some(next) = found.last().and_then(|&(_, end)| next_email(reply, end)) {
        found.push(next);
    }
    let lowered: Vec<Arc<str>> = found
        .iter()
        .map(|&(start, end)| lower_email(reply.get(start..end).unwrap_or_default()))
        .collect();
    // An address is kept when no occurrence of it is taken back.
    let taken_back: Vec<&Arc<str>> = found
        .iter()
        .enumerate()
        .filter(|&(index, &(start, end))| {
            let before_from = index.checked_sub(1).map_or(0, |previous| found[previous].1);
            let after_to = found.get(index + 1).map_or(reply.len(), |next| next.0);
            let before = last_clause(reply.get(before_from..start).unwrap_or_default());
            let after = first_clause(reply.get(end..after_to).unwrap_or_default());
            has_cue(before, TAKEN_BACK_BEFORE) || has_cue(after, TAKEN_BACK_AFTER)
        })
        .map(|(index, _)| &lowered[index])
        .collect();
    let mut kept: Vec<Arc<str>> = Vec::new();
    for address in &lowered {
        if !taken_back.contains(&address) && !kept.contains(address) {
            kept.push(address.clone());
        }
    }
    Some(match kept.as_slice() {
        [only] => email_answer(only.clone(), "email-corrected"),
        [] => understood(Answer::Unclear, "email-retracted", ""),
        several => understood(
            Answer::Unclear,
            "email-several",
            &several
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<&str>>()
                .join(" or "),
        ),
    })
}

/// The reply with its email addresses blanked out (for the other rules).
pub(super) fn without_addresses(reply: &str) -> String {
    let mut out = String::with_capacity(reply.len());
    let mut from = 0;
    while let Some((start, end)) = next_email(reply, from) {
        out.push_str(reply.get(from..start).unwrap_or_default());
        out.push(' ');
        from = end;
    }
    out.push_str(reply.get(from..).unwrap_or_default());
    out
}

/// Words before an address that take it back ("not", "ignore", "don't
/// use"). An address only called old ("the old one was", "I used to use")
/// is not taken back: it may still be the one on the account, so keel asks.
const TAKEN_BACK_BEFORE: &[&str] = &[
    "not",
    "no longer",
    "ignore",
    "instead of",
    "rather than",
    "wrong",
    "don't use",
    "do not use",
    "never",
];

/// Words right after an address that take it back ("is closed", "— wait
/// no", "don't use that").
const TAKEN_BACK_AFTER: &[&str] = &[
    "closed",
    "don't use",
    "do not use",
    "anymore",
    "any more",
    "no longer",
    "not that",
    "wait",
    "sorry",
    "i mean",
    "actually",
    "don't check",
    "wrong",
    "typo",
    "not mine",
    "not used",
    "deleted",
];

/// Markers of text made to look like it comes from the system.
fn injected(reply: &str) -> bool {
    let lower = reply.to_ascii_lowercase();
    [
        "system:",
        "assistant:",
        "developer:",
        "tool:",
        "instruction:",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

/// The last clause of the text before an address.
fn last_clause(text: &str) -> &str {
    text.rsplit([',', ';', '.', '!', '?'])
        .next()
        .unwrap_or(text)
}

/// The first clause of the text after an address.
fn first_clause(text: &str) -> &str {
    // "sam@example.com... no sorry, maya@…", "sam@example.com, no wait,
    // maya@…": the marks that follow the address open no clause of their
    // own.
    let text = text.trim_start_matches(['.', ',', ';', ' ', '-', '—', '–']);
    text.split([',', ';', '.', '!', '?', '(', ')'])
        .next()
        .unwrap_or(text)
}

/// Whether the clause holds one of the cues, as whole words.
fn has_cue(clause: &str, cues: &[&str]) -> bool {
    if clause.trim().is_empty() {
        return false;
    }
    let words = Words::new(clause);
    cues.iter().any(|cue| words.phrase(cue).is_some())
}

/// An email address as a value, with itself as the evidence.
pub(super) fn email_answer(email: Arc<str>, rule: &'static str) -> Understood {
    Understood {
        matched: Snippet::shared(email.clone()),
        answer: Answer::Value(Value::Text(email)),
        rule,
    }
}

/// The address in lower case (without copying it twice when it already is).
pub(super) fn lower_email(token: &str) -> Arc<str> {
    if token
        .bytes()
        .all(|byte| byte.is_ascii() && !byte.is_ascii_uppercase())
    {
        Arc::from(token)
    } else {
        Arc::from(token.to_lowercase())
    }
}

/// The first email address in the reply, as written.
pub(super) fn find_email(reply: &str) -> Option<&str> {
    next_email(reply, 0).and_then(|(start, end)| reply.get(start..end))
}

/// The bounds of the first email address at or after byte `from`.
fn next_email(reply: &str, from: usize) -> Option<(usize, usize)> {
    // Straight to each `@`: its token is the run of bytes around it up to
    // the separators below; a token with other than ASCII in it is left
    // to the general splitter (Unicode spaces separate too).
    let bytes = reply.as_bytes();
    let separator = |byte: u8| {
        matches!(
            byte,
            b'\t'..=b'\r' | b' ' | b',' | b';' | b'<' | b'>' | b'(' | b')' | b'"' | b'\'' | b':'
        )
    };
    let mut from = from;
    while let Some(at) = bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&byte| byte == b'@'))
    {
        let at = from + at;
        let mut start = at;
        while start > 0 && !separator(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && !separator(bytes[end]) {
            end += 1;
        }
        let token = bytes.get(start..end).unwrap_or_default();
        if !token.is_ascii() {
            let found = find_email_unicode(reply.get(from..)?)?;
            // The address is a slice of the reply: its bounds from its address.
            let start = found.as_ptr() as usize - reply.as_ptr() as usize;
            return Some((start, start + found.len()));
        }
        if let Some(bounds) = email_in_ascii_token(bytes, start, end) {
            return Some(bounds);
        }
        from = end;
    }
    None
}

/// [`find_email`] for any reply, token by token.
fn find_email_unicode(reply: &str) -> Option<&str> {
    reply
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')' | '"' | '\'' | ':')
        })
        .filter(|token| token.as_bytes().contains(&b'@'))
        .find_map(email_in_token)
}

/// [`email_in_token`] for the plain-ASCII token `bytes[start..end]`,
/// byte by byte; the address's bounds.
fn email_in_ascii_token(bytes: &[u8], mut start: usize, mut end: usize) -> Option<(usize, usize)> {
    while start < end && !bytes[start].is_ascii_alphanumeric() {
        start += 1;
    }
    while end > start && !bytes[end - 1].is_ascii_alphanumeric() {
        end -= 1;
    }
    let token = bytes.get(start..end)?;
    let at = token.iter().position(|&byte| byte == b'@')?;
    let (local, domain) = (token.get(..at)?, token.get(at + 1..)?);
    let local_ok = !local.is_empty()
        && local.iter().all(|&byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'%' | b'+' | b'-')
        });
    if !local_ok {
        return None;
    }
    // Labels between dots: each non-empty, of letters, digits and hyphens;
    // at least two; the last of two or more letters.
    let mut labels = 1;
    let mut label_length = 0;
    let mut label_alphabetic = true;
    for &byte in domain {
        if byte == b'.' {
            if label_length == 0 {
                return None;
            }
            labels += 1;
            label_length = 0;
            label_alphabetic = true;
        } else if byte.is_ascii_alphanumeric() || byte == b'-' {
            label_length += 1;
            label_alphabetic &= byte.is_ascii_alphabetic();
        } else {
            return None;
        }
    }
    (labels >= 2 && label_length >= 2 && label_alphabetic).then_some((start, end))
}

/// The token, less what surrounds it, if it is an email address.
fn email_in_token(token: &str) -> Option<&str> {
    let token = token.trim_matches(|c: char| !c.is_alphanumeric());
    let (local, domain) = token.split_once('@')?;
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'));
    let mut labels = 0;
    let mut labels_ok = true;
    let mut tld = "";
    for label in domain.split('.') {
        labels += 1;
        labels_ok = labels_ok
            && !label.is_empty()
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        tld = label;
    }
    let domain_ok =
        labels >= 2 && labels_ok && tld.len() >= 2 && tld.chars().all(char::is_alphabetic);
    (local_ok && domain_ok).then_some(token)
}

/// "maya at example dot com", "maya dot lopez at gmail dot com".
pub(super) fn spelled(words: &Words) -> Option<Understood> {
    spelled_email(words).map(|email| email_answer(email, "email-spelled"))
}

fn spelled_email(words: &Words) -> Option<Arc<str>> {
    let at = (1..words.len()).find(|&index| words.get(index) == "at")?;
    // The local part, back over "dot"s: "maya dot lopez".
    let mut first = at - 1;
    while first >= 2 && words.get(first - 1) == "dot" {
        first -= 2;
    }
    let local = (first..at)
        .step_by(2)
        .map(|index| words.get(index))
        .collect::<Vec<_>>()
        .join(".");
    let mut domain = String::new();
    let mut index = at + 1;
    loop {
        let label = words.get(index);
        if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        domain.push_str(label);
        if words.get(index + 1) != "dot" {
            break;
        }
        domain.push('.');
        index += 2;
    }
    find_email(&format!("{local}@{domain}")).map(lower_email)
}
