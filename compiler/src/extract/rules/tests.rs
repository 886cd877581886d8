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
