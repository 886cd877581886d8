//! A person's name and a zip or postal code inside a reply: "my last name
//! is Ito" → `Ito`, "I live in 80218" → `80218`, "it's SW1A 1AA" →
//! `SW1A 1AA`. Conservative like the other rules: a reply that reads as a
//! refusal or a question is no name.

/// Lead-ins before the value, longest first, compared in lower case.
const LEAD_INS: &[&str] = &[
    "my first name is",
    "my last name is",
    "my surname is",
    "my family name is",
    "my full name is",
    "my name is",
    "my name's",
    "first name is",
    "last name is",
    "the name is",
    "first name:",
    "last name:",
    "name:",
    "name is",
    "it is",
    "it's",
    "its",
    "i am",
    "i'm",
    "this is",
    "call me",
    "sorry",
    "sure",
    "yes",
    "yeah",
    "ok",
    "okay",
    "hi",
    "hello",
];

/// Words no name is made of: a reply with one of them is not a name.
const NOT_NAMES: &[&str] = &[
    "not", "don't", "dont", "rather", "why", "what", "know", "no", "nope", "never", "want", "need",
    "cancel", "order", "email", "help", "please", "zip", "code", "the", "a", "an", "i", "you",
    "is", "are", "was",
];

/// Words that end the name: "Ito, thanks", "Olivia and my zip is …".
const AFTER_NAME: &[&str] = &["and", "thanks", "thank", "but", "from", "here", "please"];

/// The name in a reply, as written, or `None`.
pub(crate) fn find_name(reply: &str) -> Option<&str> {
    let mut rest = reply.trim();
    // Strip lead-ins and the punctuation after them, repeatedly ("Sure,
    // it's Olivia").
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c == ',' || c == '!' || c.is_whitespace());
        let lower = trimmed.to_lowercase();
        let cut = LEAD_INS.iter().find(|lead| {
            lower.starts_with(*lead)
                && lower[lead.len()..]
                    .chars()
                    .next()
                    .is_none_or(|next| !next.is_alphanumeric())
        });
        match cut {
            // Lower-casing kept the byte length: the lead-ins are ASCII.
            Some(lead) if trimmed.is_char_boundary(lead.len()) => rest = &trimmed[lead.len()..],
            _ => {
                rest = trimmed;
                break;
            }
        }
    }
    let start = reply.len() - rest.len();
    let mut end = start;
    let mut words = 0;
    for (offset, word) in word_spans(rest) {
        let bare = word.trim_end_matches(['.', ',', '!', '?', ';']);
        let lower = bare.to_lowercase();
        if AFTER_NAME.contains(&lower.as_str()) {
            break;
        }
        let is_name = !bare.is_empty()
            && bare
                .chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-' || c == '.')
            && bare.chars().next().is_some_and(char::is_alphabetic);
        if !is_name || NOT_NAMES.contains(&lower.as_str()) {
            return None;
        }
        words += 1;
        if words > 3 {
            return None;
        }
        end = start + offset + bare.len();
        if bare.len() != word.len() && !word.ends_with('.') {
            // "Ito," — the name ends at its punctuation.
            break;
        }
    }
    (end > start).then(|| reply[start..end].trim_end_matches('.'))
}

/// A zip or postal code: a US ZIP (`80218`, `80218-1234`), else one or two
/// short tokens mixing letters and digits (`SW1A 1AA`, `K1A 0B1`).
pub(crate) fn find_postal_code(reply: &str) -> Option<&str> {
    let tokens: Vec<(usize, &str)> = word_spans(reply)
        .map(|(offset, word)| {
            let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
            let lead = word.find(bare).unwrap_or(0);
            (offset + lead, bare)
        })
        .collect();
    let zip = |token: &str| {
        let bytes = token.as_bytes();
        let five = |part: &[u8]| part.len() == 5 && part.iter().all(u8::is_ascii_digit);
        five(bytes)
            || (bytes.len() == 10
                && bytes[5] == b'-'
                && five(&bytes[..5])
                && bytes[6..].iter().all(u8::is_ascii_digit))
    };
    if let Some((offset, token)) = tokens.iter().find(|(_, token)| zip(token)) {
        return reply.get(*offset..*offset + token.len());
    }
    let mixed = |token: &str| {
        (2..=4).contains(&token.len())
            && token.bytes().all(|b| b.is_ascii_alphanumeric())
            && token.bytes().any(|b| b.is_ascii_digit())
            && token.bytes().any(|b| b.is_ascii_alphabetic())
    };
    for pair in tokens.windows(2) {
        let ((first, a), (second, b)) = (pair[0], pair[1]);
        if mixed(a) && b.len() == 3 && mixed(b) {
            return reply.get(first..second + b.len());
        }
    }
    None
}

/// Whitespace-separated words with their byte offsets.
fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace().map(move |word| {
        let offset = word.as_ptr() as usize - text.as_ptr() as usize;
        (offset, word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (reply, name) in [
            ("Olivia", Some("Olivia")),
            ("olivia", Some("olivia")),
            ("my first name is Olivia", Some("Olivia")),
            ("Sure, it's Ito.", Some("Ito")),
            ("last name: Ito", Some("Ito")),
            ("It's O'Brien, thanks", Some("O'Brien")),
            ("Mary-Jane", Some("Mary-Jane")),
            ("Ito and my zip is 80218", Some("Ito")),
            ("I'd rather not say", None),
            ("why do you need it?", None),
            ("", None),
            ("80218", None),
            ("Jürgen", Some("Jürgen")),
        ] {
            assert_eq!(find_name(reply), name, "{reply:?}");
        }
    }

    #[test]
    fn postal_codes() {
        for (reply, code) in [
            ("80218", Some("80218")),
            ("my zip is 80218.", Some("80218")),
            ("I live in 80218-1234", Some("80218-1234")),
            ("it's SW1A 1AA", Some("SW1A 1AA")),
            ("K1A 0B1", Some("K1A 0B1")),
            ("I don't know", None),
            ("802", None),
            ("order #W1234567", None),
        ] {
            assert_eq!(find_postal_code(reply), code, "{reply:?}");
        }
    }
}
