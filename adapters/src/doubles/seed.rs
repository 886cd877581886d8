//! The doubles' seed: the embedded demo store's customers and orders
//! (`runtime/data/demo_store.json`), its `today±N` dates resolved, in
//! keel's terms; each double turns it into its platform's own records.

use keel_runtime::{DEMO_STORE_JSON, Date};
use serde_json::Value as Json;

/// A customer.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    /// The demo id (digits).
    pub id: u64,
    /// Email.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// An order in the demo store's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// The owner's email.
    pub email: String,
    /// The demo id (digits).
    pub id: u64,
    /// Magento's increment id.
    pub increment_id: Option<String>,
    /// The catalog status.
    pub status: String,
    /// Placed on.
    pub created: Date,
    /// Amount, as text (`129.00`), and currency.
    pub total: (String, String),
    /// The item line.
    pub items: String,
    /// Shipped on (or due to ship on).
    pub shipment_date: Option<Date>,
    /// Tracking number.
    pub tracking: Option<String>,
    /// Carrier.
    pub carrier: Option<String>,
    /// Estimated delivery.
    pub eta: Option<Date>,
}

/// The demo store, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Seed {
    /// The date it was resolved against.
    pub today: Date,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Emails whose lookups fail (the platform is down for them).
    pub failing: Vec<String>,
    /// Orders by platform (`shopify`, `bigcommerce`, `magento`).
    pub orders: Vec<(String, Vec<Order>)>,
}

impl Seed {
    /// The embedded demo store against `today`.
    pub fn demo(today: Date) -> Result<Seed, String> {
        let json: Json = serde_json::from_str(DEMO_STORE_JSON)
            .map_err(|error| format!("the demo store: {error}"))?;
        let text = |value: &Json| value.as_str().map(str::to_string);
        let date = |value: &Json| -> Result<Option<Date>, String> {
            let Some(text) = value.as_str() else {
                return Ok(None);
            };
            let offset = text
                .strip_prefix("today")
                .ok_or_else(|| format!("the demo store: `{text}` is not today±N"))?;
            let days: i32 = if offset.is_empty() {
                0
            } else {
                offset
                    .trim_start_matches('+')
                    .parse()
                    .map_err(|_| format!("the demo store: `{text}` is not today±N"))?
            };
            Ok(Some(today.plus_days(days)))
        };
        let customers = json["customers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|customer| Customer {
                id: text(&customer["id"])
                    .and_then(|id| id.parse().ok())
                    .unwrap_or(0),
                email: text(&customer["email"]).unwrap_or_default(),
                first_name: text(&customer["first_name"]).unwrap_or_default(),
                last_name: text(&customer["last_name"]).unwrap_or_default(),
            })
            .collect();
        let failing = json["failing_emails"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|email| email.as_str().map(str::to_lowercase))
            .collect();
        let mut orders = Vec::new();
        for (platform, list) in json["orders"].as_object().into_iter().flatten() {
            let mut platform_orders = Vec::new();
            for order in list.as_array().into_iter().flatten() {
                let total = if order["total"].is_object() {
                    &order["total"]
                } else {
                    &order["grand_total"]
                };
                platform_orders.push(Order {
                    email: text(&order["customer"]).unwrap_or_default().to_lowercase(),
                    id: text(&order["id"])
                        .and_then(|id| id.parse().ok())
                        .unwrap_or(0),
                    increment_id: text(&order["increment_id"]),
                    status: text(&order["status"]).unwrap_or_default(),
                    created: date(&order["created_at"])?.unwrap_or(today),
                    total: (
                        text(&total["amount"]).unwrap_or_default(),
                        text(&total["currency"]).unwrap_or_else(|| "USD".to_string()),
                    ),
                    items: text(&order["items"]).unwrap_or_default(),
                    shipment_date: date(&order["shipment_date"])?,
                    tracking: text(&order["tracking_number"]),
                    carrier: text(&order["carrier"]),
                    eta: date(&order["estimated_delivery_date"])?,
                });
            }
            orders.push((platform.clone(), platform_orders));
        }
        Ok(Seed {
            today,
            customers,
            failing,
            orders,
        })
    }

    /// A platform's orders.
    pub fn orders(&self, platform: &str) -> &[Order] {
        self.orders
            .iter()
            .find(|(name, _)| name == platform)
            .map_or(&[], |(_, orders)| orders.as_slice())
    }

    /// Whether lookups for this email fail.
    pub fn fails(&self, email: &str) -> bool {
        self.failing
            .iter()
            .any(|failing| failing.eq_ignore_ascii_case(email))
    }
}
