//! The adapter operations keel knows, each with the effect it has by nature.
//!
//! A catalog tool may name the implementation that serves it at run time
//! (`adapter = "magento.cancel"`). What that operation does to the world is
//! a fact about the platform's API, not something a catalog author chooses:
//! cancelling a Magento order is destructive however the catalog labels it.
//! The catalog loader ([`crate::catalog::Catalog::load`]) checks every tool's
//! declared `effect` against this table and refuses
//!
//! * an adapter that is not in the table (`K0120 unknown-adapter`),
//! * a declared effect weaker than the operation's (`K0121 weakened-effect`),
//! * a read tool (`effect = "read"`, or no `effect`) on an operation that
//!   writes or destroys (`K0122 read-tool-writing-adapter`),
//!
//! so that the verifier's guarantees (an explicit yes before a destructive
//! call, an idempotency key on every write) cannot be switched off by a
//! catalog. A declared effect *stronger* than the operation's is allowed.
//! Tools without an `adapter` keep the effect their catalog declares: they
//! are served by the generic HTTP tool server or the demo store, and keel
//! cannot know more about them than the catalog says.
//!
//! The table is pure data, one row per operation, sorted by name (a test
//! checks it), so that rows added on different branches merge line by line.
//! An operation is `platform.operation`; the same name on two platforms is
//! the same kind of operation (`shopify.cancel`, `magento.cancel`).

use crate::catalog::Effect;
use crate::diagnostic::Code;

/// A tool's `adapter` names no operation in [`OPERATIONS`].
pub const UNKNOWN_ADAPTER: Code = Code {
    id: "K0120",
    name: "unknown-adapter",
};
/// A tool declares a weaker effect than its adapter's (`write` on a
/// destructive operation).
pub const WEAKENED_EFFECT: Code = Code {
    id: "K0121",
    name: "weakened-effect",
};
/// A read tool (declared, or by default) on an operation that writes or
/// destroys.
pub const READ_TOOL_WRITING_ADAPTER: Code = Code {
    id: "K0122",
    name: "read-tool-writing-adapter",
};

/// One adapter operation and what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// `platform.operation`, as a catalog's `adapter = "…"` names it.
    pub name: &'static str,
    /// What the operation does to the world, whatever a catalog declares.
    pub effect: Effect,
    /// The platform call behind it, in a few words (for reviewers).
    pub what: &'static str,
}

const fn read(name: &'static str, what: &'static str) -> Operation {
    Operation {
        name,
        effect: Effect::Read,
        what,
    }
}

const fn write(name: &'static str, what: &'static str) -> Operation {
    Operation {
        name,
        effect: Effect::Write,
        what,
    }
}

const fn destructive(name: &'static str, what: &'static str) -> Operation {
    Operation {
        name,
        effect: Effect::Destructive,
        what,
    }
}

/// Every adapter operation keel knows, sorted by name.
pub const OPERATIONS: &[Operation] = &[
    write(
        "aftership.subscribe",
        "subscribe to a shipment's tracking alerts",
    ),
    read("aftership.tracking", "a shipment's tracking status"),
    read("avs.validate", "validate a postal address"),
    destructive("bigcommerce.cancel", "PUT /v2/orders/{id} status_id 5"),
    read(
        "bigcommerce.customer_by_email",
        "GET /v3/customers?email:in=",
    ),
    write("bigcommerce.discount", "a discount on an open order"),
    read("bigcommerce.order", "GET /v2/orders/{id} and its shipments"),
    read(
        "bigcommerce.order_by_id_and_email",
        "one order, checked against the email",
    ),
    read(
        "bigcommerce.orders_by_customer",
        "GET /v2/orders?customer_id=",
    ),
    read("bigcommerce.orders_by_email", "GET /v2/orders?email="),
    write(
        "bigcommerce.shipping_address",
        "change an order's shipping address",
    ),
    write(
        "bigcommerce.shipping_upgrade",
        "expedited shipping on an open order",
    ),
    write("gorgias.message", "POST /api/tickets/{id}/messages"),
    write("gorgias.ticket", "POST /api/tickets"),
    write("kustomer.conversation", "POST /v1/conversations"),
    write("kustomer.message", "POST /v1/notes on a conversation"),
    destructive("magento.cancel", "POST /V1/orders/{id}/cancel"),
    write("magento.coupon", "a single-use coupon for the next order"),
    read(
        "magento.customer_by_email",
        "GET /V1/customers/search by email",
    ),
    write("magento.discount", "a discount on an open order"),
    read("magento.order", "GET /V1/orders/{id} and its shipments"),
    read(
        "magento.orders_by_customer",
        "GET /V1/orders by customer_id",
    ),
    read(
        "magento.orders_by_email",
        "GET /V1/orders by customer_email",
    ),
    write(
        "magento.shipping_upgrade",
        "expedited shipping on an open order",
    ),
    read("recharge.customer_by_email", "a ReCharge customer by email"),
    write("recharge.pause", "pause a subscription"),
    write(
        "recharge.set_next_charge_date",
        "move a subscription's next charge",
    ),
    write("recharge.skip", "skip a subscription's next charge"),
    read("recharge.subscriptions", "a customer's subscriptions"),
    destructive("shopify.cancel", "POST orders/{id}/cancel.json"),
    read(
        "shopify.customer_by_email",
        "GET customers/search.json?query=email:",
    ),
    write(
        "shopify.discount",
        "order edit: a discount on an open order",
    ),
    read("shopify.order", "GET orders/{id}.json with fulfillments"),
    read("shopify.order_by_name", "an order by its name (#1001)"),
    destructive("shopify.order_cancel", "POST orders/{id}/cancel.json"),
    read(
        "shopify.orders_by_customer",
        "GET customers/{id}/orders.json?status=any",
    ),
    read(
        "shopify.orders_by_email",
        "GET orders.json?email=&status=any",
    ),
    write("shopify.replacement_order", "create a replacement order"),
    write("shopify.return_label", "send a return label"),
    write("shopify.return_request", "request a return"),
    write("shopify.shipping_upgrade", "order edit: expedited shipping"),
    write("shopify.store_credit", "issue store credit"),
    destructive(
        "taubench.cancel_pending_order",
        "cancel a pending order, refund it",
    ),
    destructive(
        "taubench.exchange_delivered_order_items",
        "request an exchange of delivered items",
    ),
    read("taubench.find_user_id_by_email", "a user id by email"),
    read(
        "taubench.find_user_id_by_name_zip",
        "a user id by name and zip",
    ),
    read("taubench.get_order_details", "one order"),
    read(
        "taubench.get_product_details",
        "one product and its options",
    ),
    read("taubench.get_user_details", "a user's profile and orders"),
    read("taubench.list_all_product_types", "the products sold"),
    destructive(
        "taubench.modify_pending_order_address",
        "change a pending order's shipping address",
    ),
    destructive(
        "taubench.modify_pending_order_items",
        "change items of a pending order to other options",
    ),
    destructive(
        "taubench.modify_pending_order_payment",
        "change a pending order's payment method",
    ),
    destructive(
        "taubench.modify_user_address",
        "change the user's default address",
    ),
    destructive(
        "taubench.return_delivered_order_items",
        "request a return of delivered items",
    ),
    write(
        "taubench.transfer_to_human_agents",
        "hand the user to a person",
    ),
    write(
        "zendesk.message",
        "PUT /api/v2/tickets/{id}.json with a comment",
    ),
    write("zendesk.ticket", "POST /api/v2/tickets.json"),
];

/// The operation named `name` (`"magento.cancel"`), if keel knows it.
pub fn lookup(name: &str) -> Option<&'static Operation> {
    OPERATIONS
        .binary_search_by(|operation| operation.name.cmp(name))
        .ok()
        .map(|index| &OPERATIONS[index])
}

/// The known operations on `platform` (the part before the dot), for hints.
pub fn on_platform(platform: &str) -> impl Iterator<Item = &'static Operation> {
    OPERATIONS.iter().filter(move |operation| {
        operation
            .name
            .split_once('.')
            .is_some_and(|(known, _)| known == platform)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_has_no_duplicates() {
        for pair in OPERATIONS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} must come before {}",
                pair[1].name,
                pair[0].name
            );
        }
    }

    #[test]
    fn every_name_is_platform_dot_operation() {
        for operation in OPERATIONS {
            let (platform, name) = operation.name.split_once('.').unwrap_or(("", ""));
            assert!(
                !platform.is_empty() && !name.is_empty() && !name.contains('.'),
                "{}",
                operation.name
            );
        }
    }

    #[test]
    fn lookup_finds_each_row_and_nothing_else() {
        for operation in OPERATIONS {
            assert_eq!(lookup(operation.name), Some(operation));
        }
        assert_eq!(
            lookup("magento.cancel").map(|o| o.effect),
            Some(Effect::Destructive)
        );
        assert_eq!(
            lookup("magento.order").map(|o| o.effect),
            Some(Effect::Read)
        );
        assert_eq!(
            lookup("gorgias.message").map(|o| o.effect),
            Some(Effect::Write)
        );
        assert_eq!(lookup("magento.cancell"), None);
        assert_eq!(lookup(""), None);
        assert_eq!(on_platform("gorgias").count(), 2);
    }
}
