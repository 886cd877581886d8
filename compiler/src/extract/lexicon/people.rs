//! Who the policy speaks about and hands over to: the customer, pronouns, people.

use super::{Class, WordClass, class};

/// The classes of this part of the lexicon.
pub(super) const CLASSES: &[WordClass] = &[
    class(
        Class::Customer,
        "the customer",
        &["user", "customer", "client", "shopper", "buyer"],
    ),
    class(
        Class::CustomerPossessive,
        "the customer's",
        &["user's", "customer's", "client's", "shopper's", "buyer's"],
    ),
    class(Class::ObjectPronoun, "them", &["them", "him", "her"]),
    class(
        Class::SubjectPronoun,
        "they",
        &["they", "he", "she", "they'd", "they'll", "they've"],
    ),
    class(Class::PossessivePronoun, "their", &["their", "his", "her"]),
    class(
        Class::Human,
        "a person to hand over to",
        &[
            "agent",
            "agents",
            "human",
            "humans",
            "person",
            "representative",
            "rep",
            "support",
            "team",
            "specialist",
            "supervisor",
            "manager",
            "colleague",
            "staff",
            "someone",
            "operator",
            "queue",
            "tier",
            "desk",
            "department",
            "officer",
            "officers",
            "specialists",
            "colleagues",
            "advisor",
            "adviser",
        ],
    ),
    class(
        Class::Team,
        "after a queue's name",
        &["team", "queue", "department", "desk"],
    ),
    class(
        Class::CustomerThing,
        "the customer's own",
        &[
            "request",
            "inquiry",
            "case",
            "order",
            "account",
            "package",
            "parcel",
            "shipment",
            "refund",
            "subscription",
            "delivery",
            "coupon",
        ],
    ),
    class(
        Class::SubjectVerb,
        "after the customer as subject",
        &[
            "is", "was", "has", "will", "can", "should", "wants", "needs", "would",
        ],
    ),
];
