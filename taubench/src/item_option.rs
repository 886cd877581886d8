//! keel's `find_item_option` view over the τ-bench tools: whether an item
//! of the user's exists with the options a request names (the others
//! unchanged), and what it costs. Read-only: it reads the user's orders
//! (`get_user_details`, `get_order_details`) and the item's product
//! (`get_product_details`), the calls a τ-bench agent makes before an item
//! modification.
//!
//! The request is the customer's words ("the bookshelf in 4 foot"). The
//! item is the first of the user's items whose name the request contains
//! (pending orders first, spaces ignored: "book shelf" is a bookshelf); an
//! option changes when the request names another of the values the
//! product's variants have for it ("4 ft", "10x", "maple"; "foot" and
//! "feet" read as "ft").

use serde_json::Value as Json;

/// What was found: the item's name, the options as "name value, …", and the
/// price; `None` when there is no such item, no option named, or no variant
/// with those options available.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The product's name.
    pub item: String,
    /// The variant's options, by name.
    pub options: String,
    /// Its price in dollars.
    pub price: f64,
}

/// What the user paid for the items of one name across `orders`,
/// cancelled orders left out: the name, how many, the sum in dollars;
/// `None` when the request names none of their items. The item is the
/// longest name the request contains ("the grills" → `Grill`).
pub fn paid_for(request: &str, orders: &[Json]) -> Option<(String, u32, f64)> {
    let wanted = normal(request);
    let items: Vec<&Json> = orders
        .iter()
        .filter(|order| order["status"].as_str() != Some("cancelled"))
        .flat_map(|order| order["items"].as_array().into_iter().flatten())
        .collect();
    let name = items
        .iter()
        .filter_map(|item| item["name"].as_str())
        .filter(|name| {
            let name = normal(name);
            !name.is_empty() && wanted.contains(&name)
        })
        .max_by_key(|name| normal(name).len())?
        .to_string();
    let chosen: Vec<f64> = items
        .iter()
        .filter(|item| item["name"].as_str() == Some(name.as_str()))
        .map(|item| item["price"].as_f64().unwrap_or(0.0))
        .collect();
    let cents: i64 = chosen
        .iter()
        .map(|price| (price * 100.0).round() as i64)
        .sum();
    Some((name, chosen.len() as u32, cents as f64 / 100.0))
}

/// Letters and digits only, lower case, units spelled one way.
fn normal(text: &str) -> String {
    let lower = text
        .to_lowercase()
        .replace("feet", "ft")
        .replace("foot", "ft")
        .replace("inches", "inch");
    lower.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Looks the request up among `orders` (each a τ-bench order object, the
/// user's, in their order) with `product` giving a product by id.
pub fn find(
    request: &str,
    orders: &[Json],
    product: &mut dyn FnMut(&str) -> Option<Json>,
) -> Option<Found> {
    let wanted = normal(request);
    let pending = |order: &&Json| order["status"].as_str() == Some("pending");
    let ordered = orders
        .iter()
        .filter(pending)
        .chain(orders.iter().filter(|order| !pending(order)));
    let item = ordered
        .flat_map(|order| order["items"].as_array().into_iter().flatten())
        .find(|item| {
            let name = normal(item["name"].as_str().unwrap_or_default());
            !name.is_empty() && wanted.contains(&name)
        })?;
    let product = product(item["product_id"].as_str()?)?;
    let variants: Vec<&Json> = product["variants"].as_object()?.values().collect();
    let current = item["options"].as_object()?;
    let mut target: Vec<(String, String)> = Vec::new();
    let mut changed = false;
    for (name, value) in current {
        let value = value.as_str().unwrap_or_default();
        // The longest value of this option the request names.
        let named = variants
            .iter()
            .filter_map(|variant| variant["options"][name].as_str())
            .filter(|candidate| {
                let candidate = normal(candidate);
                !candidate.is_empty() && wanted.contains(&candidate)
            })
            .max_by_key(|candidate| normal(candidate).len());
        match named {
            Some(named) if normal(named) != normal(value) => {
                changed = true;
                target.push((name.clone(), named.to_string()));
            }
            _ => target.push((name.clone(), value.to_string())),
        }
    }
    if !changed {
        return None;
    }
    let variant = variants.into_iter().find(|variant| {
        target
            .iter()
            .all(|(name, value)| variant["options"][name].as_str() == Some(value.as_str()))
    })?;
    if variant["available"].as_bool() != Some(true) {
        return None;
    }
    Some(Found {
        item: item["name"].as_str().unwrap_or_default().to_string(),
        options: target
            .iter()
            .map(|(name, value)| format!("{name} {value}"))
            .collect::<Vec<_>>()
            .join(", "),
        price: variant["price"].as_f64()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bookshelf() -> (Vec<Json>, Json) {
        let order = json!({"status": "pending", "items": [{"name": "Bookshelf", "product_id": "p1",
            "options": {"material": "glass", "color": "white", "height": "5 ft"}}]});
        let product = json!({"variants": {
            "a": {"options": {"material": "glass", "color": "white", "height": "4 ft"}, "available": false, "price": 531.22},
            "b": {"options": {"material": "wood", "color": "white", "height": "4 ft"}, "available": true, "price": 510.02},
            "c": {"options": {"material": "glass", "color": "white", "height": "6 ft"}, "available": true, "price": 540.0}}});
        (vec![order], product)
    }

    #[test]
    fn names_an_option_and_keeps_the_others() {
        let (orders, product) = bookshelf();
        let mut lookup = |_: &str| Some(product.clone());
        // Glass, white, 4 ft exists but is not available.
        assert_eq!(find("the book shelf in 4 foot", &orders, &mut lookup), None);
        let found = find("the bookshelf at 6 feet", &orders, &mut lookup).expect("6 ft");
        assert_eq!(found.options, "color white, height 6 ft, material glass");
        assert_eq!(found.price, 540.0);
        // Two options named: wood and 4 ft.
        let found = find("bookshelf in wood, 4 ft", &orders, &mut lookup).expect("wood");
        assert_eq!(found.price, 510.02);
    }

    #[test]
    fn paid_for_adds_the_prices_of_one_item_name() {
        let orders = vec![
            json!({"status": "delivered", "items": [
                {"name": "Grill", "price": 985.66}, {"name": "Water Bottle", "price": 48.02},
                {"name": "Grill", "price": 953.39}]}),
            json!({"status": "cancelled", "items": [{"name": "Grill", "price": 100.0}]}),
        ];
        assert_eq!(
            paid_for("the grills", &orders),
            Some(("Grill".to_string(), 2, 1939.05))
        );
        assert_eq!(paid_for("the lamp", &orders), None);
    }

    #[test]
    fn nothing_named_is_nothing_found() {
        let (orders, product) = bookshelf();
        let mut lookup = |_: &str| Some(product.clone());
        assert_eq!(find("the bookshelf", &orders, &mut lookup), None);
        assert_eq!(find("the lamp in 4 ft", &orders, &mut lookup), None);
        assert_eq!(find("", &[], &mut lookup), None);
    }
}
