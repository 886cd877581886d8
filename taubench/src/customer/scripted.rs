//! The scripted customer: plays a [`Script`] against whatever the bot says.
//!
//! It reads the bot's question (the last line that asks something) and
//! answers from the script: who they are, then their requests one at a
//! time in the instruction's order — naming the request, then its order,
//! items, new options, payment method, reason or address as the bot asks
//! for them — and yes or no at the read-back. Lists the bot shows (orders,
//! items, options, payment methods) are read so that "the order with the
//! tea kettle" or "the cheapest option" becomes a choice among them. A
//! question the script has no answer to gets "I'd rather not say."; a
//! request the bot refuses ("Sorry, …") is dropped for what the script
//! wants instead, if anything.
//!
//! In natural mode a seeded generator picks among paraphrases, so that
//! runs of one task differ in wording; in structured mode every answer is
//! the canonical one.

use super::{Customer, ItemChange, Request, Script, Want};
use std::collections::VecDeque;

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_bits(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// One of `options`.
    pub fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        let index = (self.next_bits() % options.len().max(1) as u64) as usize;
        options.get(index).copied().unwrap_or_default()
    }
}

/// What the customer says for each kind of request at "what would you like
/// to do?": the canonical words first (the policy's option), then
/// paraphrases.
fn request_words(want: Want) -> &'static [&'static str] {
    match want {
        Want::Cancel => &[
            "cancel an order",
            "I want to cancel an order.",
            "I'd like to cancel an order, please.",
        ],
        Want::ModifyItems => &[
            "modify the items of an order",
            "I'd like to modify the items of an order.",
            "I want to change items in an order I placed.",
        ],
        Want::ModifyAddress => &[
            "change the shipping address of an order",
            "I need to change the shipping address of an order.",
            "Can I change where an order is shipped?",
        ],
        Want::ModifyPayment => &[
            "change the payment method of an order",
            "I'd like to change the payment method of an order.",
            "I want to pay for an order with a different payment method.",
        ],
        Want::Return => &[
            "return items",
            "I want to return some items.",
            "I'd like to return items from an order.",
        ],
        Want::Exchange => &[
            "exchange items",
            "I want to exchange some items.",
            "I'd like to exchange items from an order.",
        ],
        Want::UserAddress => &[
            "change my default address",
            "I want to change my default address.",
            "I moved and need to update the address on my account.",
        ],
        Want::OrderInfo => &[
            "ask about an order",
            "I have a question about an order.",
            "I'd like to ask about one of my orders.",
        ],
        Want::ProductInfo => &[
            "ask about a product",
            "I have a question about a product.",
            "I'd like to know about a product's options.",
        ],
        Want::AccountInfo => &[
            "ask about my account",
            "I have a question about my account.",
            "I'd like to know something about my account.",
        ],
        Want::Other => &[
            "something else",
            "Something else.",
            "It's about something else.",
        ],
    }
}

/// An order as the bot's list shows it.
#[derive(Clone, Debug, PartialEq)]
struct Listed {
    id: String,
    /// The whole line, lower case (items, options, prices, status).
    line: String,
}

/// A numbered line of another list the bot showed (items, options,
/// payment methods), lower case.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    number: usize,
    text: String,
}

/// The scripted customer of one conversation.
#[derive(Clone, Debug)]
pub struct Scripted {
    script: Script,
    rng: Option<Rng>,
    emails_tried: usize,
    zips_tried: usize,
    /// Requests not yet made.
    queue: VecDeque<Request>,
    /// The request being handled.
    current: Option<Request>,
    /// The orders the bot listed last.
    orders: Vec<Listed>,
    /// The other numbered list the bot showed last.
    lines: Vec<Line>,
    /// The items of the current request already given, by index.
    given: Vec<usize>,
    /// What the customer said last, to vary a repeated answer.
    last: String,
}

impl Scripted {
    /// Structured (`rng = None`: canonical answers) or natural.
    pub fn new(script: Script, rng: Option<Rng>) -> Scripted {
        let queue = script.requests.iter().cloned().collect();
        Scripted {
            script,
            rng,
            emails_tried: 0,
            zips_tried: 0,
            queue,
            current: None,
            orders: Vec::new(),
            lines: Vec::new(),
            given: Vec::new(),
            last: String::new(),
        }
    }

    fn say(&mut self, templates: &[&str], value: &str) -> String {
        let template = match &mut self.rng {
            Some(rng) => rng.pick(templates),
            None => templates.first().copied().unwrap_or("{}"),
        };
        template.replace("{}", value)
    }

    fn yes(&mut self) -> String {
        self.say(&["yes", "Yes, please.", "yes, go ahead", "Yes."], "")
    }

    fn no(&mut self) -> String {
        self.say(&["no", "No, thanks.", "no thank you", "No."], "")
    }

    fn rather_not(&mut self) -> String {
        self.say(&["I'd rather not say.", "I'd prefer not to say."], "")
    }

    /// The next request becomes the current one.
    fn next_request(&mut self) -> Option<Want> {
        self.current = self.queue.pop_front();
        self.given.clear();
        self.current.as_ref().map(|request| request.want)
    }

    /// The current request is over (done, declined or refused).
    fn finish(&mut self) {
        self.current = None;
        self.given.clear();
    }

    /// The bot refused the current request: what the script wants instead
    /// comes next.
    fn refused(&mut self) {
        if let Some(request) = self.current.take() {
            for instead in request.otherwise.into_iter().rev() {
                self.queue.push_front(instead);
            }
        }
        self.given.clear();
    }

    /// Remembers the lists of a message: orders ("1. Order #W…: … (Pending)")
    /// and any other numbered lines.
    fn read_lists(&mut self, bot: &str) {
        let mut orders = Vec::new();
        let mut lines = Vec::new();
        for line in bot.lines() {
            let Some((number, rest)) = line.trim().split_once(". ") else {
                continue;
            };
            let Ok(number) = number.parse::<usize>() else {
                continue;
            };
            if let Some(rest) = rest.strip_prefix("Order ") {
                let id = rest
                    .split(|c: char| c == ':' || c == ',' || c.is_whitespace())
                    .next()
                    .unwrap_or_default();
                orders.push(Listed {
                    id: id.to_string(),
                    line: line.to_lowercase(),
                });
            } else {
                lines.push(Line {
                    number,
                    text: rest.to_lowercase(),
                });
            }
        }
        if !orders.is_empty() {
            self.orders = orders;
        }
        if !lines.is_empty() {
            self.lines = lines;
        }
    }

    /// The order the current request means, among those listed.
    fn order_choice(&self) -> Option<String> {
        let selector = self.current.as_ref()?.order.as_deref()?;
        let mut candidates: Vec<&Listed> = self.orders.iter().collect();
        for part in selector_parts(selector) {
            candidates.retain(|listed| {
                if let Some(ending) = part.strip_prefix("ends:") {
                    listed.id.ends_with(ending)
                } else if let Some(item) = part.strip_prefix("item:") {
                    listed.line.contains(&item.to_lowercase())
                } else if let Some(status) = part.strip_prefix("status:") {
                    listed
                        .line
                        .contains(&format!("({})", status.to_lowercase()))
                } else {
                    listed.id == part
                }
            });
        }
        if let [only] = candidates.as_slice() {
            return Some(only.id.clone());
        }
        // An id the customer knows, whether or not the list shows it.
        if selector.starts_with('#') && !selector.contains(' ') {
            return Some(selector.to_string());
        }
        candidates.first().map(|listed| listed.id.clone())
    }

    /// How the customer names one item: its name, and its options when the
    /// instruction gives them.
    fn item_words(change: &ItemChange) -> String {
        if change.options.is_empty() {
            change.item.clone()
        } else {
            let options: Vec<&str> = change.options.values().map(String::as_str).collect();
            format!("{} ({})", change.item, options.join(", "))
        }
    }

    /// The option a change asks for, as words: the item's options (from
    /// the instruction, or as the bot's question shows them) with the
    /// changed values put in — each under the option name the instruction
    /// gives, or the one whose listed values hold it — or, for `choose`, the
    /// cheapest or dearest listed option that has the changed values.
    fn target_words(&self, change: &ItemChange, question: &str) -> Option<String> {
        let listed: Vec<OptionLine> = self
            .lines
            .iter()
            .map(|line| (option_pairs(&line.text), price_of(&line.text)))
            .filter(|(pairs, _)| !pairs.is_empty())
            .collect();
        let mut target: Vec<(String, String)> = if change.options.is_empty() {
            question
                .split_once("instead of ")
                .map(|(_, current)| option_pairs(current.trim_end_matches('?')))
                .unwrap_or_default()
        } else {
            change
                .options
                .iter()
                .map(|(name, value)| (name.to_lowercase(), value.to_lowercase()))
                .collect()
        };
        let mut wanted: Vec<(String, String)> = Vec::new();
        for (name, value) in &change.to {
            let (name, value) = (name.to_lowercase(), value.to_lowercase());
            let known = target.iter().any(|(key, _)| *key == name)
                || listed
                    .iter()
                    .any(|(pairs, _)| pairs.iter().any(|(key, _)| *key == name));
            let key = if known {
                Some(name)
            } else {
                listed.iter().find_map(|(pairs, _)| {
                    pairs
                        .iter()
                        .find(|(_, listed_value)| *listed_value == value)
                        .map(|(key, _)| key.clone())
                })
            };
            if let Some(key) = key {
                wanted.push((key, value));
            }
        }
        for (key, value) in &wanted {
            match target.iter_mut().find(|(name, _)| name == key) {
                Some(slot) => slot.1.clone_from(value),
                None => target.push((key.clone(), value.clone())),
            }
        }
        if let Some(choice) = &change.choose {
            let fitting = listed.iter().filter(|(pairs, _)| {
                wanted
                    .iter()
                    .all(|(key, value)| pairs.iter().any(|(k, v)| k == key && v == value))
            });
            let priced = fitting.filter_map(|(pairs, price)| price.map(|price| (price, pairs)));
            let pick = match choice.as_str() {
                "cheapest" => priced.min_by(|a, b| a.0.total_cmp(&b.0)),
                "most expensive" => priced.max_by(|a, b| a.0.total_cmp(&b.0)),
                _ => None,
            }?;
            target.clone_from(pick.1);
        }
        if target.is_empty() {
            return None;
        }
        Some(
            target
                .iter()
                .map(|(_, value)| value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    }

    /// The change of the current request the question is about: the first
    /// not yet given whose item the question names, else the first not yet
    /// given.
    fn change_asked(&self, question: &str) -> Option<(usize, ItemChange)> {
        let request = self.current.as_ref()?;
        let open = |index: &usize| !self.given.contains(index);
        (0..request.items.len())
            .filter(open)
            .find(|&index| question.contains(&request.items[index].item.to_lowercase()))
            .or_else(|| (0..request.items.len()).find(open))
            .map(|index| (index, request.items[index].clone()))
    }

    /// The payment method of the current request; where the instruction
    /// names none, the original one (the same default for every task).
    fn payment_words(&mut self) -> String {
        let payment = self
            .current
            .as_ref()
            .and_then(|request| request.payment.clone())
            .unwrap_or_else(|| "original".to_string());
        if payment == "original" {
            return self.say(
                &[
                    "the original payment method",
                    "The original payment method, please.",
                    "the one I paid with",
                ],
                "",
            );
        }
        let readable = payment.replace('_', " ");
        // An id ("credit_card_4190576") is said as the customer read it.
        if payment.chars().any(|c| c.is_ascii_digit()) {
            return self.say(&["{}", "Please use {}.", "my {}"], &payment);
        }
        self.say(&["{}", "my {}", "Use my {}, please."], &readable)
    }
}

/// An option line the bot listed: its `name: value` pairs and its price.
type OptionLine = (Vec<(String, String)>, Option<f64>);

/// The parts of an order selector: `item:boots status:pending` → two.
fn selector_parts(selector: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for word in selector.split(' ') {
        if word.contains(':') || word.starts_with('#') || parts.is_empty() {
            parts.push(word.to_string());
        } else if let Some(last) = parts.last_mut() {
            last.push(' ');
            last.push_str(word);
        }
    }
    parts
}

/// The `name: value` pairs of an option line ("capacity: 1l, pressure:
/// 19 bar, $2,794.70 (item 98)"), up to its price.
fn option_pairs(line: &str) -> Vec<(String, String)> {
    line.split(", ")
        .map_while(|part| {
            let (name, value) = part.split_once(": ")?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

/// The last dollar amount of a line.
fn price_of(line: &str) -> Option<f64> {
    let (_, after) = line.rsplit_once('$')?;
    after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect::<String>()
        .trim_end_matches('.')
        .parse()
        .ok()
}

/// Whether the bot says the current request cannot be done.
fn refuses(lower: &str) -> bool {
    lower.starts_with("sorry") && !lower.starts_with("sorry, i didn't catch")
        || lower.contains("can only be")
        || lower.contains("can no longer be")
        || lower.contains("cannot be")
        || lower.contains("can't be")
        || lower.contains("is not available")
}

impl Customer for Scripted {
    fn reply(&mut self, bot: &str) -> Option<String> {
        self.read_lists(bot);
        let lower = bot.to_lowercase();
        if self.current.is_some()
            && lower.lines().any(|line| {
                let line = line.trim();
                refuses(line) && !line.ends_with('?')
            })
        {
            self.refused();
        }
        let question = lower
            .lines()
            .rev()
            .find(|line| line.trim_end().ends_with('?'))
            .unwrap_or(&lower)
            .to_string();
        let again = question.contains("couldn't find");
        let answer = self.answer(&question, again, &lower);
        if let Some(answer) = &answer {
            self.last.clone_from(answer);
        }
        answer
    }
}

impl Scripted {
    fn answer(&mut self, question: &str, again: bool, whole: &str) -> Option<String> {
        if question.contains("how do you want to be identified") {
            return Some(if self.script.emails.is_empty() {
                self.say(&["name and zip code", "Name and zip code, please."], "")
            } else {
                self.say(&["email", "By email.", "my email please"], "")
            });
        }
        if question.contains("what would you like to do") || question.contains("how can i help") {
            let Some(want) = self.next_request() else {
                return Some(self.say(&["nothing else", "Nothing else, thanks."], ""));
            };
            let words = request_words(want);
            return Some(self.say(words, ""));
        }
        if question.contains("anything else") || question.contains("another order") {
            return Some(if self.queue.is_empty() {
                self.no()
            } else {
                self.yes()
            });
        }
        if question.contains("transfer you") || question.contains("human agent") {
            let transfer = self
                .current
                .as_ref()
                .is_some_and(|request| request.transfer);
            if !transfer {
                self.finish();
            }
            return Some(if transfer { self.yes() } else { self.no() });
        }
        if question.contains("email") {
            if again {
                self.emails_tried += 1;
            }
            let Some(last) = self.script.emails.len().checked_sub(1) else {
                return Some(self.rather_not());
            };
            let email = self.script.emails[self.emails_tried.min(last)].clone();
            return Some(self.say(&["{}", "my email is {}", "Sure, it's {}."], &email));
        }
        let identifying = self.current.is_none();
        if identifying && (question.contains("first name") || question.contains("last name")) {
            let Some((first, last)) = self.script.name.clone() else {
                return Some(self.rather_not());
            };
            let (name, which) = if question.contains("first name") {
                (first, "first")
            } else {
                (last, "last")
            };
            let templates = ["{}".to_string(), format!("my {which} name is {{}}")];
            let templates: Vec<&str> = templates.iter().map(String::as_str).collect();
            return Some(self.say(&templates, &name));
        }
        if identifying && question.contains("zip") {
            if again {
                self.zips_tried += 1;
            }
            let Some(last) = self.script.zips.len().checked_sub(1) else {
                return Some(self.rather_not());
            };
            let zip = self.script.zips[self.zips_tried.min(last)].clone();
            return Some(self.say(&["{}", "my zip code is {}", "It's {}"], &zip));
        }
        // A question about a request with none open (the bot went on
        // without asking what they want): the next one is what they mean.
        if self.current.is_none() {
            self.next_request();
        }
        let Some(request) = self.current.clone() else {
            return Some(self.rather_not());
        };
        let confirming = (question.starts_with("do you want to")
            || question.starts_with("can you confirm")
            || question.contains("(yes/no)"))
            && !question.contains("another item")
            && !question.contains("any other item");
        if confirming {
            let yes = request.confirm;
            self.finish();
            return Some(if yes { self.yes() } else { self.no() });
        }
        if question.contains("which payment method") {
            return Some(self.payment_words());
        }
        if question.contains("which order") {
            return Some(match self.order_choice() {
                Some(id) => self.say(&["{}", "order {}", "It's {}."], &id),
                None => self.say(&["I don't remember the order number."], ""),
            });
        }
        if question.contains("which product") {
            let product = request.product.clone().unwrap_or_default();
            return Some(if product.is_empty() {
                self.rather_not()
            } else {
                self.say(&["{}", "the {}"], &product)
            });
        }
        if question.contains("instead") || question.contains("which option") {
            let Some((index, change)) = self.change_asked(question) else {
                return Some(self.rather_not());
            };
            self.given.push(index);
            return Some(match self.target_words(&change, question) {
                Some(words) => self.say(&["{}", "I'd like {}", "the one with {}"], &words),
                None => self.rather_not(),
            });
        }
        if question.contains("another item") || question.contains("any other item") {
            let more = request.items.len() > self.given.len();
            return Some(if more { self.yes() } else { self.no() });
        }
        if question.contains("which item") {
            if request.all_items {
                return Some(self.say(&["all of them", "All the items, please."], ""));
            }
            if question.contains("which items") {
                let names: Vec<String> = request.items.iter().map(Scripted::item_words).collect();
                return Some(self.say(&["{}", "the {}"], &names.join(", ")));
            }
            // One at a time.
            let open = (0..request.items.len()).find(|index| !self.given.contains(index));
            return Some(match open {
                Some(index) => {
                    let words = Scripted::item_words(&request.items[index]);
                    if request.want == Want::Return {
                        self.given.push(index);
                    }
                    self.say(&["{}", "the {}"], &words)
                }
                None => self.rather_not(),
            });
        }
        if question.contains("payment method") || question.contains("refund to") {
            return Some(self.payment_words());
        }
        if question.contains("why") || question.contains("reason") {
            return Some(match request.reason.clone() {
                Some(reason) => self.say(&["{}", "It's {}.", "{}, thanks"], &reason),
                None => self.rather_not(),
            });
        }
        if let Some(address) = request.address.clone() {
            let field = if question.contains("apartment") || question.contains("suite") {
                Some(address.address2)
            } else if question.contains("street") || question.contains("address line") {
                Some(address.address1)
            } else if question.contains("city") {
                Some(address.city)
            } else if question.contains("state") {
                Some(address.state)
            } else if question.contains("country") {
                Some(address.country)
            } else if question.contains("zip") {
                Some(address.zip)
            } else {
                None
            };
            if let Some(value) = field {
                return Some(if value.is_empty() {
                    self.say(&["none", "There is none."], "")
                } else {
                    self.say(&["{}", "It's {}."], &value)
                });
            }
        }
        if question.contains("what you need") || question.contains("what is it about") {
            return Some(request.say.clone().unwrap_or_else(|| self.rather_not()));
        }
        if question.contains("confirm")
            || question.contains("(yes/no)")
            || whole.contains("yes to")
            || question.starts_with("do you want to")
        {
            let yes = request.confirm;
            self.finish();
            return Some(if yes { self.yes() } else { self.no() });
        }
        Some(self.rather_not())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_split_into_parts() {
        assert_eq!(
            selector_parts("item:tea kettle status:pending"),
            ["item:tea kettle", "status:pending"]
        );
        assert_eq!(selector_parts("#W123"), ["#W123"]);
    }

    #[test]
    fn prices_are_read_from_the_end_of_a_line() {
        assert_eq!(price_of("color red, size m $1,049.99"), Some(1049.99));
        assert_eq!(price_of("no price"), None);
    }
}
