//! keel's view of the τ-bench tools ([`crate::db`]): the [`BlockingTools`]
//! implementation a compiled policy runs against, each call logged. A
//! lookup answering "Error: user not found" / "Error: order not found" /
//! "Error: product not found" is keel's `not found` (`Null`), any other
//! `Error: …` is a tool error carrying the τ-bench text, and results are
//! shaped as `taubench/policy/catalog.toml` declares them: records
//! with a `summary`, the words keel shows for them, and the lists a policy
//! picks from (a user's orders and payment methods, an order's items, a
//! product's available options). Every view is made of τ-bench's own read
//! tools — the calls a τ-bench agent makes to show the same things.

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
    /// Each τ-bench call as `(tool, arguments, output)`.
    pub calls: Vec<(String, Map<String, Json>, String)>,
}

fn field(name: &str, value: Value) -> (Arc<str>, Value) {
    (Arc::from(name), value)
}

fn text(value: &Json) -> &str {
    value.as_str().unwrap_or_default()
}

/// Dollars as keel money, to the cent.
fn dollars(amount: f64) -> Money {
    Money {
        minor: (amount * 100.0).round() as i64,
        code: *b"USD",
    }
}

fn shown(money: Money) -> String {
    let mut out = String::new();
    money.write_display(&mut out);
    out
}

/// A value as τ-bench's tools take it: text, or a list of texts.
fn argument(value: &Value) -> Json {
    match value {
        Value::Text(text) => Json::from(text.as_ref()),
        Value::List(items) => Json::Array(items.iter().map(argument).collect()),
        other => other.to_json(),
    }
}

/// `{"color": "blue", "size": "M"}` → `color: blue, size: M`.
fn options_text(options: &Json) -> String {
    options
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| format!("{name}: {}", text(value)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn address_text(address: &Json) -> String {
    let part = |name: &str| text(&address[name]).to_string();
    let mut out = part("address1");
    if !part("address2").is_empty() {
        out.push_str(&format!(", {}", part("address2")));
    }
    out.push_str(&format!(
        ", {}, {} {}, {}",
        part("city"),
        part("state"),
        part("zip"),
        part("country")
    ));
    out
}

/// One of the user's payment methods; `original` marks the one an order
/// was paid with.
fn payment_method(method: &Json, original: bool) -> Value {
    let id = text(&method["id"]);
    let source = text(&method["source"]);
    let balance = dollars(method["balance"].as_f64().unwrap_or(0.0));
    let mut summary = match source {
        "credit_card" => format!(
            "Credit card {} ending in {} ({id})",
            text(&method["brand"]),
            text(&method["last_four"])
        ),
        "gift_card" => format!("Gift card with a balance of {} ({id})", shown(balance)),
        "paypal" => format!("PayPal ({id})"),
        other => format!("{other} ({id})"),
    };
    if original {
        summary.push_str(", the original payment method");
    }
    Value::record(vec![
        field("payment_method_id", Value::text(id)),
        field("source", Value::text(source)),
        field("balance", Value::Money(balance)),
        field("summary", Value::text(&summary)),
    ])
}

/// The items of an order on one line each, for the order list.
fn items_line(order: &Json) -> String {
    order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            format!(
                "{} ({}) {}",
                text(&item["name"]),
                options_text(&item["options"]),
                shown(dollars(item["price"].as_f64().unwrap_or(0.0)))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn total_of(order: &Json) -> Money {
    let cents: i64 = order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| (item["price"].as_f64().unwrap_or(0.0) * 100.0).round() as i64)
        .sum();
    Money {
        minor: cents,
        code: *b"USD",
    }
}

/// One line of the user's order list.
fn order_ref(id: &str, order: &Json) -> Value {
    Value::record(vec![
        field("id", Value::text(id)),
        field("order_id", Value::text(id)),
        field("status", Value::text(text(&order["status"]))),
        field("items", Value::text(&items_line(order))),
        field("total", Value::Money(total_of(order))),
    ])
}

/// keel's view of an order, with the user's payment methods.
fn order_view(order: &Json, user: &Json) -> Value {
    let original = text(&order["payment_history"][0]["payment_method_id"]);
    let methods: Vec<&Json> = user["payment_methods"]
        .as_object()
        .into_iter()
        .flat_map(|methods| methods.values())
        .collect();
    let refund_to = match original.split('_').next().unwrap_or_default() {
        "gift" => "gift card",
        "credit" => "credit card",
        _ => "paypal",
    };
    let items: Vec<Value> = order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            let price = dollars(item["price"].as_f64().unwrap_or(0.0));
            let options = options_text(&item["options"]);
            Value::record(vec![
                field("item_id", Value::text(text(&item["item_id"]))),
                field("product_id", Value::text(text(&item["product_id"]))),
                field("item", Value::text(text(&item["name"]))),
                field("options", Value::text(&options)),
                field("price", Value::Money(price)),
                field(
                    "summary",
                    Value::text(&format!(
                        "{} ({options}), {}",
                        text(&item["name"]),
                        shown(price)
                    )),
                ),
            ])
        })
        .collect();
    let names: Vec<&str> = order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| text(&item["name"]))
        .collect();
    let payment = methods
        .iter()
        .find(|method| text(&method["id"]) == original)
        .map_or_else(
            || Value::text(original),
            |method| payment_method(method, false),
        );
    let tracking: Vec<&str> = order["fulfillments"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|fulfillment| fulfillment["tracking_id"].as_array().into_iter().flatten())
        .filter_map(Json::as_str)
        .collect();
    Value::record(vec![
        field("order_id", Value::text(text(&order["order_id"]))),
        field("user_id", Value::text(text(&order["user_id"]))),
        field("status", Value::text(text(&order["status"]))),
        field("items", Value::List(items.into())),
        field("item_names", Value::text(&names.join(", "))),
        field("total", Value::Money(total_of(order))),
        field("payment_method_id", Value::text(original)),
        field(
            "payment",
            Value::text(
                payment
                    .field("summary")
                    .and_then(Value::as_text)
                    .unwrap_or(original),
            ),
        ),
        field("refund_to", Value::text(refund_to)),
        field(
            "payment_methods",
            Value::List(
                methods
                    .iter()
                    .map(|method| payment_method(method, text(&method["id"]) == original))
                    .collect(),
            ),
        ),
        field("address", Value::text(&address_text(&order["address"]))),
        field(
            "tracking",
            Value::text(&if tracking.is_empty() {
                "not shipped yet".to_string()
            } else {
                tracking.join(", ")
            }),
        ),
    ])
}

fn product_view(product: &Json) -> Value {
    let variants: Vec<Value> = product["variants"]
        .as_object()
        .into_iter()
        .flat_map(|variants| variants.values())
        .filter(|variant| variant["available"].as_bool() == Some(true))
        .map(|variant| {
            let price = dollars(variant["price"].as_f64().unwrap_or(0.0));
            let options = options_text(&variant["options"]);
            let id = text(&variant["item_id"]);
            Value::record(vec![
                field("item_id", Value::text(id)),
                field("options", Value::text(&options)),
                field("price", Value::Money(price)),
                field(
                    "summary",
                    Value::text(&format!("{options}, {} (item {id})", shown(price))),
                ),
            ])
        })
        .collect();
    Value::record(vec![
        field("product_id", Value::text(text(&product["product_id"]))),
        field("product", Value::text(text(&product["name"]))),
        field("variants", Value::List(variants.into())),
    ])
}

impl Backend {
    /// A backend over `db`.
    pub fn new(db: Db) -> Backend {
        Backend {
            db,
            calls: Vec::new(),
        }
    }

    /// A τ-bench call, logged; its output parsed as JSON when it is.
    fn invoke(&mut self, tool: &str, args: Map<String, Json>) -> Result<Json, String> {
        let output = self.db.invoke(tool, &args);
        self.calls.push((tool.to_string(), args, output.clone()));
        if output.starts_with("Error: ") {
            return Err(output);
        }
        Ok(serde_json::from_str(&output).unwrap_or(Json::String(output)))
    }

    fn read(&mut self, tool: &str, name: &str, value: &str) -> Result<Json, String> {
        let args: Map<String, Json> = [(name.to_string(), Json::from(value))]
            .into_iter()
            .collect();
        self.invoke(tool, args)
    }

    fn user_view(&mut self, user_id: &str) -> Result<Value, String> {
        let user = self.read("get_user_details", "user_id", user_id)?;
        let ids: Vec<String> = user["orders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|id| id.as_str().map(str::to_string))
            .collect();
        let mut orders = Vec::new();
        for id in &ids {
            if let Ok(order) = self.read("get_order_details", "order_id", id) {
                orders.push(order_ref(id, &order));
            }
        }
        let methods: Vec<Value> = user["payment_methods"]
            .as_object()
            .into_iter()
            .flat_map(|methods| methods.values())
            .map(|method| payment_method(method, false))
            .collect();
        Ok(Value::record(vec![
            field("user_id", Value::text(user_id)),
            field(
                "name",
                Value::text(&format!(
                    "{} {}",
                    text(&user["name"]["first_name"]),
                    text(&user["name"]["last_name"])
                )),
            ),
            field("email", Value::text(text(&user["email"]))),
            field("address", Value::text(&address_text(&user["address"]))),
            field("orders", Value::List(orders.into())),
            field("payment_methods", Value::List(methods.into())),
        ]))
    }

    fn order_of(&mut self, order: &Json) -> Value {
        let user = self
            .read("get_user_details", "user_id", text(&order["user_id"]))
            .unwrap_or(Json::Null);
        order_view(order, &user)
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
            .map(|(name, value)| (name.to_string(), argument(value)))
            .collect();
        let arg = |name: &str| text(args.get(name).unwrap_or(&Json::Null)).to_string();
        let not_found = |error: &str| error.ends_with("not found");
        let result = match tool.as_str() {
            "find_user_id_by_email" | "find_user_id_by_name_zip" => {
                match self.invoke(&tool, args.clone()) {
                    Ok(id) => Ok(Value::record(vec![field(
                        "user_id",
                        Value::text(id.as_str().unwrap_or_default()),
                    )])),
                    Err(error) if not_found(&error) => Ok(Value::Null),
                    Err(error) => Err(error),
                }
            }
            "get_user_details" => self.user_view(&arg("user_id")),
            "get_order_details" => {
                match self.read("get_order_details", "order_id", &arg("order_id")) {
                    Ok(order) => Ok(self.order_of(&order)),
                    Err(error) if not_found(&error) => Ok(Value::Null),
                    Err(error) => Err(error),
                }
            }
            "get_product_details" => {
                match self.read("get_product_details", "product_id", &arg("product_id")) {
                    Ok(product) => Ok(product_view(&product)),
                    Err(error) if not_found(&error) => Ok(Value::Null),
                    Err(error) => Err(error),
                }
            }
            "list_all_product_types" => self.invoke(&tool, Map::new()).map(|products| {
                Value::List(
                    products
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, id)| {
                            Value::record(vec![
                                field("product_id", Value::text(text(id))),
                                field("product", Value::text(name)),
                            ])
                        })
                        .collect(),
                )
            }),
            "modify_user_address" => self
                .invoke(&tool, args.clone())
                .map(|_| Value::text("the default address was changed")),
            "transfer_to_human_agents" => self
                .invoke(&tool, args.clone())
                .map(|output| Value::text(output.as_str().unwrap_or_default())),
            _ => self
                .invoke(&tool, args.clone())
                .map(|order| self.order_of(&order)),
        };
        match result {
            Ok(value) => ToolOutcome::Ok(value),
            Err(error) => ToolOutcome::Error(error),
        }
    }
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
