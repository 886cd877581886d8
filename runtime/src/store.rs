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
use std::borrow::Cow;
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
    /// Each customer's email, as read from the record (the index of
    /// `customers`).
    emails: Vec<Option<Arc<str>>>,
    failing: Vec<String>,
    /// Orders by platform (sorted by name, a handful), each list newest first.
    orders: Vec<(String, Platform)>,
}

/// One platform's orders, with what the lookups need already extracted.
#[derive(Clone, Debug, Default)]
struct Platform {
    /// Newest first.
    orders: Vec<Stored>,
    /// Each owner's orders as the list a tool returns (rebuilt after a
    /// change), so a lookup shares them rather than copying.
    by_owner: Vec<(String, Value)>,
}

/// An order and the keys it is found by.
#[derive(Clone, Debug)]
struct Stored {
    /// The customer's email, lower case.
    owner: String,
    /// Its `id` and `increment_id` text, when present (never changed by
    /// the store's operations).
    ids: [Option<Arc<str>>; 2],
    order: Value,
}

impl Platform {
    fn new(orders: Vec<Stored>) -> Platform {
        let mut platform = Platform {
            orders,
            by_owner: Vec::new(),
        };
        platform.index();
        platform
    }

    /// Groups the orders by owner, keeping their order.
    fn index(&mut self) {
        let mut by_owner: Vec<(String, Vec<Value>)> = Vec::new();
        for stored in &self.orders {
            match by_owner
                .iter_mut()
                .find(|(owner, _)| *owner == stored.owner)
            {
                Some((_, list)) => list.push(stored.order.clone()),
                None => by_owner.push((stored.owner.clone(), vec![stored.order.clone()])),
            }
        }
        self.by_owner = by_owner
            .into_iter()
            .map(|(owner, list)| (owner, Value::List(list.into())))
            .collect();
    }
}

fn text_field(value: &Value, name: &str) -> Option<Arc<str>> {
    match value.field(name) {
        Some(Value::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

impl DemoStore {
    /// The shipped data, with dates relative to `today`.
    pub fn embedded(today: Date) -> DemoStore {
        // The shipped file is tested; fall back to an empty store rather
        // than panic if it were ever broken.
        DemoStore::from_json(DEMO_STORE_JSON, today).unwrap_or(DemoStore {
            today,
            customers: Vec::new(),
            emails: Vec::new(),
            failing: Vec::new(),
            orders: Vec::new(),
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
                    let order = resolve(&order, today).map_err(problem)?;
                    entries.push(Stored {
                        owner,
                        ids: [text_field(&order, "id"), text_field(&order, "increment_id")],
                        order,
                    });
                }
                entries.sort_by(|left, right| {
                    let date = |value: &Value| match value.field("created_at") {
                        Some(Value::Date(date)) => *date,
                        _ => Date(i32::MIN),
                    };
                    date(&right.order).cmp(&date(&left.order))
                });
                orders.insert(platform.clone(), Platform::new(entries));
            }
        }
        let emails = customers
            .iter()
            .map(|customer| text_field(customer, "email"))
            .collect();
        Ok(DemoStore {
            today,
            customers,
            emails,
            failing,
            orders: orders.into_iter().collect(),
        })
    }

    /// The store's clock.
    pub fn today(&self) -> Date {
        self.today
    }

    /// A platform's orders.
    fn platform(&self, name: &str) -> Option<&Platform> {
        self.orders
            .iter()
            .find(|(platform, _)| platform == name)
            .map(|(_, platform)| platform)
    }

    fn customer(&self, email: &str) -> Value {
        self.emails
            .iter()
            .position(|known| {
                known
                    .as_deref()
                    .is_some_and(|known| known.eq_ignore_ascii_case(email))
            })
            .and_then(|index| self.customers.get(index))
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn orders_of(&self, platform: &str, email: &str) -> Value {
        // Owners are lower case, so at most one matches.
        self.platform(platform)
            .and_then(|platform| {
                platform
                    .by_owner
                    .iter()
                    .find(|(owner, _)| owner.eq_ignore_ascii_case(email))
            })
            .map_or_else(|| Value::List(Vec::new().into()), |(_, list)| list.clone())
    }

    fn order_index(&self, platform: &str, id: &str) -> Option<usize> {
        let id = id.trim().trim_start_matches('#');
        self.platform(platform)?
            .orders
            .iter()
            .position(|stored| stored.ids.iter().any(|known| known.as_deref() == Some(id)))
    }

    /// Replaces an order's record (its ids stay) and refreshes the lists.
    fn update(&mut self, platform: &str, index: usize, order: Value) -> Value {
        if let Some((_, platform)) = self.orders.iter_mut().find(|(name, _)| name == platform) {
            if let Some(stored) = platform.orders.get_mut(index) {
                stored.order = order.clone();
                platform.index();
            }
        }
        order
    }

    fn order(&self, platform: &str, index: usize) -> Option<&Value> {
        self.platform(platform)?
            .orders
            .get(index)
            .map(|stored| &stored.order)
    }

    fn serve(&mut self, call: &ToolCall) -> Result<Value, String> {
        let (platform, operation) = route(call);
        let text_arg = |name: &str| -> Result<Cow<'_, str>, String> {
            match call.args.get(name) {
                Some(Value::Text(text)) => Ok(Cow::Borrowed(text.as_ref())),
                Some(Value::Number(number)) => Ok(Cow::Owned(format!("{number}"))),
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
                self.order_index(platform, &id)
                    .and_then(|index| self.order(platform, index))
                    .cloned()
                    .ok_or_else(|| format!("{platform}: order {id} not found (HTTP 404)"))
            }
            "cancel" => {
                let id = text_arg("order_id")?;
                let (index, order) = self
                    .order_index(platform, &id)
                    .and_then(|index| Some((index, self.order(platform, index)?)))
                    .ok_or_else(|| format!("{platform}: order {id} not found (HTTP 404)"))?;
                let status = order.field("status").and_then(Value::as_text).unwrap_or("");
                if !matches!(status, "pending" | "pending_payment" | "processing") {
                    return Err(format!(
                        "{platform}: an order in status `{status}` cannot be canceled (HTTP 400)"
                    ));
                }
                let changed = with_field(order, "status", Value::text("canceled"));
                Ok(self.update(platform, index, changed))
            }
            "discount" => {
                let id = text_arg("order_id")?;
                let percent = number_arg("percent")?;
                if !(0.0..=100.0).contains(&percent) {
                    return Err(format!(
                        "{platform}: a discount of {percent}% is not allowed (HTTP 400)"
                    ));
                }
                let (index, order) = self
                    .order_index(platform, &id)
                    .and_then(|index| Some((index, self.order(platform, index)?)))
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
                match discounted {
                    Some((field, money)) => {
                        let changed = with_field(order, field, Value::Money(money));
                        Ok(self.update(platform, index, changed))
                    }
                    None => Ok(order.clone()),
                }
            }
            "shipping_upgrade" => {
                let id = text_arg("order_id")?;
                let (index, order) = self
                    .order_index(platform, &id)
                    .and_then(|index| Some((index, self.order(platform, index)?)))
                    .ok_or_else(|| format!("{platform}: order {id} not found (HTTP 404)"))?;
                let changed = with_field(
                    order,
                    "shipping_method",
                    Value::text("Expedited (free upgrade)"),
                );
                Ok(self.update(platform, index, changed))
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
    if let Some((platform, operation)) = call.adapter.as_deref().and_then(|adapter| {
        let dot = adapter.bytes().position(|byte| byte == b'.')?;
        Some((&adapter[..dot], &adapter[dot + 1..]))
    }) {
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
