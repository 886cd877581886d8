//! The embedded demo store: customers and orders for every example
//! catalog, served in-process with no keys and no network.
//!
//! Its data is `runtime/data/demo_store.json`, compiled in; dates written
//! `today+N`/`today-N` resolve against the injected clock, so delivery
//! estimates stay in the future (or the past) whatever day the demo runs.
//! Calls dispatch on the catalog's `adapter` (`shopify.order`,
//! `magento.cancel`, …), or on the tool's name when it has none.

use crate::error::{Error, ErrorKind};
use crate::event::{ToolCall, ToolOutcome};
use crate::tools::{BlockingTools, ToolExecutor};
use crate::value::{Date, Money, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

/// The store's data as shipped.
pub const DEMO_STORE_JSON: &str = include_str!("../data/demo_store.json");

/// The demo store.
#[derive(Clone, Debug)]
pub struct DemoStore {
    today: Date,
    customers: Vec<Value>,
    failing: Vec<String>,
    /// Orders by platform, each list newest first.
    orders: BTreeMap<String, Vec<(String, Value)>>,
}

impl DemoStore {
    /// The shipped data, with dates relative to `today`.
    pub fn embedded(today: Date) -> DemoStore {
        // The shipped file is tested; fall back to an empty store rather
        // than panic if it were ever broken.
        DemoStore::from_json(DEMO_STORE_JSON, today).unwrap_or(DemoStore {
            today,
            customers: Vec::new(),
            failing: Vec::new(),
            orders: BTreeMap::new(),
        })
    }

    /// Reads store data (the format of `data/demo_store.json`).
    pub fn from_json(text: &str, today: Date) -> Result<DemoStore, Error> {
        let problem = |message: String| Error::new(ErrorKind::Store, message);
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|error| problem(format!("demo store data: {error}")))?;
        let customers = json
            .get("customers")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| problem("demo store data: no `customers` list".to_string()))?
            .iter()
            .map(|customer| resolve(customer, today))
            .collect::<Result<Vec<_>, _>>()
            .map_err(problem)?;
        let failing = json
            .get("failing_emails")
            .and_then(serde_json::Value::as_array)
            .map(|emails| {
                emails
                    .iter()
                    .filter_map(|email| email.as_str().map(str::to_lowercase))
                    .collect()
            })
            .unwrap_or_default();
        let mut orders = BTreeMap::new();
        if let Some(platforms) = json.get("orders").and_then(serde_json::Value::as_object) {
            for (platform, list) in platforms {
                let mut entries = Vec::new();
                for order in list.as_array().into_iter().flatten() {
                    let owner = order
                        .get("customer")
                        .and_then(serde_json::Value::as_str)
                        .ok_or_else(|| {
                            problem(format!(
                                "demo store data: a {platform} order has no `customer`"
                            ))
                        })?
                        .to_lowercase();
                    let mut order = order.clone();
                    if let Some(map) = order.as_object_mut() {
                        map.remove("customer");
                    }
                    entries.push((owner, resolve(&order, today).map_err(problem)?));
                }
                entries.sort_by(|left, right| {
                    let date = |value: &Value| match value.field("created_at") {
                        Some(Value::Date(date)) => *date,
                        _ => Date(i32::MIN),
                    };
                    date(&right.1).cmp(&date(&left.1))
                });
                orders.insert(platform.clone(), entries);
            }
        }
        Ok(DemoStore {
            today,
            customers,
            failing,
            orders,
        })
    }

    /// The store's clock.
    pub fn today(&self) -> Date {
        self.today
    }

    fn customer(&self, email: &str) -> Value {
        self.customers
            .iter()
            .find(|customer| {
                customer
                    .field("email")
                    .and_then(Value::as_text)
                    .is_some_and(|known| known.eq_ignore_ascii_case(email))
            })
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn orders_of(&self, platform: &str, email: &str) -> Value {
        Value::List(
            self.orders
                .get(platform)
                .into_iter()
                .flatten()
                .filter(|(owner, _)| owner.eq_ignore_ascii_case(email))
                .map(|(_, order)| order.clone())
                .collect(),
        )
    }

    fn order_mut(&mut self, platform: &str, id: &str) -> Option<&mut Value> {
        let id = id.trim().trim_start_matches('#');
        self.orders
            .get_mut(platform)?
            .iter_mut()
            .map(|(_, order)| order)
            .find(|order| {
                ["id", "increment_id"]
                    .iter()
                    .any(|field| order.field(field).and_then(Value::as_text) == Some(id))
            })
    }

    fn serve(&mut self, call: &ToolCall) -> Result<Value, String> {
        let (platform, operation) = route(call);
        let text_arg = |name: &str| -> Result<String, String> {
            match call.args.get(name) {
                Some(Value::Text(text)) => Ok(text.to_string()),
                Some(Value::Number(number)) => Ok(format!("{number}")),
                _ => Err(format!(
                    "{platform}: the `{name}` argument is missing (HTTP 400)"
                )),
            }
        };
        let number_arg = |name: &str| -> Result<f64, String> {
            match call.args.get(name) {
                Some(Value::Number(number)) => Ok(*number),
                Some(Value::Text(text)) => text
                    .trim()
                    .trim_end_matches('%')
                    .parse()
                    .map_err(|_| format!("{platform}: `{name}` is not a number (HTTP 400)")),
                _ => Err(format!(
                    "{platform}: the `{name}` argument is missing (HTTP 400)"
                )),
            }
        };
        let fails = |email: &str| {
            self.failing
                .iter()
                .any(|failing| failing.eq_ignore_ascii_case(email))
        };
        match operation {
            "customer_by_email" => {
                let email = text_arg("email")?;
                if fails(&email) {
                    return Err(format!("{platform}: service unavailable (HTTP 503)"));
                }
                Ok(self.customer(&email))
            }
            "orders_by_email" => {
                let email = text_arg("email")?;
                if fails(&email) {
                    return Err(format!("{platform}: service unavailable (HTTP 503)"));
                }
                Ok(self.orders_of(platform, &email))
            }
            "order" => {
                let id = text_arg("order_id")?;
                self.order_mut(platform, &id)
                    .map(|order| order.clone())
                    .ok_or_else(|| format!("{platform}: order {id} not found (HTTP 404)"))
            }
            "cancel" => {
                let id = text_arg("order_id")?;
                let order = self
                    .order_mut(platform, &id)
                    .ok_or_else(|| format!("{platform}: order {id} not found (HTTP 404)"))?;
                let status = order.field("status").and_then(Value::as_text).unwrap_or("");
                if !matches!(status, "pending" | "pending_payment" | "processing") {
                    return Err(format!(
                        "{platform}: an order in status `{status}` cannot be canceled (HTTP 400)"
                    ));
                }
                *order = with_field(order, "status", Value::text("canceled"));
                Ok(order.clone())
            }
            "discount" => {
                let id = text_arg("order_id")?;
                let percent = number_arg("percent")?;
                if !(0.0..=100.0).contains(&percent) {
                    return Err(format!(
                        "{platform}: a discount of {percent}% is not allowed (HTTP 400)"
                    ));
                }
                let order = self
                    .order_mut(platform, &id)
                    .ok_or_else(|| format!("{platform}: order {id} not found (HTTP 404)"))?;
                let discounted =
                    ["grand_total", "total"]
                        .iter()
                        .find_map(|field| match order.field(field) {
                            Some(Value::Money(money)) => Some((
                                *field,
                                Money {
                                    minor: (money.minor as f64 * (100.0 - percent) / 100.0).round()
                                        as i64,
                                    code: money.code,
                                },
                            )),
                            _ => None,
                        });
                if let Some((field, money)) = discounted {
                    *order = with_field(order, field, Value::Money(money));
                }
                Ok(order.clone())
            }
            "shipping_upgrade" => {
                let id = text_arg("order_id")?;
                let order = self
                    .order_mut(platform, &id)
                    .ok_or_else(|| format!("{platform}: order {id} not found (HTTP 404)"))?;
                *order = with_field(
                    order,
                    "shipping_method",
                    Value::text("Expedited (free upgrade)"),
                );
                Ok(order.clone())
            }
            "coupon" => {
                let email = text_arg("email")?;
                let percent = number_arg("percent")?;
                let code: String = email
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .take(8)
                    .collect::<String>()
                    .to_ascii_uppercase();
                Ok(Value::record(vec![
                    (
                        Arc::from("code"),
                        Value::text(&format!("KEEL{percent}-{code}")),
                    ),
                    (Arc::from("percent"), Value::Number(percent)),
                    (
                        Arc::from("expires_on"),
                        Value::Date(self.today.plus_days(90)),
                    ),
                ]))
            }
            "message" => Ok(Value::Bool(true)),
            other => Err(format!(
                "the demo store has no `{other}` operation for @{}",
                call.tool
            )),
        }
    }
}

/// `(platform, operation)` from the adapter, or guessed from the tool name.
fn route(call: &ToolCall) -> (&str, &str) {
    if let Some((platform, operation)) = call
        .adapter
        .as_deref()
        .and_then(|adapter| adapter.split_once('.'))
    {
        return (platform, operation);
    }
    let name = call.tool.as_ref();
    let platform = ["shopify", "bigcommerce", "magento", "gorgias"]
        .into_iter()
        .find(|platform| name.contains(platform))
        .unwrap_or("shopify");
    let operation = if name.contains("cancel") {
        "cancel"
    } else if name.contains("orders") {
        "orders_by_email"
    } else if name.contains("order") {
        "order"
    } else if name.contains("account") || name.contains("customer") {
        "customer_by_email"
    } else if name.contains("discount") {
        "discount"
    } else if name.contains("shipping") {
        "shipping_upgrade"
    } else if name.contains("coupon") {
        "coupon"
    } else if name.contains("message") {
        "message"
    } else {
        name
    };
    (platform, operation)
}

fn with_field(record: &Value, name: &str, value: Value) -> Value {
    let mut fields: Vec<(Arc<str>, Value)> = match record {
        Value::Record(fields) => fields.to_vec(),
        _ => Vec::new(),
    };
    fields.push((Arc::from(name), value));
    Value::record(fields)
}

/// Reads a JSON value, turning `today±N` strings into dates.
fn resolve(json: &serde_json::Value, today: Date) -> Result<Value, String> {
    Ok(match json {
        serde_json::Value::String(text) if text.starts_with("today") => {
            let offset = &text["today".len()..];
            let days: i32 = if offset.is_empty() {
                0
            } else {
                offset
                    .trim_start_matches('+')
                    .parse()
                    .map_err(|_| format!("demo store data: `{text}` is not today±N"))?
            };
            Value::Date(today.plus_days(days))
        }
        serde_json::Value::Array(items) => Value::List(
            items
                .iter()
                .map(|item| resolve(item, today))
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        ),
        serde_json::Value::Object(map) if !map.contains_key("currency") => Value::record(
            map.iter()
                .map(|(key, value)| Ok((Arc::from(key.as_str()), resolve(value, today)?)))
                .collect::<Result<Vec<_>, String>>()?,
        ),
        other => Value::from_json(other),
    })
}

impl BlockingTools for DemoStore {
    fn perform(&mut self, call: &ToolCall) -> ToolOutcome {
        match self.serve(call) {
            Ok(value) => ToolOutcome::Ok(value),
            Err(message) => ToolOutcome::Error(message),
        }
    }
}

impl ToolExecutor for DemoStore {
    fn call(&mut self, call: &ToolCall) -> impl Future<Output = ToolOutcome> {
        std::future::ready(self.perform(call))
    }
}
