//! The language reference (`docs/policy-language.md`) is generated from the
//! rule tables: it must be exactly what the tables say today.

use crate::support::root;
use keel_compiler::extract::reference::{REFERENCE_PATH, language_reference};

#[test]
fn language_reference_matches_the_rule_tables() {
    let path = root().join(REFERENCE_PATH);
    let generated = language_reference();
    if std::env::var_os("KEEL_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("reference is writable");
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == generated,
        "{REFERENCE_PATH} is out of date with the rule tables: \
         `KEEL_BLESS=1 cargo test -p keel-compiler --test it language_reference` rewrites it"
    );
}
