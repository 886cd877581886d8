//! A list of phrases indexed by their first word, so that a reply is read
//! once for all of them: each word of the reply is looked up among the
//! phrases' first words (in a bucket chosen by the word's prefilter bit),
//! and only the phrases that start with it are compared further. Reading a reply against the repair lexicon
//! or the self-correction markers costs a few lookups a word instead of one
//! scan of the reply per phrase.

use super::{Words, key};

/// Phrases (words separated by single spaces), by their first word.
pub(super) struct PhraseIndex {
    /// `(first word, the phrase's position in the list)`, in list order,
    /// in the bucket of the first word's prefilter bit ([`key`]).
    starts: [Vec<(&'static str, usize)>; 64],
    /// Each phrase's words, in list order.
    phrases: Vec<Vec<&'static str>>,
    /// The prefilter bits ([`key`]) of the first words: a reply word whose
    /// bit is clear starts no phrase.
    firsts: u64,
}

/// One occurrence of a phrase in a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Occurrence {
    /// The phrase's position in the list the index was built from.
    pub(super) phrase: usize,
    /// The reply's word where it starts.
    pub(super) start: usize,
    /// The reply's word just after it.
    pub(super) end: usize,
}

impl PhraseIndex {
    /// The index of `phrases`, which keep their order as positions.
    pub(super) fn new(phrases: impl IntoIterator<Item = &'static str>) -> PhraseIndex {
        let phrases: Vec<Vec<&'static str>> = phrases
            .into_iter()
            .map(|phrase| phrase.split(' ').collect())
            .collect();
        let mut starts: [Vec<(&'static str, usize)>; 64] = std::array::from_fn(|_| Vec::new());
        let mut firsts = 0;
        for (position, words) in phrases.iter().enumerate() {
            if let Some(first) = words.first() {
                let bit = key(first.as_bytes());
                firsts |= bit;
                if let Some(bucket) = starts.get_mut(bit.trailing_zeros() as usize) {
                    bucket.push((first, position));
                }
            }
        }
        PhraseIndex {
            starts,
            phrases,
            firsts,
        }
    }

    /// Every occurrence of a phrase in `words` starting at word `from` or
    /// later, in the order of the reply's words (and of the list, for
    /// phrases starting at the same word).
    pub(super) fn occurrences<'a>(
        &'a self,
        words: &'a Words<'a>,
        from: usize,
    ) -> impl Iterator<Item = Occurrence> + 'a {
        let count = if words.keys & self.firsts == 0 {
            0
        } else {
            words.len()
        };
        (from..count).flat_map(move |start| {
            let word = words.get(start);
            let bit = key(word.as_bytes());
            let bucket: &[(&str, usize)] = if bit & self.firsts == 0 {
                &[]
            } else {
                self.starts
                    .get(bit.trailing_zeros() as usize)
                    .map_or(&[], Vec::as_slice)
            };
            bucket
                .iter()
                .filter(move |&&(entry, _)| super::same(entry, word))
                .filter_map(move |&(_, phrase)| {
                    let parts = self.phrases.get(phrase)?;
                    let rest = parts.get(1..)?;
                    rest.iter()
                        .enumerate()
                        .all(|(offset, part)| words.get(start + 1 + offset) == *part)
                        .then_some(Occurrence {
                            phrase,
                            start,
                            end: start + parts.len(),
                        })
                })
        })
    }

    /// The occurrence `accept`ed of the phrase that comes first in the
    /// list, wherever it stands in the reply (at its first place there).
    pub(super) fn first_listed(
        &self,
        words: &Words,
        accept: impl Fn(&Occurrence) -> bool,
    ) -> Option<Occurrence> {
        self.occurrences(words, 0)
            .filter(|found| accept(found))
            .min_by_key(|found| (found.phrase, found.start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &[&str] = &["no wait", "wait", "i mean", "no", "start over"];

    fn found(reply: &str) -> Vec<(&'static str, usize, usize)> {
        let index = PhraseIndex::new(LIST.iter().copied());
        let words = Words::new(reply);
        index
            .occurrences(&words, 0)
            .map(|found| (LIST[found.phrase], found.start, found.end))
            .collect()
    }

    #[test]
    fn every_occurrence_in_reply_order() {
        assert_eq!(
            found("The first one, no WAIT, I mean the second. No"),
            vec![
                ("no wait", 3, 5),
                ("no", 3, 4),
                ("wait", 4, 5),
                ("i mean", 5, 7),
                ("no", 9, 10)
            ]
        );
        assert_eq!(found("let's start"), vec![]);
        assert_eq!(found(""), vec![]);
    }

    #[test]
    fn the_first_listed_phrase_wins_wherever_it_stands() {
        let index = PhraseIndex::new(LIST.iter().copied());
        let words = Words::new("no, start over... no wait");
        let first = index
            .first_listed(&words, |_| true)
            .map(|found| LIST[found.phrase]);
        assert_eq!(first, Some("no wait"));
    }

    #[test]
    fn agrees_with_the_phrase_scan() {
        let index = PhraseIndex::new(LIST.iter().copied());
        for reply in [
            "no",
            "wait wait no wait",
            "i mean it, start over",
            "mean i no",
            "nowait",
        ] {
            let words = Words::new(reply);
            for (position, phrase) in LIST.iter().enumerate() {
                let scanned = words.phrase(phrase);
                let indexed = index
                    .occurrences(&words, 0)
                    .find(|found| found.phrase == position)
                    .map(|found| found.start);
                assert_eq!(indexed, scanned, "{phrase:?} in {reply:?}");
            }
        }
    }
}
