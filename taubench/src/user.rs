//! The simulated customer. It knows only the facts of the task's
//! instruction — parsed mechanically for the template tasks, read from
//! `data/instruction_facts.toml` for the free-form ones — and answers the
//! bot's questions from them and from what the bot shows (the order list);
//! it never reads the gold actions. In natural mode a seeded generator
//! varies the phrasing.

use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Which orders the customer asks to cancel.
#[derive(Clone, Debug, PartialEq)]
pub enum Want {
    /// An order by id (`#W…`), with the reason the instruction gives for it.
    Order {
        /// The id, with its `#`.
        id: String,
        /// Its own reason, when the instruction gives one per order.
        reason: Option<String>,
    },
    /// The order whose id ends so ("the order number ends in 66").
    Ending(String),
    /// Orders holding an item of this name ("the tea kettle").
    Item {
        /// The item's name, lower case.
        name: String,
        /// The reason for this one, when it differs from the others'.
        reason: Option<String>,
    },
    /// Every order the bot's list shows as pending.
    AllPending,
}

/// What the customer says at the read-back.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Confirm {
    /// Yes.
    #[default]
    Yes,
    /// No, they keep the order.
    No,
    /// Yes only when the refund goes there ("gift card").
    RefundTo(String),
}

/// What the customer does once they know whether another option of an
/// item exists ("if it is not available, cancel the whole order").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Then {
    /// More orders to cancel, with the reason for them.
    pub wants: Vec<Want>,
    /// Their reason.
    pub reason: Option<String>,
    /// Only when the option costs more than this (`available` only).
    pub above: Option<f64>,
}

/// The other option of an item the customer asks about first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Check {
    /// Their words ("the bookshelf in 4 foot").
    pub request: String,
    /// What they do when it is not available.
    pub unavailable: Then,
    /// What they do when it is (without `above`, or under it: they take
    /// the change).
    pub available: Then,
}

/// What the customer knows, from the instruction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// Email addresses, tried in order.
    pub emails: Vec<String>,
    /// First and last name.
    pub name: Option<(String, String)>,
    /// Zip codes, tried in order.
    pub zips: Vec<String>,
    /// The orders to cancel, in order.
    pub wants: Vec<Want>,
    /// The reason for an order without its own.
    pub reason: Option<String>,
    /// The answer at the read-back.
    pub confirm: Confirm,
    /// Another option of an item to ask about first.
    pub check: Option<Check>,
    /// An item whose total price they ask for first ("the grills").
    pub paid_for: Option<String>,
}

/// One entry of `instruction_facts.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// The instruction's words the facts come from.
    pub read: String,
    #[serde(default)]
    emails: Vec<String>,
    name: Option<(String, String)>,
    #[serde(default)]
    zips: Vec<String>,
    #[serde(default)]
    want: Vec<String>,
    reason: Option<String>,
    confirm: Option<String>,
    check: Option<CheckEntry>,
    paid_for: Option<String>,
}

/// `check` in `instruction_facts.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckEntry {
    request: String,
    #[serde(default)]
    unavailable: ThenEntry,
    #[serde(default)]
    available: ThenEntry,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThenEntry {
    #[serde(default)]
    want: Vec<String>,
    reason: Option<String>,
    above: Option<f64>,
}

fn parse_wants(key: &str, wants: &[String], reason: Option<&String>) -> Result<Vec<Want>, String> {
    wants
        .iter()
        .map(|want| {
            if let Some(ending) = want.strip_prefix("ends:") {
                Ok(Want::Ending(ending.to_string()))
            } else if let Some(item) = want.strip_prefix("item:") {
                Ok(Want::Item {
                    name: item.to_lowercase(),
                    reason: reason.cloned(),
                })
            } else if want == "all-pending" {
                Ok(Want::AllPending)
            } else if want.starts_with("#W") {
                Ok(Want::Order {
                    id: want.clone(),
                    reason: None,
                })
            } else {
                Err(format!("{key}: unknown want `{want}`"))
            }
        })
        .collect()
}

/// The facts of the free-form tasks, by `split/index`.
pub fn annotations(text: &str) -> Result<BTreeMap<String, Annotation>, String> {
    toml::from_str(text).map_err(|error| format!("instruction_facts.toml: {error}"))
}

impl Annotation {
    fn facts(&self, key: &str) -> Result<Facts, String> {
        let wants = parse_wants(key, &self.want, None)?;
        let confirm = match self.confirm.as_deref() {
            None | Some("yes") => Confirm::Yes,
            Some("no") => Confirm::No,
            Some(other) => match other.strip_prefix("refund:") {
                Some(destination) => Confirm::RefundTo(destination.to_string()),
                None => return Err(format!("{key}: unknown confirm `{other}`")),
            },
        };
        let then = |entry: &ThenEntry| -> Result<Then, String> {
            Ok(Then {
                wants: parse_wants(key, &entry.want, entry.reason.as_ref())?,
                reason: entry.reason.clone(),
                above: entry.above,
            })
        };
        let check = match &self.check {
            Some(check) => Some(Check {
                request: check.request.clone(),
                unavailable: then(&check.unavailable)?,
                available: then(&check.available)?,
            }),
            None => None,
        };
        Ok(Facts {
            emails: self.emails.clone(),
            name: self.name.clone(),
            zips: self.zips.clone(),
            wants,
            reason: self.reason.clone(),
            confirm,
            check,
            paid_for: self.paid_for.clone(),
        })
    }
}

impl Facts {
    /// The facts of a task: a template task's from its instruction text; a
    /// free-form task's from its annotation (an error when it has none).
    pub fn of(task: &Json, annotations: &BTreeMap<String, Annotation>) -> Result<Facts, String> {
        let key = format!(
            "{}/{}",
            task["split"].as_str().unwrap_or("?"),
            task["index"].as_u64().unwrap_or(u64::MAX)
        );
        if task["tier"].as_str() != Some("1-template") {
            return annotations
                .get(&key)
                .ok_or_else(|| format!("{key}: no entry in instruction_facts.toml"))?
                .facts(&key);
        }
        let instruction = task["instruction"].as_str().unwrap_or_default();
        let mut facts = Facts::default();
        // "Your name is Juan Rossi and your zip code is 77209." /
        // "... and your email is juan@example.com."
        if let Some(name) = between(instruction, "Your name is ", " and ") {
            if let Some((first, last)) = name.split_once(' ') {
                facts.name = Some((first.to_string(), last.to_string()));
            }
        }
        if let Some(email) = word_after(instruction, "your email is ") {
            facts.emails.push(email.trim_end_matches('.').to_string());
        }
        if let Some(zip) = word_after(instruction, "your zip code is ") {
            facts.zips.push(zip.trim_end_matches('.').to_string());
        }
        // "Cancel order #W… because <reason>." sentences.
        for sentence in instruction.split(". ") {
            if let Some(rest) = sentence.trim().strip_prefix("Cancel order ") {
                if let Some((id, reason)) = rest.split_once(" because ") {
                    facts.wants.push(Want::Order {
                        id: id.trim().to_string(),
                        reason: Some(reason.trim().trim_end_matches('.').to_string()),
                    });
                }
            }
        }
        Ok(facts)
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let length = text[from..].find(end)?;
    Some(&text[from..from + length])
}

fn word_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    text[start..].split_whitespace().next()
}

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// One of `options`.
    pub fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let index = (z % options.len().max(1) as u64) as usize;
        options.get(index).copied().unwrap_or_default()
    }
}

/// An order as the bot's list shows it.
#[derive(Clone, Debug, PartialEq)]
struct Listed {
    id: String,
    /// The line, lower case (items, options, prices, status).
    line: String,
    pending: bool,
}

/// The simulated customer in one conversation.
#[derive(Clone, Debug)]
pub struct User {
    facts: Facts,
    rng: Option<Rng>,
    emails_tried: usize,
    zips_tried: usize,
    /// The orders the bot listed last.
    listed: Vec<Listed>,
    /// The orders already asked about, and the reason for the current one.
    picked: Vec<String>,
    reason: Option<String>,
    /// Whether the item check was asked, and whether they take the change.
    checked: bool,
    take_change: bool,
    asked_total: bool,
}

impl User {
    /// Structured (`rng = None`: canonical answers) or natural.
    pub fn new(facts: Facts, rng: Option<Rng>) -> User {
        User {
            facts,
            rng,
            emails_tried: 0,
            zips_tried: 0,
            listed: Vec::new(),
            picked: Vec::new(),
            reason: None,
            checked: false,
            take_change: false,
            asked_total: false,
        }
    }

    fn say(&mut self, templates: &[&str], value: &str) -> String {
        let template = match &mut self.rng {
            Some(rng) => rng.pick(templates),
            None => templates.first().copied().unwrap_or("{}"),
        };
        template.replace("{}", value)
    }

    fn case(&mut self, name: &str) -> String {
        match &mut self.rng {
            Some(rng) => match rng.pick(&["same", "lower", "upper"]) {
                "lower" => name.to_lowercase(),
                "upper" => name.to_uppercase(),
                _ => name.to_string(),
            },
            None => name.to_string(),
        }
    }

    /// The next order to ask about among those listed, with its reason.
    fn next_order(&self) -> Option<(usize, Option<String>)> {
        let open = |index: &usize| !self.picked.contains(&self.listed[*index].id);
        for want in &self.facts.wants {
            let found = match want {
                Want::Order { id, reason } => (0..self.listed.len())
                    .filter(open)
                    .find(|&index| self.listed[index].id == *id)
                    .map(|index| (index, reason.clone())),
                Want::Ending(ending) => (0..self.listed.len())
                    .filter(open)
                    .find(|&index| self.listed[index].id.ends_with(ending.as_str()))
                    .map(|index| (index, None)),
                Want::Item { name, reason } => (0..self.listed.len())
                    .filter(open)
                    .find(|&index| self.listed[index].line.contains(name.as_str()))
                    .map(|index| (index, reason.clone())),
                Want::AllPending => (0..self.listed.len())
                    .filter(open)
                    .find(|&index| self.listed[index].pending)
                    .map(|index| (index, None)),
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The reply to the bot's last message, or `None` when the customer has
    /// nothing to say to it (they leave).
    pub fn reply(&mut self, bot: &str) -> Option<String> {
        self.read_list(bot);
        let lower = bot.to_lowercase();
        // The question is the last line that asks something.
        let question = lower
            .lines()
            .rev()
            .find(|line| line.trim_end().ends_with('?'))
            .unwrap_or(&lower)
            .to_string();
        let again = question.contains("couldn't find");
        if question.contains("what would you like to do") {
            let check = self.facts.check.is_some() && !self.checked;
            if self.facts.paid_for.is_some() && !self.asked_total {
                return Some(self.say(
                    &[
                        "see what you paid for an item",
                        "3",
                        "I'd like to see what I paid for an item.",
                    ],
                    "",
                ));
            }
            return Some(if check {
                self.say(
                    &[
                        "check another option of an item",
                        "2",
                        "I'd like to check another option of an item.",
                    ],
                    "",
                )
            } else {
                self.say(&["cancel an order", "1", "I want to cancel an order."], "")
            });
        }
        if question.contains("item name you want the total for") {
            self.asked_total = true;
            let item = self.facts.paid_for.clone()?;
            return Some(self.say(&["{}", "the {}", "What did I pay for the {}?"], &item));
        }
        if question.contains("requested change to your item") {
            self.checked = true;
            let request = self.facts.check.as_ref()?.request.clone();
            return Some(self.say(&["{}", "I'd like {}", "Is there {}?"], &request));
        }
        self.learn_availability(&lower);
        if question.contains("an agent to change your item") {
            return Some(if self.take_change {
                self.say(&["yes", "Yes, please."], "")
            } else {
                self.say(&["no", "No, thanks."], "")
            });
        }
        if question.contains("cancel an order instead") {
            return Some(if self.facts.wants.is_empty() {
                self.say(&["no", "No, thanks."], "")
            } else {
                self.say(&["yes", "Yes, please."], "")
            });
        }
        if question.contains("how do you want to be identified") {
            return Some(if self.facts.emails.is_empty() {
                self.say(
                    &["name and zip code", "Name and zip code, please.", "2"],
                    "",
                )
            } else {
                self.say(&["email", "By email.", "my email please"], "")
            });
        }
        if question.contains("email") {
            if again {
                self.emails_tried += 1;
            }
            let index = self
                .emails_tried
                .min(self.facts.emails.len().checked_sub(1)?);
            let email = self.facts.emails.get(index)?.clone();
            return Some(self.say(
                &[
                    "{}",
                    "my email is {}",
                    "Sure, it's {}.",
                    "You can find me under {}",
                ],
                &email,
            ));
        }
        if question.contains("first name") || question.contains("last name") {
            let (first, last) = self.facts.name.clone()?;
            let name = if question.contains("first name") {
                first
            } else {
                last
            };
            let name = self.case(&name);
            let which = if question.contains("first name") {
                "first"
            } else {
                "last"
            };
            let templates = [
                "{}".to_string(),
                format!("my {which} name is {{}}"),
                "It's {}.".to_string(),
                "Sure, it's {}".to_string(),
            ];
            let templates: Vec<&str> = templates.iter().map(String::as_str).collect();
            return Some(self.say(&templates, &name));
        }
        if question.contains("zip") {
            if again {
                self.zips_tried += 1;
            }
            let index = self.zips_tried.min(self.facts.zips.len().checked_sub(1)?);
            let zip = self.facts.zips.get(index)?.clone();
            return Some(self.say(
                &["{}", "my zip code is {}", "I live in {}.", "It's {}"],
                &zip,
            ));
        }
        if question.contains("which order") {
            let (index, reason) = self.next_order()?;
            let id = self.listed[index].id.clone();
            self.picked.push(id.clone());
            self.reason = reason.or_else(|| self.facts.reason.clone());
            let bare = id.trim_start_matches('#').to_string();
            let position = ["first", "second", "third", "fourth", "fifth", "sixth"]
                .get(index)
                .map(|ordinal| format!("the {ordinal} one"));
            return Some(
                match self
                    .say(&["id", "order", "bare", "sentence", "position"], "")
                    .as_str()
                {
                    "order" => format!("order {id}"),
                    "bare" => format!("the one with id {bare}"),
                    "sentence" => format!("I'd like to cancel {id}"),
                    "position" => position.unwrap_or(id),
                    _ => id,
                },
            );
        }
        if question.contains("why do you want to cancel") {
            let reason = self.reason.clone()?;
            let templates: &[&str] = if reason == "no longer needed" {
                &[
                    "no longer needed",
                    "I no longer need it",
                    "It's no longer needed.",
                    "no longer needed, thanks",
                ]
            } else {
                &[
                    "ordered by mistake",
                    "I ordered it by mistake",
                    "It was ordered by mistake.",
                    "oops, ordered by mistake",
                ]
            };
            return Some(self.say(templates, ""));
        }
        if question.contains("do you want to cancel order") {
            let current = self.picked.last()?;
            let yes = bot.contains(current.as_str())
                && match &self.facts.confirm {
                    Confirm::Yes => true,
                    Confirm::No => false,
                    Confirm::RefundTo(destination) => {
                        lower.contains(&format!("refunded to the {destination}"))
                    }
                };
            return Some(if yes {
                self.say(
                    &["yes", "Yes, please.", "yes, go ahead", "Yes, cancel it."],
                    "",
                )
            } else {
                self.say(&["no", "No, I'll keep it.", "no thanks"], "")
            });
        }
        if question.contains("another order") {
            if self.next_order().is_some() {
                return Some(self.say(&["yes", "Yes, one more.", "yes please"], ""));
            }
            return Some(self.say(&["no", "No, that's all.", "no thanks"], ""));
        }
        None
    }

    /// Acts on what the bot said about the other option: not available, or
    /// available for a price.
    fn learn_availability(&mut self, lower: &str) {
        let Some(check) = self.facts.check.clone() else {
            return;
        };
        let then = if lower.contains("is not available") {
            Some(check.unavailable)
        } else if let Some((_, after)) = lower.split_once("is available for $") {
            let price: f64 = after
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .filter(|c| *c != ',')
                .collect::<String>()
                .trim_end_matches('.')
                .parse()
                .unwrap_or(0.0);
            match check.available.above {
                Some(above) if price > above => Some(check.available),
                _ => {
                    self.take_change = true;
                    None
                }
            }
        } else {
            return;
        };
        if let Some(then) = then {
            self.facts.wants.extend(then.wants);
            if self.facts.reason.is_none() {
                self.facts.reason = then.reason;
            }
        }
        // Learned once.
        if let Some(check) = &mut self.facts.check {
            check.unavailable = Then::default();
            check.available = Then::default();
        }
    }

    /// Remembers the orders of a list message ("1. Order #W…: … (Pending)").
    fn read_list(&mut self, bot: &str) {
        let listed: Vec<Listed> = bot
            .lines()
            .filter_map(|line| {
                let (number, rest) = line.split_once(". Order ")?;
                number.trim().parse::<usize>().ok()?;
                let id = rest.split(|c: char| c == ':' || c.is_whitespace()).next()?;
                let line = line.to_lowercase();
                Some(Listed {
                    id: id.to_string(),
                    pending: line.trim_end().ends_with("(pending)"),
                    line,
                })
            })
            .collect();
        if !listed.is_empty() {
            self.listed = listed;
        }
    }
}
