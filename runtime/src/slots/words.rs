//! A reply as words: lower-cased once, split into word spans, with the
//! prefilters every rule uses (a bit per word's first two bytes, a bit
//! set per lexicon), word stems and stop words.

use std::borrow::Cow;

/// The reply, lower-cased and split into words.
pub(super) struct Words<'a> {
    pub(super) text: Cow<'a, str>,
    words: Spans,
    /// A one-pass prefilter: a bit for each word's first two bytes (see
    /// [`key`]); a phrase or word whose bit is clear is not in the reply.
    pub(super) keys: u64,
}

/// The prefilter bit of a word or phrase: its first two bytes (a space
/// standing in for the second when the first word has one byte).
#[inline]
pub(super) const fn key(bytes: &[u8]) -> u64 {
    let (first, second) = match bytes {
        [] => (0, b' '),
        [only] => (*only, b' '),
        [first, second, ..] => (*first, *second),
    };
    1 << (((first as u32).wrapping_mul(31) ^ (second as u32).wrapping_mul(7)) % 64)
}

/// The [`key`] of each phrase of a list (of at most 64), at compile time.
pub(super) const fn phrase_keys(phrases: &[&str]) -> [u64; 64] {
    assert!(
        phrases.len() <= 64,
        "a phrase list has more than 64 phrases"
    );
    let mut keys = [0u64; 64];
    let mut index = 0;
    while index < phrases.len() {
        keys[index] = key(phrases[index].as_bytes());
        index += 1;
    }
    keys
}

/// The first phrase of the list in the reply; `keys` are the list's
/// [`phrase_keys`], so most phrases are turned away by one test.
pub(super) fn first_phrase(
    words: &Words,
    phrases: &'static [&'static str],
    keys: &[u64; 64],
) -> Option<&'static str> {
    phrases
        .iter()
        .zip(keys)
        .find(|&(phrase, &key)| words.keys & key != 0 && words.phrase(phrase).is_some())
        .map(|(phrase, _)| *phrase)
}

/// Word boundaries: up to 16 inline, more in a vector.
pub(super) struct Spans {
    inline: [(usize, usize); 16],
    len: usize,
    spill: Vec<(usize, usize)>,
}

impl Spans {
    pub(super) fn new() -> Spans {
        Spans {
            inline: [(0, 0); 16],
            len: 0,
            spill: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, span: (usize, usize)) {
        if self.spill.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = span;
                self.len += 1;
                return;
            }
            self.spill.extend_from_slice(&self.inline);
        }
        self.spill.push(span);
    }

    pub(super) fn as_slice(&self) -> &[(usize, usize)] {
        if self.spill.is_empty() {
            self.inline.get(..self.len).unwrap_or_default()
        } else {
            &self.spill
        }
    }
}

impl<'a> Words<'a> {
    pub(super) fn new(reply: &'a str) -> Words<'a> {
        let mut words = Spans::new();
        let text = match Words::split_ascii(reply, &mut words) {
            Some(text) => text,
            None => {
                words = Spans::new();
                Words::split_unicode(reply, &mut words)
            }
        };
        let bytes = text.as_bytes();
        let mut keys = 0;
        for &(start, end) in words.as_slice() {
            keys |= key(bytes.get(start..end).unwrap_or_default());
        }
        Words { text, words, keys }
    }

    /// Plain ASCII replies, byte by byte, in one pass: the words are where
    /// they would be after lower-casing (which keeps letters letters) and
    /// turning backquotes into quotes. `None` for any other reply.
    pub(super) fn split_ascii(reply: &'a str, words: &mut Spans) -> Option<Cow<'a, str>> {
        let bytes = reply.as_bytes();
        let mut start = None;
        let mut change = false;
        // Quotes around a word are not part of it ("'yes'"), inside they are ("didn't").
        let mut push = |mut begin: usize, mut end: usize| {
            while begin < end && matches!(bytes[begin], b'\'' | b'`') {
                begin += 1;
            }
            while end > begin && matches!(bytes[end - 1], b'\'' | b'`') {
                end -= 1;
            }
            if begin < end {
                words.push((begin, end));
            }
        };
        for (index, &byte) in bytes.iter().enumerate() {
            if !byte.is_ascii() {
                return None;
            }
            change |= byte.is_ascii_uppercase() || byte == b'`';
            let part_of_word = byte.is_ascii_alphanumeric() || matches!(byte, b'\'' | b'`' | b'#');
            match (part_of_word, start) {
                (true, None) => start = Some(index),
                (false, Some(begin)) => {
                    push(begin, index);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(begin) = start {
            push(begin, bytes.len());
        }
        if !change {
            return Some(Cow::Borrowed(reply));
        }
        let mut text = reply.to_ascii_lowercase();
        if text.contains('`') {
            text = text.replace('`', "'");
        }
        Some(Cow::Owned(text))
    }

    /// Any other reply: lower-cased character by character, typographic
    /// quotes made plain.
    pub(super) fn split_unicode(reply: &str, words: &mut Spans) -> Cow<'a, str> {
        let mut text = String::with_capacity(reply.len());
        for character in reply.chars() {
            match character {
                '’' | '‘' | '`' => text.push('\''),
                '“' | '”' => text.push('"'),
                other => text.extend(other.to_lowercase()),
            }
        }
        let mut start = None;
        let mut push = |begin: usize, end: usize, text: &str| {
            let word = &text[begin..end];
            let trimmed = word.trim_matches('\'');
            if !trimmed.is_empty() {
                let offset = word.len() - word.trim_start_matches('\'').len();
                words.push((begin + offset, begin + offset + trimmed.len()));
            }
        };
        for (index, character) in text.char_indices() {
            let part_of_word = character.is_alphanumeric() || character == '\'' || character == '#';
            match (part_of_word, start) {
                (true, None) => start = Some(index),
                (false, Some(begin)) => {
                    push(begin, index, &text);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(begin) = start {
            push(begin, text.len(), &text);
        }
        Cow::Owned(text)
    }

    pub(super) fn len(&self) -> usize {
        self.words.as_slice().len()
    }

    /// The (lower-cased) text after word `index`.
    pub(super) fn text_after(&self, index: usize) -> &str {
        self.words
            .as_slice()
            .get(index)
            .and_then(|&(_, end)| self.text.get(end..))
            .unwrap_or_default()
    }

    pub(super) fn get(&self, index: usize) -> &str {
        self.words
            .as_slice()
            .get(index)
            .map_or("", |&(start, end)| &self.text[start..end])
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.words
            .as_slice()
            .iter()
            .map(|&(start, end)| &self.text[start..end])
    }

    /// The word's bytes (no char-boundary checks: spans are boundaries).
    pub(super) fn bytes_at(&self, index: usize) -> &[u8] {
        self.words
            .as_slice()
            .get(index)
            .and_then(|&(start, end)| self.text.as_bytes().get(start..end))
            .unwrap_or_default()
    }

    pub(super) fn has(&self, word: &str) -> bool {
        if self.keys & key(word.as_bytes()) == 0 {
            return false;
        }
        let text = self.text.as_bytes();
        self.words
            .as_slice()
            .iter()
            .any(|&(start, end)| text.get(start..end) == Some(word.as_bytes()))
    }

    /// Finds a phrase of whole words; returns the index of its first word.
    pub(super) fn phrase(&self, phrase: &str) -> Option<usize> {
        self.phrase_from(phrase, 0)
    }

    /// [`Words::phrase`], starting at word `from`.
    pub(super) fn phrase_from(&self, phrase: &str, from: usize) -> Option<usize> {
        if self.keys & key(phrase.as_bytes()) == 0 {
            return None;
        }
        let (first, rest) = match phrase.bytes().position(|byte| byte == b' ') {
            Some(space) => (&phrase[..space], &phrase[space + 1..]),
            None => (phrase, ""),
        };
        (from..self.len()).find(|&start| {
            self.bytes_at(start) == first.as_bytes()
                && (phrase.len() == first.len()
                    || rest
                        .split(' ')
                        .enumerate()
                        .all(|(offset, part)| self.get(start + 1 + offset) == part))
        })
    }
}

/// `left == right`, comparing short words byte by byte (no `memcmp` call).
#[inline]
pub(super) fn same(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .as_bytes()
            .iter()
            .zip(right.as_bytes())
            .all(|(left, right)| left == right)
}

/// `list.contains(&word)`, with [`same`].
#[inline]
pub(super) fn one_of(list: &[&str], word: &str) -> bool {
    list.iter().any(|entry| same(entry, word))
}

/// A word's bit in a word list's filter ([`lexicon_bits`]): its length and
/// first and last bytes.
pub(super) const fn lexicon_bit(bytes: &[u8]) -> usize {
    let (first, last) = match bytes {
        [] => (0, 0),
        [first, .., last] => (*first, *last),
        [only] => (*only, *only),
    };
    lexicon_bit_of(first, last, bytes.len())
}

/// [`lexicon_bit`] of a word with these first and last bytes and length.
pub(super) const fn lexicon_bit_of(first: u8, last: u8, len: usize) -> usize {
    let (first, last) = (first as usize, last as usize);
    (first.wrapping_mul(31) ^ last.wrapping_mul(7) ^ len.wrapping_mul(131)) % 256
}

/// The filter bits of `words`, computed at compile time.
pub(super) const fn lexicon_bits(words: &[&str]) -> [u64; 4] {
    let mut bits = [0u64; 4];
    let mut index = 0;
    while index < words.len() {
        let bit = lexicon_bit(words[index].as_bytes());
        bits[bit / 64] |= 1 << (bit % 64);
        index += 1;
    }
    bits
}

/// Whether `word` may be one of the words whose bits these are (when
/// not, it surely is not: most words of a reply are turned away here
/// rather than compared with every entry).
#[inline]
pub(super) fn may_be(bits: &[u64; 4], word: &str) -> bool {
    let bit = lexicon_bit(word.as_bytes());
    bits.get(bit / 64)
        .is_some_and(|set| set >> (bit % 64) & 1 == 1)
}

/// A crude stem: enough to match "delivered"/"deliver", "shoes"/"shoe",
/// "pillowcases"/"pillowcase", "boxes"/"box", "dresses"/"dress" (a plural's
/// "es" goes only after a hissing sound; "ss", "us" and "is" are no plural:
/// "status", "glass").
pub(super) fn stem(word: &str) -> &str {
    let cut = stem_length(word.as_bytes());
    word.get(..cut).unwrap_or(word)
}

/// The length of a word's [`stem`], in ASCII case-insensitively (the
/// suffixes are ASCII, so the cut is a char boundary). Most words end in
/// none of the suffixes' last letters: one look at it says so.
pub(super) fn stem_length(word: &[u8]) -> usize {
    let length = word.len();
    let Some(&last) = word.last() else {
        return 0;
    };
    let ends = |suffix: &[u8]| {
        length >= suffix.len() + 3 && word[length - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    match last.to_ascii_lowercase() {
        b'g' if ends(b"ing") => length - 3,
        b'd' if ends(b"ed") => length - 2,
        b's' if length >= 4 => {
            let before = word[length - 2].to_ascii_lowercase();
            if before == b'e' && length >= 5 {
                // "es" after a hissing sound: "boxes", "dresses", "watches".
                let base = &word[..length - 2];
                let hissing = [&b"ss"[..], b"x", b"z", b"ch", b"sh"].iter().any(|end| {
                    base.len() >= end.len()
                        && base[base.len() - end.len()..].eq_ignore_ascii_case(end)
                });
                if hissing {
                    return length - 2;
                }
            }
            // "ss", "us" and "is" are no plural ("glass", "status", "this").
            if matches!(before, b's' | b'u' | b'i') && length >= 5 {
                return length;
            }
            length - 1
        }
        _ => length,
    }
}

/// [`STOP_WORDS`]' filter.
pub(super) const STOP_BITS: [u64; 4] = lexicon_bits(STOP_WORDS);

/// `one_of(STOP_WORDS, word)`, filtered first.
pub(super) fn stop_word(word: &str) -> bool {
    may_be(&STOP_BITS, word) && one_of(STOP_WORDS, word)
}

pub(super) const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "one", "ones", "order", "orders", "my", "i", "me", "want", "would", "like",
    "to", "about", "that", "this", "it", "is", "was", "please", "thanks", "thank", "you", "for",
    "with", "of", "on", "in", "and", "or", "which", "could", "can", "share", "your", "recent",
    "here", "are", "inquire", "cancel", "option", "just", "from", "placed", "item", "items",
    "mean", "think", "so", "be", "do", "did", "its", "it's", "i'd", "i'm", "im", "we", "our",
    "let's", "go", "take", "pick", "choose", "get", "have", "has", "number", "status", "check",
    "there", "what", "where",
];
