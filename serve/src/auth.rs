//! Who may do what: operators hold API tokens given at start-up and may do
//! everything; an end-user channel holds one session's token, handed out
//! when the session starts, and may read and write that session only.
//! Only SHA-256 digests of session tokens are stored.

use crate::error::ApiError;
use axum::http::{HeaderMap, StatusCode, header};
use sha2::{Digest, Sha256};

/// Who is asking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// An operator token.
    Operator,
    /// A bearer token that is not an operator's: perhaps a session's.
    Bearer(String),
}

/// A fresh random token with a prefix (`st_…`, `sess_…`).
pub fn random_token(prefix: &str, bytes: usize) -> Result<String, ApiError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|error| ApiError::internal(format!("no randomness: {error}")))?;
    Ok(format!("{prefix}{}", hex(&buffer)))
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    text
}

/// SHA-256 of a token, hex.
pub(crate) fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Equal strings, compared in time independent of where they differ.
pub(crate) fn same(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .bytes()
            .zip(right.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The operator tokens, kept as digests.
#[derive(Clone, Debug, Default)]
pub struct Operators {
    digests: Vec<String>,
}

impl Operators {
    /// Operators holding any of `tokens`.
    pub fn new(tokens: &[String]) -> Operators {
        Operators {
            digests: tokens.iter().map(|token| digest(token)).collect(),
        }
    }

    /// Reads the caller from `Authorization: Bearer …`.
    pub fn caller(&self, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let unauthorized = |message: &str| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                message.to_string(),
            )
        };
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("send `Authorization: Bearer <token>`"))?;
        let text = value
            .to_str()
            .map_err(|_| unauthorized("the Authorization header is not text"))?;
        let token = text
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|token| !token.is_empty() && token.len() <= 256)
            .ok_or_else(|| unauthorized("send `Authorization: Bearer <token>`"))?;
        let presented = digest(token);
        if self.digests.iter().any(|known| same(known, &presented)) {
            Ok(Caller::Operator)
        } else {
            Ok(Caller::Bearer(token.to_string()))
        }
    }

    /// Requires an operator.
    pub fn operator(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        match self.caller(headers)? {
            Caller::Operator => Ok(()),
            Caller::Bearer(_) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this needs an operator token",
            )),
        }
    }
}

/// Whether `caller` may use the session whose token digest is `token_hash`.
pub(crate) fn may_use(caller: &Caller, token_hash: &str) -> Result<(), ApiError> {
    match caller {
        Caller::Operator => Ok(()),
        Caller::Bearer(token) if same(&digest(token), token_hash) => Ok(()),
        Caller::Bearer(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token is not for this session",
        )),
    }
}
