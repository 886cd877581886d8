//! The raw seed policies, cut verbatim from `shared/seeds/`, parse into the
//! outline a reader sees in them.

use keel_compiler::source::SourceId;
use keel_compiler::syntax;

#[test]
fn seed_outlines() {
    insta::glob!("../data/seeds", "*.txt", |path| {
        let text = std::fs::read_to_string(path).expect("seed text is readable");
        let (document, diagnostics) = syntax::parse(SourceId::default(), &text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        insta::assert_snapshot!(document.dump());
    });
}
