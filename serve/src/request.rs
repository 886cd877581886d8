//! What every route extracts from a request: the shared [`App`] and a
//! session id from the path, checked. Both the routes that change sessions
//! ([`crate::api`]) and the read-only ones ([`crate::views`]) use it, so
//! neither depends on the other.

use crate::App;
use crate::error::ApiError;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use std::sync::Arc;

/// The application every handler shares.
pub(crate) type Shared = State<Arc<App>>;

/// A path parameter, or why axum could not read it.
pub(crate) type Id = Result<Path<String>, PathRejection>;

/// A session id from the path: `s_` and hex, as the server makes them.
pub(crate) fn session_id(id: Id) -> Result<String, ApiError> {
    let Path(id) =
        id.map_err(|rejection| ApiError::bad_request("bad_path", rejection.body_text()))?;
    let well_formed = (3..=64).contains(&id.len())
        && id.starts_with("s_")
        && id.bytes().skip(2).all(|byte| byte.is_ascii_hexdigit());
    if well_formed {
        Ok(id)
    } else {
        Err(ApiError::not_found("no such session"))
    }
}
