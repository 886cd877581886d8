//! Every operation keel-adapters implements is in the compiler's table of
//! adapter operations, with the effect the adapter has.

use keel_compiler::adapters::lookup;
use keel_compiler::catalog::Effect;

/// What the adapters implement, and what each does to the platform.
const IMPLEMENTED: &[(&str, Effect)] = &[
    ("bigcommerce.cancel", Effect::Destructive),
    ("bigcommerce.customer_by_email", Effect::Read),
    ("bigcommerce.order", Effect::Read),
    ("bigcommerce.orders_by_email", Effect::Read),
    ("gorgias.message", Effect::Write),
    ("magento.cancel", Effect::Destructive),
    ("magento.coupon", Effect::Write),
    ("magento.customer_by_email", Effect::Read),
    ("magento.discount", Effect::Write),
    ("magento.order", Effect::Read),
    ("magento.orders_by_email", Effect::Read),
    ("magento.shipping_upgrade", Effect::Write),
    ("shopify.cancel", Effect::Destructive),
    ("shopify.customer_by_email", Effect::Read),
    ("shopify.discount", Effect::Write),
    ("shopify.order", Effect::Read),
    ("shopify.orders_by_email", Effect::Read),
    ("shopify.shipping_upgrade", Effect::Write),
];

#[test]
fn every_implemented_operation_is_in_the_table_with_its_effect() {
    for (name, effect) in IMPLEMENTED {
        let operation =
            lookup(name).unwrap_or_else(|| panic!("{name} is not in compiler/src/adapters.rs"));
        assert_eq!(operation.effect, *effect, "{name}");
    }
}

#[test]
fn every_implemented_operation_answers_something_other_than_unknown() {
    let h = crate::common::harness("");
    for (name, _) in IMPLEMENTED {
        if let keel_runtime::ToolOutcome::Error(message) = h.call(name, &[]) {
            assert!(!message.contains("has no adapter"), "{name}: {message}");
        }
    }
}
