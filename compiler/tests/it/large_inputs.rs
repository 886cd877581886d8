//! The three inputs of issue 12 that overflowed `keel serve`'s stack,
//! generated (≈ 1 MB; not committed). Included by path from the compiler's,
//! serve's and the CLI's tests; each names the catalog `catalog.toml` (the
//! cancellation example's).
#![allow(dead_code)]

pub(crate) const FRONT: &str = "---\npolicy: Big\ncatalog: catalog.toml\n---\n";

/// 9,999 long steps, ≈ 1 MB (just under `keel serve`'s 1 MiB deploy limit).
pub(crate) fn long_steps() -> String {
    let mut text = FRONT.to_string();
    for step in 1..=9_999 {
        text.push_str(&format!(
            "{step}. Tell the customer that we are looking into their request and will follow up soon. Thank you.\n"
        ));
    }
    text
}

/// 20,000 short steps, numbered as a person would (numbers past 9,999 are
/// not step markers, so they continue step 9,999: one step of 10,001
/// sentences).
pub(crate) fn short_steps() -> String {
    let mut text = FRONT.to_string();
    for step in 1..=20_000 {
        text.push_str(&format!("{step}. Say hello.\n"));
    }
    text
}

/// One step with 20,000 sub-bullets.
pub(crate) fn sub_bullets() -> String {
    let mut text = FRONT.to_string();
    text.push_str("1. Ask for the user's email address.\n");
    for bullet in 1..=20_000 {
        text.push_str(&format!("   - Say hello {bullet}.\n"));
    }
    text
}
