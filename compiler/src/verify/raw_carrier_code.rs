//! `K0316 raw-carrier-code`.
//!
//! **What it checks.** No message shows a carrier's raw status or code: a
//! field of type `carrier_code` (an EasyPost status such as
//! `return_to_sender`, an AfterShip subtag such as `Exception_004`) may be
//! passed to tools and compared with literals, but a message must show it
//! as `$path.phrase` — its plain words from the catalog's `[carrier]`
//! table, or the table's safe fallback for a code nobody mapped.
//! The types come from the dataflow, so a record field, a tool result and a
//! triggered policy's `$event` are all covered.
//!
//! **Why it matters.** "Exception Code 11" means nothing to a customer and
//! makes them anxious (seed 003's third mistake); a translation that is
//! optional is a translation that is forgotten on one path.
//!
//! **Example.** `Inform the customer that the carrier reports
//! $tracking.status.` where `status` is a `carrier_code`: write
//! `$tracking.status.phrase` instead.

use super::Check;
use super::context::Context;
use crate::catalog::Type;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::StateKind;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0316",
    name: "raw-carrier-code",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let message = match &state.kind {
            StateKind::Say { message } => message,
            StateKind::Ask { prompt, .. } => prompt,
            _ => continue,
        };
        let env = context.env(id);
        for path in message.paths() {
            let raw = env
                .path_types(path, context.catalog)
                .iter()
                .any(|ty| matches!(ty.required(), Type::CarrierCode))
                || list_of_codes(&env.path_types(path, context.catalog));
            if !raw {
                continue;
            }
            let mut diagnostic = Diagnostic::error(
                CODE,
                format!(
                    "the message at {} shows the raw carrier code {path}",
                    context.step_of(id)
                ),
            )
            .hint(format!(
                "show its plain words: {path}.{}",
                crate::vocabulary::PHRASE
            ));
            if let Some(span) = context.span_of(id) {
                diagnostic = diagnostic.at(span);
            }
            diagnostics.push(diagnostic);
        }
    }
}

fn list_of_codes(types: &std::collections::BTreeSet<Type>) -> bool {
    types.iter().any(|ty| match ty.required() {
        Type::List(inner) => matches!(inner.required(), Type::CarrierCode),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use crate::Source;

    const CATALOG: &str = include_str!("../../tests/data/verify/carrier.toml");

    fn codes(policy: &str) -> Vec<&'static str> {
        let compilation = crate::compile(
            &[Source::new("test.policy.md", policy)],
            &[Source::new("carrier.toml", CATALOG)],
        );
        compilation
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.code.id)
            .collect()
    }

    #[test]
    fn raw_codes_are_flagged_and_phrases_are_not() {
        let front = "---\ntrigger: carrier_exception\n---\n";
        assert_eq!(
            codes(&format!(
                "{front}1. Inform the customer that the carrier reports $event.code.\n2. End the conversation as resolved.\n"
            )),
            ["K0316"]
        );
        assert!(
            codes(&format!(
                "{front}1. Inform the customer that their parcel is $event.code.phrase.\n2. End the conversation as resolved.\n"
            ))
            .is_empty()
        );
    }
}
