//! The rule tables' own tests: every example compiles to what it says, and
//! the verb classes the action rules dispatch on do not overlap.

use super::{ACTION_RULES, CONDITION_RULES, ITEM_RULES};
use crate::extract::lexicon::Class;
use crate::extract::reference::{compile_example, examples};

#[test]
fn every_example_compiles_to_what_it_says() {
    let mut failures = Vec::new();
    let bless = std::env::var_os("KEEL_SHOW_EXAMPLES").is_some();
    for (rule, example) in examples() {
        let got = compile_example(example.text);
        if bless {
            eprintln!(
                "@@ {rule}\n>> {}\n{got}\n@@",
                example.text.replace('\n', "\\n")
            );
        }
        if got != example.compiles_to {
            failures.push(format!(
                "{rule}: {}\n--- expected\n{}\n--- got\n{got}",
                example.text, example.compiles_to
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_has_a_unique_name_an_about_text_and_an_example() {
    let mut names: Vec<&str> = Vec::new();
    let rules = ITEM_RULES
        .iter()
        .map(|rule| (rule.name, rule.about, rule.examples.len()))
        .chain(
            CONDITION_RULES
                .iter()
                .map(|rule| (rule.name, rule.about, rule.examples.len())),
        )
        .chain(
            ACTION_RULES
                .iter()
                .map(|rule| (rule.name, rule.about, rule.examples.len())),
        );
    for (name, about, examples) in rules {
        assert!(!names.contains(&name), "two rules are named {name}");
        assert!(!about.is_empty(), "{name} has no about text");
        assert!(examples > 0, "{name} has no example");
        names.push(name);
    }
}

#[test]
fn the_verb_classes_rules_dispatch_on_do_not_overlap() {
    let dispatch = [
        Class::AskVerb,
        Class::ConfirmVerb,
        Class::CheckVerb,
        Class::SayVerb,
        Class::ThankVerb,
        Class::ApologiseVerb,
        Class::ProvideVerb,
        Class::DisplayVerb,
        Class::HandOffVerb,
        Class::TicketVerb,
        Class::EndVerb,
        Class::MoveVerb,
        Class::OfferVerb,
        Class::EnsureVerb,
    ];
    for entry in crate::extract::lexicon::classes() {
        if !dispatch.contains(&entry.class) {
            continue;
        }
        for word in entry.words {
            let tags = crate::extract::lexicon::tag(word);
            let classes: Vec<Class> = dispatch
                .iter()
                .copied()
                .filter(|class| tags.has(*class))
                .collect();
            assert_eq!(classes.len(), 1, "{word} is in {classes:?}");
        }
    }
}

/// Every word accounted for: each sentence of the planted-qualifier corpus
/// (`tests/data/qualifiers/corpus.txt`) either carries its qualifier into
/// what it compiles to or has it named by an error; a condition inside an
/// action is always an error, never a statement that runs without it.
#[test]
fn planted_qualifiers_are_carried_or_reported() {
    let corpus = include_str!("../../../tests/data/qualifiers/corpus.txt");
    let mut failures = Vec::new();
    let mut cases = 0;
    for (number, line) in corpus.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(" | ").collect();
        let [kind, sentence, words] = fields.as_slice() else {
            panic!(
                "corpus.txt:{}: expected `kind | sentence | words`",
                number + 1
            );
        };
        cases += 1;
        let got = compile_example(sentence);
        let lower = got.to_lowercase();
        let words = words.to_lowercase();
        let named_by_error = got
            .lines()
            .any(|line| line.starts_with('K') && line.to_lowercase().contains(&words));
        let ok = match *kind {
            "carried" => lower.contains(&words),
            "reported" => {
                named_by_error
                    && !got
                        .lines()
                        .any(|line| !line.starts_with('K') && line.to_lowercase().contains(&words))
            }
            other => panic!("corpus.txt:{}: unknown kind {other}", number + 1),
        };
        if !ok {
            failures.push(format!(
                "corpus.txt:{} {kind}: {sentence}\n{got}",
                number + 1
            ));
        }
    }
    assert!(cases >= 20, "the corpus has {cases} sentences");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
