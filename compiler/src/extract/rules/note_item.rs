//! `Note: …`: an item kept whole as a remark.

use super::{Example, ItemRule, ItemShape};
use crate::extract::tokens::Token;
use crate::syntax::Item;

/// An item that starts `Note:` is kept whole as a remark (semicolons and all),
/// with no effect on the machine; its sub-items are read as usual.
pub(crate) const RULE: ItemRule = ItemRule {
    name: "note-item",
    shape: "Note: <remark>",
    about: "An item that starts `Note:` is kept whole as a remark (semicolons and all), with no effect on the machine; its sub-items are read as usual.",
    read,
    examples: &[Example {
        text: "Note: refunds are processed by the finance team; this bot never promises a date.",
        compiles_to: r#"note "Note: refunds are processed by the finance team; this bot never promises a date.""#,
    }],
};

fn read(_item: &Item, tokens: &[Token]) -> Option<ItemShape> {
    (tokens.first().is_some_and(|token| token.is("note"))
        && tokens.get(1).is_some_and(|token| token.is_punct(':')))
    .then_some(ItemShape::Note)
}
