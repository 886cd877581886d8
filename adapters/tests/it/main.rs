//! keel-adapters' integration tests.
