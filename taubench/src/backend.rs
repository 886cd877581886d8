//! keel's view of the τ-bench tools ([`crate::db`]): the [`BlockingTools`]
//! implementation a compiled policy runs against. A lookup
//! answering "Error: user not found" / "Error: order not found" is keel's
//! `not found` (`Null`), any other `Error: …` is a tool error carrying the
//! τ-bench text, and results are shaped for the catalog (`{ user_id }`, the
//! user's order list, an order with `total`, `item_names`, `refund_to`).

use crate::db::Db;
use keel_runtime::{BlockingTools, Money, ToolCall, ToolExecutor, ToolOutcome, Value};
use serde_json::{Map, Value as Json};
use std::future::Future;
use std::sync::Arc;

/// The τ-bench DB served to a keel conversation, with every call logged.
#[derive(Debug)]
pub struct Backend {
    /// The database, changed by the calls.
    pub db: Db,
    /// Each call as `(tool, arguments, τ-bench output)`.
    pub calls: Vec<(String, Map<String, Json>, String)>,
}

impl Backend {
    /// A backend over `db`.
    pub fn new(db: Db) -> Backend {
        Backend {
            db,
            calls: Vec::new(),
        }
    }

    fn serve(&mut self, call: &ToolCall) -> ToolOutcome {
        let tool = call
            .adapter
            .as_deref()
            .and_then(|adapter| adapter.strip_prefix("taubench."))
            .unwrap_or(&call.tool)
            .to_string();
        let args: Map<String, Json> = call
            .args
            .iter()
            .map(|(name, value)| {
                let json = match value {
                    Value::Text(text) => Json::from(text.as_ref()),
                    other => Json::from(other.plain()),
                };
                (name.to_string(), json)
            })
            .collect();
        if tool == "find_item_option" {
            return self.find_item_option(&args);
        }
        if tool == "total_paid_for_item" {
            return self.total_paid_for_item(&args);
        }
        let output = self.db.invoke(&tool, &args);
        self.calls.push((tool.clone(), args, output.clone()));
        if let Some(error) = output.strip_prefix("Error: ") {
            let lookup = matches!(
                tool.as_str(),
                "find_user_id_by_email" | "find_user_id_by_name_zip" | "get_order_details"
            );
            if lookup && error.ends_with("not found") {
                return ToolOutcome::Ok(Value::Null);
            }
            return ToolOutcome::Error(output);
        }
        match tool.as_str() {
            "find_user_id_by_email" | "find_user_id_by_name_zip" => ToolOutcome::Ok(Value::record(
                vec![(Arc::from("user_id"), Value::text(&output))],
            )),
            "get_user_details" => {
                // Showing the orders takes each one's details, as a τ-bench
                // agent reads them: read-only `get_order_details` calls.
                let user: Json = serde_json::from_str(&output).unwrap_or(Json::Null);
                let ids: Vec<String> = user["orders"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect();
                let orders = ids
                    .iter()
                    .map(|id| {
                        let args: Map<String, Json> =
                            [("order_id".to_string(), Json::from(id.as_str()))]
                                .into_iter()
                                .collect();
                        let details = self.db.invoke("get_order_details", &args);
                        self.calls
                            .push(("get_order_details".to_string(), args, details.clone()));
                        let order: Json = serde_json::from_str(&details).unwrap_or(Json::Null);
                        order_summary(id, &order)
                    })
                    .collect::<Vec<_>>();
                ToolOutcome::Ok(Value::List(orders.into()))
            }
            "get_order_details" | "cancel_pending_order" => {
                let order: Json = serde_json::from_str(&output).unwrap_or(Json::Null);
                ToolOutcome::Ok(order_view(&order))
            }
            _ => ToolOutcome::Ok(Value::text(&output)),
        }
    }
}

impl Backend {
    /// A τ-bench call, logged like the others.
    fn read(&mut self, tool: &str, name: &str, value: &str) -> String {
        let args: Map<String, Json> = [(name.to_string(), Json::from(value))]
            .into_iter()
            .collect();
        let output = self.db.invoke(tool, &args);
        self.calls.push((tool.to_string(), args, output.clone()));
        output
    }

    /// The user's orders, read with `get_user_details` and
    /// `get_order_details`.
    fn orders_of(&mut self, user_id: &str) -> Result<Vec<Json>, String> {
        let user = self.read("get_user_details", "user_id", user_id);
        let Ok(user) = serde_json::from_str::<Json>(&user) else {
            return Err(user);
        };
        let ids: Vec<String> = user["orders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|id| id.as_str().map(str::to_string))
            .collect();
        Ok(ids
            .iter()
            .filter_map(|id| {
                serde_json::from_str(&self.read("get_order_details", "order_id", id)).ok()
            })
            .collect())
    }

    /// keel's `total_paid_for_item` ([`crate::item_option::paid_for`]).
    fn total_paid_for_item(&mut self, args: &Map<String, Json>) -> ToolOutcome {
        let text = |name: &str| args.get(name).and_then(Json::as_str).unwrap_or_default();
        let (user_id, item) = (text("user_id").to_string(), text("item").to_string());
        let orders = match self.orders_of(&user_id) {
            Ok(orders) => orders,
            Err(error) => return ToolOutcome::Error(error),
        };
        match crate::item_option::paid_for(&item, &orders) {
            None => ToolOutcome::Ok(Value::Null),
            Some((name, count, total)) => ToolOutcome::Ok(Value::record(vec![
                (Arc::from("item"), Value::text(&name)),
                (Arc::from("count"), Value::Number(f64::from(count))),
                (Arc::from("total"), Value::Money(dollars(total))),
            ])),
        }
    }

    /// keel's `find_item_option` ([`crate::item_option`]): the user's
    /// orders and the item's product, read with τ-bench's own tools.
    fn find_item_option(&mut self, args: &Map<String, Json>) -> ToolOutcome {
        let text = |name: &str| args.get(name).and_then(Json::as_str).unwrap_or_default();
        let (user_id, request) = (text("user_id").to_string(), text("request").to_string());
        let orders = match self.orders_of(&user_id) {
            Ok(orders) => orders,
            Err(error) => return ToolOutcome::Error(error),
        };
        let mut product = |id: &str| {
            serde_json::from_str::<Json>(&self.read("get_product_details", "product_id", id)).ok()
        };
        match crate::item_option::find(&request, &orders, &mut product) {
            None => ToolOutcome::Ok(Value::Null),
            Some(found) => ToolOutcome::Ok(Value::record(vec![
                (Arc::from("item"), Value::text(&found.item)),
                (Arc::from("options"), Value::text(&found.options)),
                (Arc::from("price"), Value::Money(dollars(found.price))),
            ])),
        }
    }
}

/// One line of the user's order list: the id, the status, each item with
/// its options and price, and the total.
pub fn order_summary(id: &str, order: &Json) -> Value {
    let mut items = String::new();
    for item in order["items"].as_array().into_iter().flatten() {
        if !items.is_empty() {
            items.push_str("; ");
        }
        items.push_str(item["name"].as_str().unwrap_or("an item"));
        let options: Vec<String> = item["options"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, value)| format!("{name} {}", value.as_str().unwrap_or_default()))
            .collect();
        if !options.is_empty() {
            items.push_str(&format!(" ({})", options.join(", ")));
        }
        let mut price = String::new();
        dollars(item["price"].as_f64().unwrap_or(0.0)).write_display(&mut price);
        items.push(' ');
        items.push_str(&price);
    }
    let total = order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| item["price"].as_f64().unwrap_or(0.0))
        .sum::<f64>();
    Value::record(vec![
        (Arc::from("id"), Value::text(id)),
        (Arc::from("order_id"), Value::text(id)),
        (
            Arc::from("status"),
            Value::text(order["status"].as_str().unwrap_or("unknown")),
        ),
        (Arc::from("items"), Value::text(&items)),
        (Arc::from("total"), Value::Money(dollars(total))),
    ])
}

/// Dollars as keel money, to the cent.
fn dollars(amount: f64) -> Money {
    Money {
        minor: (amount * 100.0).round() as i64,
        code: *b"USD",
    }
}

/// keel's view of a τ-bench order: its fields, plus `total` (the item
/// prices summed, in cents), `item_names` and `refund_to`.
pub fn order_view(order: &Json) -> Value {
    let items = order["items"].as_array().cloned().unwrap_or_default();
    let cents: i64 = items
        .iter()
        .map(|item| (item["price"].as_f64().unwrap_or(0.0) * 100.0).round() as i64)
        .sum();
    let names: Vec<&str> = items
        .iter()
        .filter_map(|item| item["name"].as_str())
        .collect();
    let method = order["payment_history"][0]["payment_method_id"]
        .as_str()
        .unwrap_or_default();
    let refund_to = [
        ("gift_card", "gift card"),
        ("credit_card", "credit card"),
        ("paypal", "paypal"),
    ]
    .into_iter()
    .find(|(kind, _)| method.starts_with(kind))
    .map_or("other", |(_, words)| words);
    let mut fields: Vec<(Arc<str>, Value)> = Vec::new();
    for name in ["order_id", "user_id", "status", "cancel_reason"] {
        if let Some(text) = order[name].as_str() {
            fields.push((Arc::from(name), Value::text(text)));
        }
    }
    fields.push((
        Arc::from("total"),
        Value::Money(Money {
            minor: cents,
            code: *b"USD",
        }),
    ));
    fields.push((Arc::from("item_names"), Value::text(&names.join(", "))));
    fields.push((Arc::from("refund_to"), Value::text(refund_to)));
    Value::record(fields)
}

impl BlockingTools for Backend {
    fn perform(&mut self, call: &ToolCall) -> ToolOutcome {
        self.serve(call)
    }
}

impl ToolExecutor for Backend {
    fn call(&mut self, call: &ToolCall) -> impl Future<Output = ToolOutcome> {
        std::future::ready(self.serve(call))
    }
}
