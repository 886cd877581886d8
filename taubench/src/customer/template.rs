//! The template instructions of τ-bench's synthetic tasks (every train
//! task), parsed into a [`Script`]:
//!
//! ```text
//! Your name is Omar Anderson and your zip code is 19031. You are logical, polite.
//! Return #W6067464 via credit_card_4190576: Electric Kettle; Wall Clock;
//! Cancel order #W5765741 because ordered by mistake.
//! For #W7736983, exchange Coffee Maker {'color': 'black', …} to {'color': 'stainless steel', …}; via paypal_6840891.
//! For #W2912646, modify Sunglasses {…} to {…}; Luggage Set {…} to {…}; via paypal_482….
//! For #W2912646, change address to {'order_id': …, 'address1': …, …} (same as #W1780552).
//! For #W5442520, change payment to paypal_8049766.
//! ```
//!
//! Every sentence becomes one request, in order; an instruction with a
//! sentence of no known shape is an error (the task then needs a script).

use super::{Address, ItemChange, Request, Script, Want};
use std::collections::BTreeMap;

/// The clause starts, at the beginning of the body or after ". " / "; ".
const STARTS: &[&str] = &["Cancel order ", "Return ", "For "];

/// Parses a template instruction.
pub fn parse(instruction: &str) -> Result<Script, String> {
    let rest = instruction
        .strip_prefix("Your name is ")
        .ok_or("not a template instruction")?;
    let (name, rest) = rest.split_once(" and your ").ok_or("no name")?;
    let (first, last) = name.split_once(' ').ok_or("no last name")?;
    let mut script = Script {
        name: Some((first.to_string(), last.to_string())),
        ..Script::default()
    };
    let rest = if let Some(rest) = rest.strip_prefix("email is ") {
        let (email, rest) = rest.split_once(". ").ok_or("no email")?;
        script.emails.push(email.to_string());
        rest
    } else if let Some(rest) = rest.strip_prefix("zip code is ") {
        let (zip, rest) = rest.split_once(". ").ok_or("no zip code")?;
        script.zips.push(zip.to_string());
        rest
    } else {
        return Err("neither an email nor a zip code".to_string());
    };
    let rest = rest.strip_prefix("You are ").ok_or("no traits")?;
    let (_, body) = rest.split_once(". ").unwrap_or((rest, ""));
    for clause in clauses(body) {
        script.requests.push(request(&clause)?);
    }
    if script.requests.is_empty() {
        return Err("no request".to_string());
    }
    Ok(script)
}

/// The body cut at each clause start.
fn clauses(body: &str) -> Vec<String> {
    let body = body.trim();
    let mut cuts = vec![0];
    for (at, _) in body.char_indices() {
        if at == 0 {
            continue;
        }
        let before = &body[..at];
        if (before.ends_with(". ") || before.ends_with("; "))
            && STARTS.iter().any(|start| body[at..].starts_with(start))
        {
            cuts.push(at);
        }
    }
    cuts.push(body.len());
    cuts.windows(2)
        .map(|pair| body[pair[0]..pair[1]].trim().to_string())
        .filter(|clause| !clause.is_empty())
        .collect()
}

fn request(clause: &str) -> Result<Request, String> {
    let unknown = || format!("a sentence of no known shape: {clause:?}");
    if let Some(rest) = clause.strip_prefix("Cancel order ") {
        let (order, reason) = rest.split_once(" because ").ok_or_else(unknown)?;
        return Ok(Request {
            want: Want::Cancel,
            order: Some(order.to_string()),
            reason: Some(reason.trim_end_matches('.').trim().to_string()),
            ..Request::default()
        });
    }
    if let Some(rest) = clause.strip_prefix("Return ") {
        let (head, items) = rest.split_once(": ").ok_or_else(unknown)?;
        let (order, payment) = head.split_once(" via ").ok_or_else(unknown)?;
        let items = items
            .split(';')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                let (name, options) = named_options(item)?;
                Ok(ItemChange {
                    item: name,
                    options,
                    ..ItemChange::default()
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        return Ok(Request {
            want: Want::Return,
            order: Some(order.to_string()),
            items,
            payment: Some(payment.to_string()),
            ..Request::default()
        });
    }
    let rest = clause.strip_prefix("For ").ok_or_else(unknown)?;
    let (order, rest) = rest.split_once(", ").ok_or_else(unknown)?;
    let order = Some(order.to_string());
    if let Some(rest) = rest.strip_prefix("change payment to ") {
        return Ok(Request {
            want: Want::ModifyPayment,
            order,
            payment: Some(rest.trim_end_matches('.').trim().to_string()),
            ..Request::default()
        });
    }
    if let Some(rest) = rest.strip_prefix("change address to ") {
        let (dict, _) = rest.split_once('}').ok_or_else(unknown)?;
        let fields = dictionary(&format!("{dict}}}"))?;
        let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
        return Ok(Request {
            want: Want::ModifyAddress,
            order,
            address: Some(Address {
                address1: field("address1"),
                address2: field("address2"),
                city: field("city"),
                state: field("state"),
                country: field("country"),
                zip: field("zip"),
            }),
            ..Request::default()
        });
    }
    let (want, rest) = if let Some(rest) = rest.strip_prefix("exchange ") {
        (Want::Exchange, rest)
    } else if let Some(rest) = rest.strip_prefix("modify ") {
        (Want::ModifyItems, rest)
    } else {
        return Err(unknown());
    };
    let (changes, payment) = rest.rsplit_once("via ").ok_or_else(unknown)?;
    let items = changes
        .split(';')
        .map(str::trim)
        .filter(|change| !change.is_empty())
        .map(|change| {
            let (from, to) = change.split_once(" to ").ok_or_else(unknown)?;
            let (name, options) = named_options(from)?;
            Ok(ItemChange {
                item: name,
                options,
                to: dictionary(to.trim())?,
                choose: None,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Request {
        want,
        order,
        items,
        payment: Some(payment.trim_end_matches('.').trim().to_string()),
        ..Request::default()
    })
}

/// `Water Bottle {'capacity': '500ml'}` → the name and its options.
fn named_options(text: &str) -> Result<(String, BTreeMap<String, String>), String> {
    match text.split_once(" {") {
        Some((name, dict)) => Ok((name.trim().to_string(), dictionary(&format!("{{{dict}"))?)),
        None => Ok((text.trim().to_string(), BTreeMap::new())),
    }
}

/// A Python dict literal of strings: `{'a': 'b', 'c': 'd'}`.
fn dictionary(text: &str) -> Result<BTreeMap<String, String>, String> {
    let inner = text
        .trim()
        .strip_prefix('{')
        .and_then(|text| text.strip_suffix('}'))
        .ok_or_else(|| format!("not a dictionary: {text:?}"))?;
    let mut strings = Vec::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let mut string = String::new();
            for next in chars.by_ref() {
                if next == c {
                    break;
                }
                string.push(next);
            }
            strings.push(string);
        }
    }
    if strings.len() % 2 != 0 {
        return Err(format!("not a dictionary of strings: {text:?}"));
    }
    Ok(strings
        .chunks(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape() {
        let script = parse("Your name is Harper Johansson and your zip code is 80281. You are happy, direct. Cancel order #W3525030 because no longer needed. For #W2912646, change address to {'order_id': '#W2912646', 'address1': '953 Park Avenue', 'address2': 'Suite 613', 'city': 'New York', 'country': 'USA', 'state': 'NY', 'zip': '10064'} (same as #W1780552). For #W2912646, modify Sunglasses {'frame color': 'brown'} to {'frame color': 'black'}; Luggage Set {'piece count': '3-piece'} to {'piece count': '4-piece'}; via paypal_482. Return #W4864669 via gift_card_9909795: Wireless Earbuds {'color': 'black'}; Digital Camera; For #W5442520, change payment to paypal_8049766. ").expect("parses");
        assert_eq!(script.zips, ["80281"]);
        let wants: Vec<Want> = script.requests.iter().map(|r| r.want).collect();
        assert_eq!(
            wants,
            [
                Want::Cancel,
                Want::ModifyAddress,
                Want::ModifyItems,
                Want::Return,
                Want::ModifyPayment
            ]
        );
        assert_eq!(
            script.requests[0].reason.as_deref(),
            Some("no longer needed")
        );
        assert_eq!(
            script.requests[1].address.as_ref().map(|a| a.city.as_str()),
            Some("New York")
        );
        let modify = &script.requests[2];
        assert_eq!(modify.items.len(), 2);
        assert_eq!(modify.items[1].item, "Luggage Set");
        assert_eq!(modify.items[1].to["piece count"], "4-piece");
        assert_eq!(modify.payment.as_deref(), Some("paypal_482"));
        let give_back = &script.requests[3];
        assert_eq!(give_back.items[0].options["color"], "black");
        assert_eq!(give_back.items[1].item, "Digital Camera");
        assert_eq!(
            script.requests[4].payment.as_deref(),
            Some("paypal_8049766")
        );
    }

    #[test]
    fn a_free_form_instruction_is_no_template() {
        assert!(parse("You are Yusuf Rossi in 19122. You received your order").is_err());
    }
}
