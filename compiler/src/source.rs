//! Source texts and spans: where every node, statement and diagnostic came from.

use std::fmt;

/// A named text handed to the compiler (a policy or a catalog).
///
/// The compiler never reads files itself: callers load the text and name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The name shown in diagnostics, usually the path as the user gave it.
    pub name: String,
    /// The full text.
    pub text: String,
}

impl Source {
    /// Names a text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let mut line_start = 0;
        let mut line = 1;
        for (index, byte) in self.text.bytes().enumerate() {
            if index >= offset {
                break;
            }
            if byte == b'\n' {
                line += 1;
                line_start = index + 1;
            }
        }
        let column = self
            .text
            .get(line_start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, column)
    }

    /// The text of the 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        self.text.lines().nth(line.saturating_sub(1)).unwrap_or("")
    }
}

/// Which of the compiled sources a span points into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub(crate) u32);

impl SourceId {
    /// The position of the source in the list the caller passed.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range in one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The source the range is in.
    pub source: SourceId,
    /// Start byte offset.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

impl Span {
    /// A span over `start..end` in `source`.
    pub fn new(source: SourceId, start: usize, end: usize) -> Self {
        Span {
            source,
            start: clamp_offset(start),
            end: clamp_offset(end.max(start)),
        }
    }

    /// The smallest span covering both (they must be in one source).
    pub fn join(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp_offset(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// The set of sources of one compilation, indexed by [`SourceId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    sources: Vec<Source>,
    /// Each source's line starts (byte offsets), so that a location is a
    /// binary search, not a scan: a policy of 20,000 lines has as many
    /// spans, and scanning for each would be quadratic.
    line_starts: Vec<Vec<usize>>,
}

impl SourceMap {
    /// Adds a source and returns its id.
    pub fn add(&mut self, source: Source) -> SourceId {
        let starts = std::iter::once(0)
            .chain(
                source
                    .text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, byte)| byte == b'\n')
                    .map(|(index, _)| index + 1),
            )
            .collect();
        self.line_starts.push(starts);
        self.sources.push(source);
        SourceId(u32::try_from(self.sources.len() - 1).unwrap_or(u32::MAX))
    }

    /// The source behind an id.
    pub fn get(&self, id: SourceId) -> Option<&Source> {
        self.sources.get(id.index())
    }

    /// The source's name, or `?` for an unknown id.
    pub fn name(&self, id: SourceId) -> &str {
        self.get(id).map_or("?", |source| source.name.as_str())
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.source)
            .and_then(|source| source.text.get(span.range()))
            .unwrap_or("")
    }

    /// The 1-based line and column (in characters) of a byte offset in a
    /// source: [`Source::line_column`] in logarithmic time.
    fn line_column(&self, id: SourceId, offset: usize) -> (usize, usize) {
        let (Some(source), Some(starts)) = (self.get(id), self.line_starts.get(id.index())) else {
            return (0, 0);
        };
        let offset = offset.min(source.text.len());
        // The number of lines starting at or before `offset` (at least 1: 0 does).
        let line = starts.partition_point(|&start| start <= offset).max(1);
        let line_start = starts[line - 1];
        let column = source
            .text
            .get(line_start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, column)
    }

    /// The text of the 1-based line `line` of a source, without its line
    /// break: [`Source::line_text`] in constant time.
    pub fn line_text(&self, id: SourceId, line: usize) -> &str {
        let (Some(source), Some(starts)) = (self.get(id), self.line_starts.get(id.index())) else {
            return "";
        };
        // Line 0 reads as line 1, as `Source::line_text` does.
        let index = line.saturating_sub(1);
        let Some(&start) = starts.get(index) else {
            return "";
        };
        let end = starts
            .get(index + 1)
            .map_or(source.text.len(), |&next| next.saturating_sub(1));
        let text = source.text.get(start..end).unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// Start line/column and end line/column (1-based) of a span.
    pub fn location(&self, span: Span) -> Location {
        match self.get(span.source) {
            Some(_) => {
                let (line, column) = self.line_column(span.source, span.start as usize);
                let (end_line, end_column) = self.line_column(span.source, span.end as usize);
                Location {
                    line,
                    column,
                    end_line,
                    end_column,
                }
            }
            None => Location {
                line: 0,
                column: 0,
                end_line: 0,
                end_column: 0,
            },
        }
    }

    /// All sources, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &Source)> {
        self.sources
            .iter()
            .enumerate()
            .map(|(index, source)| (SourceId(index as u32), source))
    }
}

/// A human position: 1-based lines and columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// First line.
    pub line: usize,
    /// First column, in characters.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column just after the end, in characters.
    pub end_column: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let source = Source::new("p", "ab\n“x” y\n");
        assert_eq!(source.line_column(0), (1, 1));
        assert_eq!(source.line_column(3), (2, 1));
        let y = source.text.find('y').unwrap_or(0);
        assert_eq!(source.line_column(y), (2, 5));
        assert_eq!(source.line_text(2), "“x” y");
    }

    #[test]
    fn the_source_maps_index_agrees_with_a_scan() {
        let text = "ab\r\n“x” y\n\nlast";
        let source = Source::new("p", text);
        let mut map = SourceMap::default();
        let id = map.add(source.clone());
        for offset in 0..=text.len() + 2 {
            let location = map.location(Span::new(id, offset, offset));
            assert_eq!(
                (location.line, location.column),
                source.line_column(offset),
                "{offset}"
            );
        }
        for line in 0..=6 {
            assert_eq!(map.line_text(id, line), source.line_text(line), "{line}");
        }
    }
}
