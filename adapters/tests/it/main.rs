//! keel-adapters' integration tests: each adapter against its loopback
//! double over TLS, one test per quirk of the platform reference (against
//! the double on the wire, and through the adapter), the wire's retries
//! and bounds, and the adapter table.

// A test: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod bigcommerce; // BigCommerce's and AfterShip's quirks and writes
mod common; // the doubles over TLS and a backend pointing at them
mod helpdesks; // Gorgias, Kustomer, Zendesk tickets and their quirks
mod magento; // Magento's quirks and writes
mod shopify; // Shopify's quirks and writes
mod table; // every operation implemented is in the compiler's table
mod wire; // retries, timeouts, writes never retried blindly, credentials
