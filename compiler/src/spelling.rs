//! Edit distance and did-you-mean suggestions.

/// Levenshtein distance over characters, case-insensitive.
pub(crate) fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.to_lowercase().chars().collect();
    let right: Vec<char> = right.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (i, left_char) in left.iter().enumerate() {
        let mut current = vec![i + 1; right.len() + 1];
        for (j, right_char) in right.iter().enumerate() {
            let substitution = previous[j] + usize::from(left_char != right_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[right.len()]
}

/// The closest candidate by edit distance, if close enough to suggest
/// (at most a third of its length, and at least two edits allowed).
pub(crate) fn closest<'a>(
    text: &str,
    candidates: impl IntoIterator<Item = &'a String>,
) -> Option<&'a String> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(text, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("Shiped", "Shipped"), 1);
        assert_eq!(edit_distance("in transit", "In transit"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn closest_suggests_only_near_misses() {
        let candidates = vec!["Shipped".to_string(), "Delivered".to_string()];
        assert_eq!(closest("Shiped", &candidates), Some(&candidates[0]));
        assert_eq!(closest("Lost", &candidates), None);
    }
}
