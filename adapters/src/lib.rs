//! keel's platform adapters and their wire-faithful test doubles.

pub mod tls;
