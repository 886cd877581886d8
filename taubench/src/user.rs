//! The simulated customer. It knows only the facts of the task's
//! instruction (how to authenticate, which orders to cancel and why) and
//! answers the bot's questions from them; it never reads the gold actions.
//! In natural mode a seeded generator varies the phrasing.

use serde_json::Value as Json;

/// What the customer knows, from the instruction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// Their email, when the instruction gives one.
    pub email: Option<String>,
    /// First name, last name and zip, when the instruction gives them.
    pub name_zip: Option<(String, String, String)>,
    /// The orders to cancel, each with its reason when the instruction says.
    pub cancellations: Vec<(String, Option<String>)>,
}

impl Facts {
    /// Reads the facts: for a template task from the instruction's text;
    /// otherwise the parsed `auth` block (a fact of the instruction) and the
    /// order ids and reasons the instruction itself names.
    pub fn of(task: &Json) -> Facts {
        let instruction = task["instruction"].as_str().unwrap_or_default();
        let mut facts = Facts::default();
        let auth = &task["auth"];
        match auth["method"].as_str() {
            Some("email") => facts.email = auth["email"].as_str().map(str::to_string),
            Some("name_zip") => {
                let part = |name: &str| auth[name].as_str().unwrap_or_default().to_string();
                facts.name_zip = Some((part("first_name"), part("last_name"), part("zip")));
            }
            _ => {}
        }
        if let Some(email) = after(instruction, "your email is ") {
            facts.email = Some(email.trim_end_matches('.').to_string());
        }
        // "Cancel order #W… because <reason>." sentences (the template).
        for sentence in instruction.split(". ") {
            if let Some(rest) = sentence.trim().strip_prefix("Cancel order ") {
                if let Some((id, reason)) = rest.split_once(" because ") {
                    facts.cancellations.push((
                        id.trim().to_string(),
                        Some(reason.trim().trim_end_matches('.').to_string()),
                    ));
                }
            }
        }
        if facts.cancellations.is_empty() {
            let reason = ["no longer needed", "ordered by mistake"]
                .into_iter()
                .find(|reason| instruction.contains(reason))
                .map(str::to_string);
            for word in instruction.split(|c: char| !(c.is_ascii_alphanumeric() || c == '#')) {
                let id = word.trim_start_matches('#');
                if id.len() == 8
                    && id.starts_with('W')
                    && id[1..].bytes().all(|b| b.is_ascii_digit())
                {
                    let id = format!("#{id}");
                    if !facts.cancellations.iter().any(|(known, _)| *known == id) {
                        facts.cancellations.push((id, reason.clone()));
                    }
                }
            }
        }
        facts
    }
}

fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
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

/// The simulated customer in one conversation.
#[derive(Clone, Debug)]
pub struct User {
    facts: Facts,
    rng: Option<Rng>,
    /// Index of the order being cancelled.
    current: usize,
}

impl User {
    /// Structured (`rng = None`: canonical answers) or natural.
    pub fn new(facts: Facts, rng: Option<Rng>) -> User {
        User {
            facts,
            rng,
            current: 0,
        }
    }

    fn say(&mut self, templates: &[&str], value: &str) -> String {
        let template = match &mut self.rng {
            Some(rng) => rng.pick(templates),
            None => templates.first().copied().unwrap_or("{}"),
        };
        template.replace("{}", value)
    }

    /// The reply to the bot's last message, or `None` when the customer has
    /// nothing to say to it.
    pub fn reply(&mut self, bot: &str) -> Option<String> {
        let lower = bot.to_lowercase();
        if lower.contains("how do you want to be identified") {
            return Some(if self.facts.email.is_some() {
                self.say(&["email", "By email.", "my email please"], "")
            } else {
                self.say(
                    &["name and zip code", "Name and zip code, please.", "2"],
                    "",
                )
            });
        }
        if lower.contains("email") {
            let email = self.facts.email.clone()?;
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
        if let Some((first, last, zip)) = self.facts.name_zip.clone() {
            // No name or zip slot in keel: the whole reply is the value, so
            // natural mode varies only the letter case of the names.
            let case = |rng: &mut Option<Rng>, name: &str| match rng {
                Some(rng) => match rng.pick(&["same", "lower", "upper"]) {
                    "lower" => name.to_lowercase(),
                    "upper" => name.to_uppercase(),
                    _ => name.to_string(),
                },
                None => name.to_string(),
            };
            if lower.contains("first name") {
                return Some(case(&mut self.rng, &first));
            }
            if lower.contains("last name") {
                return Some(case(&mut self.rng, &last));
            }
            if lower.contains("zip") {
                return Some(zip);
            }
        }
        if lower.contains("which order") {
            let (id, _) = self.facts.cancellations.get(self.current)?.clone();
            let bare = id.trim_start_matches('#').to_string();
            let templates = [
                "{}",
                "order {}",
                "the one with id {}",
                "I'd like to cancel {}",
            ];
            let mut reply = self.say(&templates, &id);
            if self.rng.is_some() && reply.contains(&id) && self.say(&["#", "bare"], "") == "bare" {
                reply = reply.replace(&id, &bare);
            }
            return Some(reply);
        }
        if lower.contains("why do you want to cancel") {
            let (_, reason) = self.facts.cancellations.get(self.current)?.clone();
            let reason = reason?;
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
        if lower.contains("do you want to cancel order") {
            let (id, _) = self.facts.cancellations.get(self.current)?.clone();
            if !bot.contains(&id) {
                return Some("no".to_string());
            }
            return Some(self.say(
                &["yes", "Yes, please.", "yes, go ahead", "Yes, cancel it."],
                "",
            ));
        }
        if lower.contains("another order") {
            self.current += 1;
            if self.current < self.facts.cancellations.len() {
                return Some(self.say(&["yes", "Yes, one more.", "yes please"], ""));
            }
            return Some(self.say(&["no", "No, that's all.", "no thanks"], ""));
        }
        None
    }
}
