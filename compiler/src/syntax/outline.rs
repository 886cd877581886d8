//! Flat lines → nested items.
//!
//! Nesting follows two signals, as people write SOPs:
//! * indentation: a deeper item belongs to the item above it;
//! * numbering style: at equal indentation, an item of a style not yet open
//!   (`a.` under `1.`, or `a.` under a `-` bullet) nests inside the item
//!   above it, and an item of a style already open closes the items opened
//!   since and becomes that item's sibling.
//!
//! * numbering depth: `1.1.` (or `1.1`) under `1.` nests inside it, and
//!   `2.` after `1.4.` closes both;
//! * Markdown headings: a `##` heading holds the items after it, up to the
//!   next heading of the same or a higher level.
//!
//! A line without a marker continues the item above it (wrapped text), unless
//! a blank line came first or the item above is a Markdown heading (one line
//! always), in which case it starts a paragraph item. A marker
//! alone on a line (or left dangling at the end of one) takes its text from
//! the next line.

use super::ast::{Inline, InlineKind, Item, MarkerKind};
use crate::source::{SourceId, Span};

/// The deepest outline nesting kept; deeper items become siblings.
pub(super) const MAX_DEPTH: usize = 12;

/// One line as the grammar saw it.
#[derive(Clone, Debug)]
pub(super) struct Line {
    pub(super) indent: usize,
    pub(super) marker: Option<(MarkerKind, String, Span)>,
    pub(super) pieces: Vec<Inline>,
    pub(super) dangling_bullet: Option<(char, Span)>,
    pub(super) span: Span,
    pub(super) blank: bool,
}

impl Line {
    pub(super) fn blank() -> Self {
        Line {
            indent: 0,
            marker: None,
            pieces: Vec::new(),
            dangling_bullet: None,
            span: Span::new(SourceId(0), 0, 0),
            blank: true,
        }
    }
}

struct Node {
    marker: MarkerKind,
    marker_text: String,
    indent: usize,
    text: Vec<Inline>,
    span: Span,
    children: Vec<usize>,
}

#[derive(Default)]
struct Tree {
    nodes: Vec<Node>,
    roots: Vec<usize>,
    /// Open items, outermost first.
    stack: Vec<usize>,
}

impl Tree {
    fn open(
        &mut self,
        marker: MarkerKind,
        marker_text: String,
        indent: usize,
        span: Span,
    ) -> usize {
        if let MarkerKind::Heading(level) = marker {
            // A heading closes everything up to a heading of a higher level.
            while let Some(&top) = self.stack.last() {
                match self.nodes[top].marker {
                    MarkerKind::Heading(open) if open < level => break,
                    _ => {
                        self.stack.pop();
                    }
                }
            }
        }
        while let Some(&top) = self.stack.last() {
            let top_node = &self.nodes[top];
            // A heading holds what follows it; an item never closes it.
            if matches!(top_node.marker, MarkerKind::Heading(_)) {
                break;
            }
            // A paragraph is a line of prose or a heading: it holds no items.
            if top_node.marker == MarkerKind::Paragraph {
                self.stack.pop();
                continue;
            }
            if indent > top_node.indent {
                break;
            }
            if indent < top_node.indent {
                self.stack.pop();
                continue;
            }
            if marker == MarkerKind::Number && top_node.marker == MarkerKind::Number {
                // `1.1.` nests under `1.`; `2.` after `1.4.` closes both.
                let (depth, open_depth) = (depth(&marker_text), depth(&top_node.marker_text));
                if depth > open_depth {
                    break;
                }
                self.stack.pop();
                if depth == open_depth {
                    break;
                }
                continue;
            }
            if top_node.marker == marker {
                self.stack.pop();
                break;
            }
            let style_open_below = self.stack.iter().any(|&open| {
                self.nodes[open].indent == indent && self.nodes[open].marker == marker
            });
            if style_open_below {
                self.stack.pop();
                continue;
            }
            break;
        }
        // Deeper nesting than anyone writes is flattened, so no input can
        // make the recursive stages below overflow the stack.
        if self.stack.len() >= MAX_DEPTH {
            self.stack.pop();
        }
        let index = self.nodes.len();
        self.nodes.push(Node {
            marker,
            marker_text,
            indent,
            text: Vec::new(),
            span,
            children: Vec::new(),
        });
        match self.stack.last() {
            Some(&parent) => self.nodes[parent].children.push(index),
            None => self.roots.push(index),
        }
        self.stack.push(index);
        index
    }

    fn append(&mut self, index: usize, pieces: Vec<Inline>, line_span: Span) {
        let node = &mut self.nodes[index];
        if !node.text.is_empty() && !pieces.is_empty() {
            node.text.push(Inline {
                kind: InlineKind::Space,
                span: Span::new(
                    line_span.source,
                    line_span.start as usize,
                    line_span.start as usize,
                ),
            });
        }
        node.text.extend(pieces);
        node.span = node.span.join(line_span);
    }
}

/// How many numbers a numbered marker has: `1.` is 1, `2.3.1` is 3.
fn depth(marker_text: &str) -> usize {
    marker_text
        .trim_end_matches(['.', ')'])
        .split('.')
        .filter(|part| !part.is_empty())
        .count()
}

/// A heading's own number (`### 2. Check the membership`): the number is
/// taken off the text and kept as the heading's marker text (`2.`).
fn heading_number(pieces: &mut Vec<Inline>) -> Option<String> {
    let number = match pieces.first().map(|piece| &piece.kind) {
        Some(InlineKind::Number(number)) if !number.contains(',') && !number.ends_with('%') => {
            number.clone()
        }
        _ => return None,
    };
    let dotted = matches!(
        pieces.get(1).map(|piece| &piece.kind),
        Some(InlineKind::Symbol('.' | ')'))
    );
    let spaced = matches!(
        pieces
            .get(if dotted { 2 } else { 1 })
            .map(|piece| &piece.kind),
        Some(InlineKind::Space)
    );
    if !spaced {
        return None;
    }
    pieces.drain(..if dotted { 3 } else { 2 });
    Some(format!("{number}."))
}

/// Nests lines into items and gives each its step label.
pub(super) fn nest(source: SourceId, lines: Vec<Line>) -> Vec<Item> {
    let mut tree = Tree::default();
    let mut current: Option<usize> = None;
    let mut after_blank = false;
    for line in lines {
        if line.blank {
            after_blank = true;
            continue;
        }
        let mut pieces = trim_spaces(line.pieces);
        match line.marker {
            Some((kind, written, marker_span)) => {
                let written = match kind {
                    MarkerKind::Heading(_) => heading_number(&mut pieces).unwrap_or_default(),
                    _ => written,
                };
                let index = tree.open(kind, written, line.indent, marker_span);
                tree.append(index, pieces, line.span);
                current = Some(index);
            }
            None => {
                let awaiting_text = current.is_some_and(|index| tree.nodes[index].text.is_empty());
                // A Markdown heading is one line: the line under it starts
                // its first paragraph, blank line or not.
                let under_heading = current.is_some_and(|index| {
                    matches!(tree.nodes[index].marker, MarkerKind::Heading(_))
                        && !tree.nodes[index].text.is_empty()
                });
                match current {
                    Some(index) if !under_heading && (awaiting_text || !after_blank) => {
                        tree.append(index, pieces, line.span)
                    }
                    _ => {
                        let index =
                            tree.open(MarkerKind::Paragraph, String::new(), line.indent, line.span);
                        tree.append(index, pieces, line.span);
                        current = Some(index);
                    }
                }
            }
        }
        if let Some((bullet, span)) = line.dangling_bullet {
            current = Some(tree.open(
                MarkerKind::Bullet(bullet),
                bullet.to_string(),
                line.indent,
                span,
            ));
        }
        after_blank = false;
    }
    let mut used_labels = Labels::default();
    let roots = tree.roots.clone();
    roots
        .iter()
        .enumerate()
        .filter_map(|(position, &index)| {
            build(&tree, index, "", position, &mut used_labels, source, false)
        })
        .collect()
}

/// The step labels given so far, and for each repeated label the last copy
/// number tried, so that 10,000 items numbered `1.` take linear time.
#[derive(Default)]
struct Labels {
    used: std::collections::BTreeSet<String>,
    copies: std::collections::BTreeMap<String, usize>,
}

impl Labels {
    /// `label`, or `label~2`, `label~3`, … the first not given yet.
    fn unique(&mut self, label: String) -> String {
        if !self.used.contains(&label) {
            self.used.insert(label.clone());
            return label;
        }
        let copy = self.copies.entry(label.clone()).or_insert(1);
        let unique = loop {
            *copy += 1;
            let candidate = format!("{label}~{copy}");
            if !self.used.contains(&candidate) {
                break candidate;
            }
        };
        self.used.insert(unique.clone());
        unique
    }
}

fn trim_spaces(mut pieces: Vec<Inline>) -> Vec<Inline> {
    while pieces
        .last()
        .is_some_and(|piece| piece.kind == InlineKind::Space)
    {
        pieces.pop();
    }
    let leading = pieces
        .iter()
        .take_while(|piece| piece.kind == InlineKind::Space)
        .count();
    pieces.drain(..leading);
    pieces
}

fn build(
    tree: &Tree,
    index: usize,
    parent_label: &str,
    position: usize,
    used_labels: &mut Labels,
    source: SourceId,
    parent_is_heading: bool,
) -> Option<Item> {
    let node = &tree.nodes[index];
    let own = match node.marker {
        MarkerKind::Number | MarkerKind::Letter => {
            node.marker_text.trim_end_matches(['.', ')']).to_string()
        }
        MarkerKind::Heading(_) if !node.marker_text.is_empty() => {
            node.marker_text.trim_end_matches(['.', ')']).to_string()
        }
        MarkerKind::Heading(_) => format!("h{}", position + 1),
        MarkerKind::Bullet(_) => (position + 1).to_string(),
        MarkerKind::Paragraph => format!("p{}", position + 1),
    };
    // Numbered steps and numbered headings under a heading keep their own
    // numbers (`## How it works` then `1.`, `2.` are steps 1 and 2).
    let numbered = node.marker == MarkerKind::Number
        || (matches!(node.marker, MarkerKind::Heading(_)) && !node.marker_text.is_empty());
    let parent_label = if parent_is_heading && numbered {
        ""
    } else {
        parent_label
    };
    let label = if parent_label.is_empty() || own.contains('.') {
        own
    } else {
        format!("{parent_label}.{own}")
    };
    // Published texts repeat their numbering; labels stay unique all the same.
    let label = used_labels.unique(label);
    let children: Vec<Item> = node
        .children
        .iter()
        .enumerate()
        .filter_map(|(child_position, &child)| {
            build(
                tree,
                child,
                &label,
                child_position,
                used_labels,
                source,
                matches!(node.marker, MarkerKind::Heading(_)),
            )
        })
        .collect();
    if node.text.is_empty() && children.is_empty() {
        return None;
    }
    let span = if node.span.source == source {
        node.span
    } else {
        Span::new(source, node.span.start as usize, node.span.end as usize)
    };
    Some(Item {
        marker: node.marker,
        marker_text: node.marker_text.clone(),
        label,
        text: node.text.clone(),
        span,
        children,
    })
}
