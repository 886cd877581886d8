//! The carrier vocabulary the WISMO examples share
//! (`examples/wismo_proactive/carrier.toml`), row by row: every code, sent
//! through the proactive policy as the monitor's event and as the
//! follow-up's tracking, reaches the customer as its plain words and never
//! as the code; the table covers every EasyPost status and AfterShip tag;
//! a code nobody mapped shows its tag's words or the fallback.

use crate::common::{example, today};
use keel_runtime::script::{Script, ScriptEvent, Stub, run};
use serde_json::json;

/// EasyPost tracker `status` values and AfterShip tags (the platform
/// reference, §5.1 and §5.2): the table must say each in plain words.
const EASYPOST_STATUSES: [&str; 10] = [
    "unknown",
    "pre_transit",
    "in_transit",
    "out_for_delivery",
    "delivered",
    "available_for_pickup",
    "return_to_sender",
    "failure",
    "cancelled",
    "error",
];
const AFTERSHIP_TAGS: [&str; 9] = [
    "Pending",
    "InfoReceived",
    "InTransit",
    "OutForDelivery",
    "AttemptFail",
    "Delivered",
    "AvailableForPickup",
    "Exception",
    "Expired",
];

/// The proactive policy's messages for an event showing `event_code` and a
/// follow-up whose tracking shows `tracking_code` (not delivered, so the
/// follow-up's message shows the code's words too).
fn messages(event_code: &str, tracking_code: &str) -> Vec<String> {
    let machine = example("wismo_proactive");
    let script = Script {
        event: Some(ScriptEvent {
            kind: "carrier_scan_gap".to_string(),
            data: json!({
                "order_id": "1042",
                "tracking_number": "1Z999AA10123456784",
                "carrier": "UPS",
                "code": event_code,
                "location": "Memphis, TN",
                "hours_since_scan": 50,
            }),
        }),
        stubs: vec![Stub {
            tool: "get_tracking".to_string(),
            ok: Some(json!({
                "order_id": "1042",
                "state": "InTransit",
                "code": tracking_code,
                "location": "Dallas, TX",
            })),
            ..Stub::default()
        }],
        ..Script::default()
    };
    let run = run(&machine, &script, today()).unwrap_or_else(|error| panic!("{error}"));
    run.transcript
        .messages
        .iter()
        .filter(|said| said.from == "bot")
        .map(|said| said.text.clone())
        .collect()
}

/// Whether `text` shows `code` as a word of its own.
fn shows(text: &str, code: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == code)
}

fn table() -> (std::collections::BTreeMap<String, String>, String) {
    let machine = example("wismo_proactive");
    let carrier = machine
        .artifact()
        .carrier
        .clone()
        .unwrap_or_else(|| panic!("the proactive policy shows carrier codes"));
    (carrier.phrases, carrier.fallback)
}

#[test]
fn every_row_reaches_the_customer_as_its_plain_words_never_as_the_code() {
    let (phrases, _) = table();
    assert!(phrases.len() >= 68, "{} rows", phrases.len());
    for (code, phrase) in &phrases {
        let said = messages(code, code);
        assert_eq!(said.len(), 2, "{code}: {said:#?}");
        for text in &said {
            assert!(text.contains(phrase.as_str()), "{code}: {text}");
            // A plain word that is also a code (`delivered`) may be said;
            // a code with an underscore or a capital inside may not.
            let coded = code.contains('_') || code.chars().skip(1).any(char::is_uppercase);
            assert!(!(coded && shows(text, code)), "{code} shown raw: {text}");
        }
    }
}

#[test]
fn the_table_says_every_easypost_status_and_aftership_tag() {
    let (phrases, _) = table();
    for code in EASYPOST_STATUSES.iter().chain(AFTERSHIP_TAGS.iter()) {
        assert!(phrases.contains_key(*code), "{code} has no plain words");
    }
}

#[test]
fn an_unmapped_code_shows_its_tags_words_or_the_fallback_never_the_code() {
    let (phrases, fallback) = table();
    // AfterShip subtags with no published meaning: the tag's words.
    for subtag in ["Exception_014", "Exception_015", "Pending_009"] {
        assert!(!phrases.contains_key(subtag));
        let tag = subtag.split('_').next().unwrap_or_default();
        let said = messages(subtag, subtag);
        for text in &said {
            assert!(text.contains(phrases[tag].as_str()), "{subtag}: {text}");
            assert!(!shows(text, subtag), "{subtag}: {text}");
        }
    }
    // A carrier's own jargon: the fallback.
    for code in ["Terminal_Sortation_43", "XJ-77", ""] {
        let said = messages(code, code);
        for text in &said {
            assert!(text.contains(fallback.as_str()), "{code:?}: {text}");
            assert!(code.is_empty() || !text.contains(code), "{code}: {text}");
        }
    }
}
