//! The simulated customer. τ-bench plays the customer with an LLM given only
//! the task's instruction; keel's harness has two customers:
//!
//! - [`scripted`]: a deterministic player of a [`Script`], what the customer
//!   knows and wants, read from the instruction alone — mechanically for the
//!   template tasks ([`template`]), by hand for the free-form ones
//!   (`data/customers.toml`, each entry quoting the instruction); it makes
//!   the instruction's requests in the instruction's order, answers the
//!   bot's questions from the script and from what the bot shows, and says
//!   "I'd rather not say" to what the instruction does not tell;
//! - [`llm`]: a local model prompted as τ-bench prompts its user simulator,
//!   with only the instruction.
//!
//! Neither ever reads a task's gold actions.

pub mod llm;
pub mod scripted;
pub mod template;

use serde::Deserialize;
use std::collections::BTreeMap;

/// What a customer does in a conversation: reads the bot's messages of one
/// turn, answers, or leaves (`None`).
pub trait Customer {
    /// The reply to what the bot said this turn, or `None` to leave.
    fn reply(&mut self, bot: &str) -> Option<String>;

    /// Why the customer could not be played, when it could not (a model
    /// that did not answer): the run then failed through no act of the
    /// customer's or the bot's, and is reported as such.
    fn broken(&self) -> Option<&str> {
        None
    }

    /// What the customer said as it left, when it said anything (an LLM
    /// customer's `###STOP###` message), for the transcript.
    fn parting(&self) -> Option<&str> {
        None
    }
}

/// What the customer knows about themselves and wants, in the
/// instruction's order.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// The instruction's words this script was read from (free-form tasks;
    /// empty for templates, whose instruction is parsed whole).
    #[serde(default)]
    pub read: String,
    /// Email addresses the customer offers, in order (the next one when the
    /// bot cannot find the last).
    #[serde(default)]
    pub emails: Vec<String>,
    /// First and last name.
    #[serde(default)]
    pub name: Option<(String, String)>,
    /// Zip codes the customer offers, in order.
    #[serde(default)]
    pub zips: Vec<String>,
    /// What they want, in the instruction's order.
    #[serde(default)]
    pub requests: Vec<Request>,
}

/// The kinds of request a customer makes.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Want {
    /// Cancel a pending order.
    #[default]
    Cancel,
    /// Change items of a pending order to other options.
    ModifyItems,
    /// Change a pending order's shipping address.
    ModifyAddress,
    /// Change a pending order's payment method.
    ModifyPayment,
    /// Return items of a delivered order.
    Return,
    /// Exchange items of a delivered order for other options.
    Exchange,
    /// Change the account's default address.
    UserAddress,
    /// A question about an order (status, items, tracking, payment).
    OrderInfo,
    /// A question about a product (its options, prices, availability).
    ProductInfo,
    /// A question about the account (payment methods, balances, address).
    AccountInfo,
    /// Something the retail policy does not cover (a coupon, a price
    /// match, unsubscribing, a refund to another card…).
    Other,
}

/// One request.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// What kind.
    pub want: Want,
    /// Which order, as the customer can tell it: `#W…` (an id), `ends:66`
    /// (the end of an id), `item:tea kettle` (an order holding that item,
    /// read off the bot's list), `status:pending`; several, space-separated
    /// after the first, all hold (`item:boots status:pending`).
    #[serde(default)]
    pub order: Option<String>,
    /// Items: for a return, which ones (a name, with option words when
    /// several items share it); for a modification or exchange, which ones
    /// and what to (`to`).
    #[serde(default)]
    pub items: Vec<ItemChange>,
    /// For a return: every item of the order.
    #[serde(default)]
    pub all_items: bool,
    /// The payment method: `paypal`, `credit card`, `gift card`, or an id
    /// the instruction names (`paypal_3738584`).
    #[serde(default)]
    pub payment: Option<String>,
    /// For a cancellation: the reason the instruction gives or implies.
    #[serde(default)]
    pub reason: Option<String>,
    /// For an address change: the new address.
    #[serde(default)]
    pub address: Option<Address>,
    /// Whether they say yes at the read-back (default yes).
    #[serde(default = "yes")]
    pub confirm: bool,
    /// For a product question: the product.
    #[serde(default)]
    pub product: Option<String>,
    /// The request in the customer's words (questions, other requests).
    #[serde(default)]
    pub say: Option<String>,
    /// Whether they accept a transfer to a human agent when the bot offers
    /// one for this request.
    #[serde(default)]
    pub transfer: bool,
    /// What they want instead when the bot says this request cannot be done.
    #[serde(default)]
    pub otherwise: Vec<Request>,
}

fn yes() -> bool {
    true
}

impl Default for Request {
    /// A cancellation of no order yet, confirmed at the read-back.
    fn default() -> Request {
        Request {
            want: Want::default(),
            order: None,
            items: Vec::new(),
            all_items: false,
            payment: None,
            reason: None,
            address: None,
            confirm: true,
            product: None,
            say: None,
            transfer: false,
            otherwise: Vec::new(),
        }
    }
}

/// One item of a request.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ItemChange {
    /// The item: its name, then option values when the name is not enough
    /// (`Water Bottle capacity 500ml`).
    pub item: String,
    /// Its options as the instruction gives them (template tasks), by name.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// What it becomes: option values (the ones the instruction names; the
    /// others stay), for a modification or exchange, each under its option
    /// name when the instruction gives one, else under the instruction's
    /// word for it (the customer finds which option it belongs to among
    /// those the bot lists).
    #[serde(default)]
    pub to: BTreeMap<String, String>,
    /// Or a choice made from the options the bot shows: `cheapest`,
    /// `most expensive`.
    #[serde(default)]
    pub choose: Option<String>,
}

/// A postal address.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and number.
    pub address1: String,
    /// Apartment or suite (may be empty).
    #[serde(default)]
    pub address2: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// Country.
    pub country: String,
    /// Zip code.
    pub zip: String,
}

/// The hand-written scripts of the free-form tasks, by `split/index`.
pub fn scripts(text: &str) -> Result<BTreeMap<String, Script>, String> {
    toml::from_str(text).map_err(|error| format!("data/customers.toml: {error}"))
}
