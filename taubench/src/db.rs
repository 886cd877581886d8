//! The τ-bench retail database and its tools, reproducing
//! `tau_bench/envs/retail/tools/*.py` (sierra-research/tau-bench): the same
//! lookups, the same checks in the same order, the same effects and the same
//! `Error: …` strings. [`Db::invoke`] is τ-bench's surface: a tool name and
//! JSON arguments in, the tool's text out.
//!
//! Both the conversation's writes and the gold actions the scorer replays
//! go through this one implementation, so a float summed here is summed the
//! same way on both sides.

use serde_json::{Map, Value as Json, json};
use std::path::Path;

/// The τ-bench retail database.
#[derive(Clone, Debug, PartialEq)]
pub struct Db {
    /// `users.json`.
    pub users: Map<String, Json>,
    /// `orders.json`.
    pub orders: Map<String, Json>,
    /// `products.json`.
    pub products: Map<String, Json>,
}

fn read_object(path: &Path) -> Result<Map<String, Json>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    match serde_json::from_str(&text) {
        Ok(Json::Object(map)) => Ok(map),
        Ok(_) => Err(format!("{}: not a JSON object", path.display())),
        Err(error) => Err(format!("{}: {error}", path.display())),
    }
}

/// Python's `round(x, 2)` closely enough for money (both sides of a
/// comparison go through it).
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn number(value: &Json) -> f64 {
    value.as_f64().unwrap_or(0.0)
}

/// A tool's arguments: texts and lists of texts by name.
struct Args<'a>(&'a Map<String, Json>);

impl Args<'_> {
    fn text(&self, name: &str) -> &str {
        self.0.get(name).and_then(Json::as_str).unwrap_or_default()
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|value| match value {
                Json::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect()
    }
}

/// The names of τ-bench's retail tools, as its agent sees them.
pub const TOOLS: &[&str] = &[
    "calculate",
    "cancel_pending_order",
    "exchange_delivered_order_items",
    "find_user_id_by_email",
    "find_user_id_by_name_zip",
    "get_order_details",
    "get_product_details",
    "get_user_details",
    "list_all_product_types",
    "modify_pending_order_address",
    "modify_pending_order_items",
    "modify_pending_order_payment",
    "modify_user_address",
    "return_delivered_order_items",
    "think",
    "transfer_to_human_agents",
];

impl Db {
    /// Loads `tau-bench/retail/*.json` from the data folder.
    pub fn load(data: &Path) -> Result<Db, String> {
        let retail = data.join("tau-bench/retail");
        Ok(Db {
            users: read_object(&retail.join("users.json"))?,
            orders: read_object(&retail.join("orders.json"))?,
            products: read_object(&retail.join("products.json"))?,
        })
    }

    /// Calls a τ-bench tool by name; returns its text exactly as τ-bench
    /// would (JSON for records, `Error: …` for refusals).
    pub fn invoke(&mut self, tool: &str, args: &Map<String, Json>) -> String {
        let args = Args(args);
        match tool {
            "find_user_id_by_email" => self.find_user_id_by_email(args.text("email")),
            "find_user_id_by_name_zip" => self.find_user_id_by_name_zip(
                args.text("first_name"),
                args.text("last_name"),
                args.text("zip"),
            ),
            "get_user_details" => match self.users.get(args.text("user_id")) {
                Some(user) => user.to_string(),
                None => "Error: user not found".to_string(),
            },
            "get_order_details" => match self.orders.get(args.text("order_id")) {
                Some(order) => order.to_string(),
                None => "Error: order not found".to_string(),
            },
            "get_product_details" => match self.products.get(args.text("product_id")) {
                Some(product) => product.to_string(),
                None => "Error: product not found".to_string(),
            },
            "list_all_product_types" => self.list_all_product_types(),
            "calculate" => calculate(args.text("expression")),
            "think" => String::new(),
            "cancel_pending_order" => {
                self.cancel_pending_order(args.text("order_id"), args.text("reason"))
            }
            "modify_pending_order_address" | "modify_user_address" => {
                let address = json!({
                    "address1": args.text("address1"),
                    "address2": args.text("address2"),
                    "city": args.text("city"),
                    "state": args.text("state"),
                    "country": args.text("country"),
                    "zip": args.text("zip"),
                });
                if tool == "modify_user_address" {
                    self.modify_user_address(args.text("user_id"), address)
                } else {
                    self.modify_pending_order_address(args.text("order_id"), address)
                }
            }
            "modify_pending_order_payment" => self.modify_pending_order_payment(
                args.text("order_id"),
                args.text("payment_method_id"),
            ),
            "modify_pending_order_items" | "exchange_delivered_order_items" => self.change_items(
                tool == "exchange_delivered_order_items",
                args.text("order_id"),
                &args.list("item_ids"),
                &args.list("new_item_ids"),
                args.text("payment_method_id"),
            ),
            "return_delivered_order_items" => self.return_delivered_order_items(
                args.text("order_id"),
                &args.list("item_ids"),
                args.text("payment_method_id"),
            ),
            "transfer_to_human_agents" => "Transfer successful".to_string(),
            other => format!("Unknown action {other}"),
        }
    }

    fn find_user_id_by_email(&self, email: &str) -> String {
        let email = email.to_lowercase();
        self.users
            .iter()
            .find(|(_, profile)| {
                profile["email"].as_str().map(str::to_lowercase).as_deref() == Some(email.as_str())
            })
            .map_or_else(|| "Error: user not found".to_string(), |(id, _)| id.clone())
    }

    fn find_user_id_by_name_zip(&self, first: &str, last: &str, zip: &str) -> String {
        let (first, last) = (first.to_lowercase(), last.to_lowercase());
        self.users
            .iter()
            .find(|(_, profile)| {
                let lower = |value: &Json| value.as_str().map(str::to_lowercase);
                lower(&profile["name"]["first_name"]).as_deref() == Some(first.as_str())
                    && lower(&profile["name"]["last_name"]).as_deref() == Some(last.as_str())
                    && profile["address"]["zip"].as_str() == Some(zip)
            })
            .map_or_else(|| "Error: user not found".to_string(), |(id, _)| id.clone())
    }

    fn list_all_product_types(&self) -> String {
        let mut names: Vec<(String, String)> = self
            .products
            .iter()
            .map(|(id, product)| {
                (
                    product["name"].as_str().unwrap_or_default().to_string(),
                    id.clone(),
                )
            })
            .collect();
        names.sort();
        let map: Map<String, Json> = names
            .into_iter()
            .map(|(name, id)| (name, Json::from(id)))
            .collect();
        Json::Object(map).to_string()
    }

    /// A user's payment method, by the user id an order names.
    fn payment_method(&mut self, user_id: &str, method: &str) -> Option<&mut Json> {
        self.users
            .get_mut(user_id)
            .and_then(|user| user.get_mut("payment_methods"))
            .and_then(|methods| methods.get_mut(method))
    }

    fn cancel_pending_order(&mut self, order_id: &str, reason: &str) -> String {
        let Some(order) = self.orders.get(order_id) else {
            return "Error: order not found".to_string();
        };
        if order["status"].as_str() != Some("pending") {
            return "Error: non-pending order cannot be cancelled".to_string();
        }
        if !matches!(reason, "no longer needed" | "ordered by mistake") {
            return "Error: invalid reason".to_string();
        }
        let user_id = order["user_id"].as_str().unwrap_or_default().to_string();
        let payments: Vec<Json> = order["payment_history"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut refunds = Vec::new();
        for payment in &payments {
            let method = payment["payment_method_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let amount = payment["amount"].clone();
            refunds.push(json!({
                "transaction_type": "refund",
                "amount": amount,
                "payment_method_id": method,
            }));
            if method.contains("gift_card") {
                if let Some(card) = self.payment_method(&user_id, &method) {
                    let balance = number(&card["balance"]) + number(&amount);
                    card["balance"] = Json::from(round2(balance));
                }
            }
        }
        let Some(order) = self.orders.get_mut(order_id) else {
            return "Error: order not found".to_string();
        };
        order["status"] = Json::from("cancelled");
        order["cancel_reason"] = Json::from(reason);
        if let Some(history) = order["payment_history"].as_array_mut() {
            history.extend(refunds);
        }
        order.to_string()
    }

    fn modify_pending_order_address(&mut self, order_id: &str, address: Json) -> String {
        let Some(order) = self.orders.get_mut(order_id) else {
            return "Error: order not found".to_string();
        };
        if order["status"].as_str() != Some("pending") {
            return "Error: non-pending order cannot be modified".to_string();
        }
        order["address"] = address;
        order.to_string()
    }

    fn modify_user_address(&mut self, user_id: &str, address: Json) -> String {
        let Some(user) = self.users.get_mut(user_id) else {
            return "Error: user not found".to_string();
        };
        user["address"] = address;
        user.to_string()
    }

    fn modify_pending_order_payment(&mut self, order_id: &str, method: &str) -> String {
        let Some(order) = self.orders.get(order_id) else {
            return "Error: order not found".to_string();
        };
        if order["status"].as_str() != Some("pending") {
            return "Error: non-pending order cannot be modified".to_string();
        }
        let user_id = order["user_id"].as_str().unwrap_or_default().to_string();
        let history = order["payment_history"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if self.payment_method(&user_id, method).is_none() {
            return "Error: payment method not found".to_string();
        }
        let first = history.first().cloned().unwrap_or(Json::Null);
        if history.len() > 1 || first["transaction_type"].as_str() != Some("payment") {
            return "Error: there should be exactly one payment for a pending order".to_string();
        }
        let old = first["payment_method_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if old == method {
            return "Error: the new payment method should be different from the current one"
                .to_string();
        }
        let amount = first["amount"].clone();
        let Some(new_method) = self.payment_method(&user_id, method) else {
            return "Error: payment method not found".to_string();
        };
        let is_gift_card = new_method["source"].as_str() == Some("gift_card");
        if is_gift_card && number(&new_method["balance"]) < number(&amount) {
            return "Error: insufficient gift card balance to pay for the order".to_string();
        }
        if is_gift_card {
            let balance = number(&new_method["balance"]) - number(&amount);
            new_method["balance"] = Json::from(round2(balance));
        }
        if old.contains("gift_card") {
            if let Some(card) = self.payment_method(&user_id, &old) {
                let balance = number(&card["balance"]) + number(&amount);
                card["balance"] = Json::from(round2(balance));
            }
        }
        let Some(order) = self.orders.get_mut(order_id) else {
            return "Error: order not found".to_string();
        };
        if let Some(history) = order["payment_history"].as_array_mut() {
            history.push(json!({
                "transaction_type": "payment",
                "amount": amount,
                "payment_method_id": method,
            }));
            history.push(json!({
                "transaction_type": "refund",
                "amount": amount,
                "payment_method_id": old,
            }));
        }
        order.to_string()
    }

    /// `modify_pending_order_items` (`exchange = false`) and
    /// `exchange_delivered_order_items` (`exchange = true`): the same checks,
    /// different effects.
    fn change_items(
        &mut self,
        exchange: bool,
        order_id: &str,
        item_ids: &[String],
        new_item_ids: &[String],
        method: &str,
    ) -> String {
        let Some(order) = self.orders.get(order_id) else {
            return "Error: order not found".to_string();
        };
        let (wanted, refusal) = if exchange {
            (
                "delivered",
                "Error: non-delivered order cannot be exchanged",
            )
        } else {
            ("pending", "Error: non-pending order cannot be modified")
        };
        if order["status"].as_str() != Some(wanted) {
            return refusal.to_string();
        }
        let items: Vec<Json> = order["items"].as_array().cloned().unwrap_or_default();
        let all: Vec<&str> = items
            .iter()
            .filter_map(|item| item["item_id"].as_str())
            .collect();
        for id in item_ids {
            let asked = item_ids.iter().filter(|other| *other == id).count();
            let held = all.iter().filter(|other| **other == id).count();
            if asked > held {
                return format!("Error: {id} not found");
            }
        }
        if item_ids.len() != new_item_ids.len() {
            return "Error: the number of items to be exchanged should match".to_string();
        }
        let mut difference = 0.0;
        for (id, new_id) in item_ids.iter().zip(new_item_ids) {
            let Some(item) = items
                .iter()
                .find(|item| item["item_id"].as_str() == Some(id))
            else {
                return format!("Error: {id} not found");
            };
            let product = item["product_id"].as_str().unwrap_or_default();
            let variant = &self
                .products
                .get(product)
                .map_or(&Json::Null, |product| &product["variants"][new_id.as_str()]);
            if variant.is_null() || variant["available"].as_bool() != Some(true) {
                return format!("Error: new item {new_id} not found or available");
            }
            difference += number(&variant["price"]) - number(&item["price"]);
        }
        if exchange {
            difference = round2(difference);
        }
        let user_id = order["user_id"].as_str().unwrap_or_default().to_string();
        let Some(payment) = self.payment_method(&user_id, method) else {
            return "Error: payment method not found".to_string();
        };
        let is_gift_card = payment["source"].as_str() == Some("gift_card");
        if is_gift_card && number(&payment["balance"]) < difference {
            return if exchange {
                "Error: insufficient gift card balance to pay for the price difference"
            } else {
                "Error: insufficient gift card balance to pay for the new item"
            }
            .to_string();
        }
        if exchange {
            let mut old = item_ids.to_vec();
            let mut new = new_item_ids.to_vec();
            old.sort();
            new.sort();
            let Some(order) = self.orders.get_mut(order_id) else {
                return "Error: order not found".to_string();
            };
            order["status"] = Json::from("exchange requested");
            order["exchange_items"] = Json::from(old);
            order["exchange_new_items"] = Json::from(new);
            order["exchange_payment_method_id"] = Json::from(method);
            order["exchange_price_difference"] = Json::from(difference);
            return order.to_string();
        }
        if is_gift_card {
            let balance = number(&payment["balance"]) - difference;
            payment["balance"] = Json::from(round2(balance));
        }
        let variants: Vec<(String, Json)> = item_ids
            .iter()
            .zip(new_item_ids)
            .map(|(id, new_id)| {
                let product = items
                    .iter()
                    .find(|item| item["item_id"].as_str() == Some(id))
                    .and_then(|item| item["product_id"].as_str())
                    .unwrap_or_default();
                let variant = self.products.get(product).map_or(Json::Null, |product| {
                    product["variants"][new_id.as_str()].clone()
                });
                (id.clone(), variant)
            })
            .collect();
        let Some(order) = self.orders.get_mut(order_id) else {
            return "Error: order not found".to_string();
        };
        if let Some(history) = order["payment_history"].as_array_mut() {
            history.push(json!({
                "transaction_type": if difference > 0.0 { "payment" } else { "refund" },
                "amount": difference.abs(),
                "payment_method_id": method,
            }));
        }
        // Each pair rewrites the first item that still has the old id, as
        // τ-bench's list comprehension does (after the first rewrite, a
        // duplicate's next pair finds the other copy).
        for (id, variant) in variants {
            let Some(item) = order["items"].as_array_mut().and_then(|items| {
                items
                    .iter_mut()
                    .find(|item| item["item_id"].as_str() == Some(id.as_str()))
            }) else {
                continue;
            };
            item["item_id"] = variant["item_id"].clone();
            item["price"] = variant["price"].clone();
            item["options"] = variant["options"].clone();
        }
        order["status"] = Json::from("pending (item modified)");
        order.to_string()
    }

    fn return_delivered_order_items(
        &mut self,
        order_id: &str,
        item_ids: &[String],
        method: &str,
    ) -> String {
        let Some(order) = self.orders.get(order_id) else {
            return "Error: order not found".to_string();
        };
        if order["status"].as_str() != Some("delivered") {
            return "Error: non-delivered order cannot be returned".to_string();
        }
        let user_id = order["user_id"].as_str().unwrap_or_default().to_string();
        if self.payment_method(&user_id, method).is_none() {
            return "Error: payment method not found".to_string();
        }
        let Some(order) = self.orders.get_mut(order_id) else {
            return "Error: order not found".to_string();
        };
        let original = order["payment_history"][0]["payment_method_id"]
            .as_str()
            .unwrap_or_default();
        if !method.contains("gift_card") && method != original {
            return "Error: payment method should be either the original payment method or a gift card".to_string();
        }
        let all: Vec<&str> = order["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["item_id"].as_str())
            .collect();
        for id in item_ids {
            let asked = item_ids.iter().filter(|other| *other == id).count();
            let held = all.iter().filter(|other| **other == id).count();
            if asked > held {
                return "Error: some item not found".to_string();
            }
        }
        let mut sorted = item_ids.to_vec();
        sorted.sort();
        order["status"] = Json::from("return requested");
        order["return_items"] = Json::from(sorted);
        order["return_payment_method_id"] = Json::from(method);
        order.to_string()
    }
}

/// τ-bench's `calculate`: `+ - * / ( )` over numbers, the result rounded
/// to two places; anything else is an error.
pub fn calculate(expression: &str) -> String {
    if !expression
        .chars()
        .all(|c| c.is_ascii_digit() || "+-*/(). ".contains(c))
    {
        return "Error: invalid characters in expression".to_string();
    }
    let tokens: Vec<char> = expression.chars().filter(|c| *c != ' ').collect();
    let mut at = 0;
    match sum(&tokens, &mut at) {
        Some(value) if at == tokens.len() && value.is_finite() => {
            let rounded = round2(value);
            if rounded.fract() == 0.0 {
                format!("{rounded:.1}")
            } else {
                format!("{rounded}")
            }
        }
        _ => "Error: invalid expression".to_string(),
    }
}

fn sum(tokens: &[char], at: &mut usize) -> Option<f64> {
    let mut value = product(tokens, at)?;
    while let Some(&op) = tokens.get(*at) {
        if op != '+' && op != '-' {
            break;
        }
        *at += 1;
        let right = product(tokens, at)?;
        value = if op == '+' {
            value + right
        } else {
            value - right
        };
    }
    Some(value)
}

fn product(tokens: &[char], at: &mut usize) -> Option<f64> {
    let mut value = atom(tokens, at)?;
    while let Some(&op) = tokens.get(*at) {
        if op != '*' && op != '/' {
            break;
        }
        *at += 1;
        let right = atom(tokens, at)?;
        value = if op == '*' {
            value * right
        } else {
            value / right
        };
    }
    Some(value)
}

fn atom(tokens: &[char], at: &mut usize) -> Option<f64> {
    match tokens.get(*at)? {
        '(' => {
            *at += 1;
            let value = sum(tokens, at)?;
            (tokens.get(*at) == Some(&')')).then(|| *at += 1)?;
            Some(value)
        }
        '-' => {
            *at += 1;
            atom(tokens, at).map(|value| -value)
        }
        _ => {
            let start = *at;
            while tokens
                .get(*at)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                *at += 1;
            }
            tokens[start..*at].iter().collect::<String>().parse().ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calculate_rounds_like_python() {
        assert_eq!(calculate("2 + 3 * (4 - 1)"), "11.0");
        assert_eq!(calculate("10 / 3"), "3.33");
        assert_eq!(
            calculate("import os"),
            "Error: invalid characters in expression"
        );
        assert_eq!(calculate("2 +"), "Error: invalid expression");
    }
}
