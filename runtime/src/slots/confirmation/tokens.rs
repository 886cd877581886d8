//! A reply cut into words, numbers, amounts, emoji and marks, as the
//! confirmation reader sees it.

/// Punctuation that has no place in a plain answer: a question mark, and the
/// marks of structured or injected text (JSON, tags, `key: value`, markdown).
pub(super) fn is_structure(mark: char) -> bool {
    matches!(
        mark,
        '?' | '{'
            | '}'
            | '['
            | ']'
            | '<'
            | '>'
            | '='
            | ':'
            | '/'
            | '\\'
            | '|'
            | '`'
            | '#'
            | '@'
            | '_'
            | '^'
            | '¿'
            | '؟'
            | '？'
    )
}

/// A token of a reply.
#[derive(Debug, PartialEq)]
pub(super) enum Token {
    /// A word, lower case, with straight apostrophes.
    Word(String),
    /// Digits (an id, a day, a year), with a leading `#` if written.
    Number(String),
    /// An amount written with `$`, in cents.
    Money(i64),
    /// An emoji or symbol.
    Emoji(char),
    /// Punctuation.
    Mark(char),
}

/// Splits a reply into words, numbers, amounts, emoji and marks; emoticons
/// such as `:)` are kept as a polite emoji, `100%` as the word `100%`.
pub(super) fn tokenize(reply: &str) -> Vec<Token> {
    let text: String = reply
        .chars()
        .map(|character| match character {
            '’' | '‘' | '`' | 'ʼ' => '\'',
            '“' | '”' => '"',
            other => other,
        })
        .collect();
    let characters: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < characters.len() {
        let character = characters[index];
        let next = characters.get(index + 1).copied();
        if character.is_whitespace() {
            index += 1;
        } else if matches!(character, ':' | ';')
            && matches!(next, Some(')' | 'D' | '-' | 'P' | 'p'))
        {
            // ":)", ":-)", ":D", ";)".
            tokens.push(Token::Emoji('🙂'));
            index += 2;
            while index < characters.len() && matches!(characters[index], ')' | '-') {
                index += 1;
            }
        } else if character == '$' || character.is_ascii_digit() || character == '#' {
            let money = character == '$';
            let hash = character == '#';
            let start = if money || hash { index + 1 } else { index };
            let mut end = start;
            while end < characters.len()
                && (characters[end].is_ascii_digit()
                    || (matches!(characters[end], '.' | ',')
                        && characters.get(end + 1).is_some_and(char::is_ascii_digit)
                        && end > start))
            {
                end += 1;
            }
            let digits: String = characters[start..end].iter().collect();
            if digits.is_empty() {
                tokens.push(Token::Mark(character));
                index += 1;
                continue;
            }
            if characters.get(end) == Some(&'%') {
                tokens.push(Token::Word(format!("{digits}%")));
                index = end + 1;
            } else if money {
                tokens.push(Token::Money(cents(&digits)));
                index = end;
            } else if characters
                .get(end)
                .is_some_and(|character| character.is_alphabetic())
            {
                // "9th", "1st": a day or a position, read as a word.
                let mut word_end = end;
                while word_end < characters.len() && characters[word_end].is_alphanumeric() {
                    word_end += 1;
                }
                let word: String = characters[start..word_end]
                    .iter()
                    .flat_map(|character| character.to_lowercase())
                    .collect();
                tokens.push(Token::Word(word));
                index = word_end;
            } else {
                let plain: String = digits.chars().filter(char::is_ascii_digit).collect();
                if digits.contains('.') || digits.contains(',') {
                    // "79.00": an amount without its sign.
                    tokens.push(Token::Money(cents(&digits)));
                } else {
                    tokens.push(Token::Number(plain));
                }
                index = end;
            }
        } else if character.is_alphabetic() {
            let mut end = index;
            while end < characters.len()
                && (characters[end].is_alphabetic()
                    || (characters[end] == '\''
                        && characters
                            .get(end + 1)
                            .is_some_and(|next| next.is_alphabetic())))
            {
                end += 1;
            }
            let word: String = characters[index..end]
                .iter()
                .flat_map(|character| character.to_lowercase())
                .collect();
            tokens.push(Token::Word(word));
            index = end;
        } else if character.is_ascii_punctuation() || is_structure(character) {
            tokens.push(Token::Mark(character));
            index += 1;
        } else if matches!(character, '—' | '–' | '…' | '\u{fe0f}' | '\u{200d}') {
            index += 1;
        } else {
            tokens.push(Token::Emoji(character));
            index += 1;
        }
    }
    tokens
}

/// An amount written as digits (with or without cents) in cents.
pub(super) fn cents(digits: &str) -> i64 {
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let whole: i64 = whole.parse().unwrap_or(-1);
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_or(-1, |tenths| tenths * 10),
        _ => fraction
            .get(..2)
            .and_then(|cents| cents.parse().ok())
            .unwrap_or(-1),
    };
    if whole < 0 || fraction < 0 {
        -1
    } else {
        whole.saturating_mul(100).saturating_add(fraction)
    }
}

/// How an emoji reads at a confirmation.
pub(super) enum EmojiClass {
    /// Friendly decoration; not a yes by itself ("👍" alone is unclear).
    Polite,
    /// A refusal ("❌", "👎").
    No,
    /// Doubt ("🤔", "🤷").
    Unsure,
}

pub(super) fn emoji_class(emoji: char) -> EmojiClass {
    match emoji {
        '❌' | '👎' | '🚫' | '✖' => EmojiClass::No,
        '🤔' | '🤷' | '😐' | '😕' | '🙄' | '😬' | '😒' => EmojiClass::Unsure,
        _ => EmojiClass::Polite,
    }
}
