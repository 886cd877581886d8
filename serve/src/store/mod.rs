//! Where deployed policies, sessions and their event logs live: one
//! [`Store`] trait, two backends — [`SqliteStore`] (a file, the embedded
//! default) and [`PostgresStore`] (by URL, for several processes).
//!
//! The event log is append-only: a [`Commit`] appends events after the
//! sequence number the writer last saw and moves the session row forward in
//! the same transaction, or fails with [`StoreError::Conflict`] when
//! someone else appended first. The tables refuse updates and deletes of
//! events (a trigger in each backend).

mod postgres;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use std::future::Future;
use std::pin::Pin;

/// A boxed future, so that the store can be chosen at run time.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// What can go wrong in a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// Another writer moved the session (or took the id) first.
    Conflict,
    /// The database failed; the message says where.
    Database(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict => formatter.write_str("the session changed concurrently"),
            StoreError::Database(message) => write!(formatter, "database: {message}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// A deployed policy version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersion {
    /// The policy's name (the entry policy's name).
    pub name: String,
    /// 1, 2, … per name, in deployment order.
    pub version: i64,
    /// The machine's content hash.
    pub hash: String,
    /// When it was deployed (µs since the epoch).
    pub deployed_at: i64,
}

/// A session's row: what it runs and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    /// Its id.
    pub id: String,
    /// The policy's name.
    pub policy: String,
    /// The version it is pinned to.
    pub version: i64,
    /// The pinned machine's hash.
    pub hash: String,
    /// The channel (`chat`, `email`, …).
    pub channel: String,
    /// The customer it belongs to.
    pub customer: String,
    /// SHA-256 of the session token, hex.
    pub token_hash: String,
    /// The session's date (ISO), fixed at its start.
    pub today: String,
    /// Created (µs).
    pub created_at: i64,
    /// Last written (µs).
    pub updated_at: i64,
    /// Number of events logged.
    pub seq: i64,
    /// What it waits for (`waiting_for_user`, `waiting_for_tool`, `ended`, …).
    pub phase: String,
    /// The state it rests in.
    pub node: String,
    /// The outcome once finished.
    pub outcome: Option<String>,
    /// The external event that started it, as JSON, for proactive sessions.
    pub origin: Option<String>,
    /// When the timer it waits for is due (µs), while it waits for one.
    pub wake_at: Option<i64>,
}

/// One logged event: a line of the keel session log format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// 0, 1, … within the session.
    pub seq: i64,
    /// When it was logged (µs).
    pub at: i64,
    /// The log line (JSON).
    pub line: String,
}

/// One atomic write: the session row as it is after the events, and the
/// events to append.
#[derive(Clone, Debug)]
pub struct Commit {
    /// The row after this commit (its `seq` counts the new events).
    pub session: SessionRow,
    /// `None` creates the session; `Some(n)` requires the stored row to be
    /// at `seq == n`.
    pub expected_seq: Option<i64>,
    /// Events numbered from the expected sequence on.
    pub events: Vec<EventRow>,
    /// Side-table rows written in the same transaction (a hand-off to
    /// send, a carrier code shown through the fallback phrase): what the
    /// events oblige the process to do, or count, is on disk with them.
    pub side: Vec<SideWrite>,
}

/// One side-table statement of a [`Commit`] (see [`Store::sql`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideWrite {
    /// The statement, a constant.
    pub statement: &'static str,
    /// Its parameters.
    pub params: Vec<SqlValue>,
}

/// A new policy version to record.
#[derive(Clone, Debug)]
pub struct NewPolicy {
    /// Its name.
    pub name: String,
    /// The machine's hash.
    pub hash: String,
    /// The compiled artifact (JSON).
    pub artifact: String,
    /// Now (µs).
    pub deployed_at: i64,
}

/// The storage behind `keel serve`.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Records a policy version, numbered after the latest of its name;
    /// deploying the latest version's hash again returns that version.
    fn deploy(&self, policy: NewPolicy) -> StoreFuture<'_, PolicyVersion>;

    /// Every deployed version, by name then version.
    fn policies(&self) -> StoreFuture<'_, Vec<PolicyVersion>>;

    /// The latest version of a policy.
    fn latest(&self, name: &str) -> StoreFuture<'_, Option<PolicyVersion>>;

    /// A machine's artifact by hash.
    fn artifact(&self, hash: &str) -> StoreFuture<'_, Option<String>>;

    /// Appends events and moves the session row, atomically.
    fn commit(&self, commit: Commit) -> StoreFuture<'_, ()>;

    /// A session's row.
    fn session(&self, id: &str) -> StoreFuture<'_, Option<SessionRow>>;

    /// A session's events, in order.
    fn events(&self, id: &str) -> StoreFuture<'_, Vec<EventRow>>;

    /// Sessions waiting for a tool result, last written before `before` (µs).
    fn waiting_for_tools(&self, before: i64) -> StoreFuture<'_, Vec<String>>;

    /// Runs one statement on the side tables (external events, shipments,
    /// the KPI queries over `sessions`): portable SQL with `$1`, `$2`, …
    /// placeholders, BIGINT and TEXT values; returns the rows. Statements
    /// are constants (`&'static str`), so no request text becomes SQL.
    fn sql(
        &self,
        statement: &'static str,
        params: Vec<SqlValue>,
    ) -> StoreFuture<'_, Vec<Vec<SqlValue>>>;
}

/// A value of a side-table statement ([`Store::sql`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SqlValue {
    /// NULL (only in results: parameters are never NULL, write `NULLIF`).
    Null,
    /// A BIGINT.
    Int(i64),
    /// TEXT.
    Text(String),
}

impl SqlValue {
    /// The integer, if it is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            SqlValue::Int(value) => Some(*value),
            _ => None,
        }
    }

    /// The text, if it is text.
    pub fn text(&self) -> Option<&str> {
        match self {
            SqlValue::Text(value) => Some(value),
            _ => None,
        }
    }
}

impl From<i64> for SqlValue {
    fn from(value: i64) -> SqlValue {
        SqlValue::Int(value)
    }
}

impl From<&str> for SqlValue {
    fn from(value: &str) -> SqlValue {
        SqlValue::Text(value.to_string())
    }
}

impl From<String> for SqlValue {
    fn from(value: String) -> SqlValue {
        SqlValue::Text(value)
    }
}

/// The schema, shared by both backends (types both understand).
pub(crate) const TABLES: &[&str] = &[
    crate::triggers::EXTERNAL_EVENTS_TABLE,
    crate::monitor::SHIPMENTS_TABLE,
    crate::handoff::HANDOFFS_TABLE,
    crate::kpis::UNMAPPED_CODES_TABLE,
    "CREATE TABLE IF NOT EXISTS policies (
        name TEXT NOT NULL,
        version BIGINT NOT NULL,
        hash TEXT NOT NULL,
        artifact TEXT NOT NULL,
        deployed_at BIGINT NOT NULL,
        PRIMARY KEY (name, version))",
    "CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        policy TEXT NOT NULL,
        version BIGINT NOT NULL,
        hash TEXT NOT NULL,
        channel TEXT NOT NULL,
        customer TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        today TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        phase TEXT NOT NULL,
        node TEXT NOT NULL,
        outcome TEXT,
        origin TEXT,
        wake_at BIGINT)",
    // Partial: a turn that does not enter or leave a tool wait leaves it alone.
    "CREATE INDEX IF NOT EXISTS sessions_waiting_for_tools ON sessions (updated_at)
        WHERE phase = 'waiting_for_tool'",
    // A customer's sessions: live-session lookups, channel continuity, KPIs.
    "CREATE INDEX IF NOT EXISTS sessions_by_customer ON sessions (customer, created_at)",
    "CREATE TABLE IF NOT EXISTS events (
        session_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        at BIGINT NOT NULL,
        line TEXT NOT NULL,
        PRIMARY KEY (session_id, seq))",
];

/// The columns of `sessions`, in the order the backends bind them.
pub(crate) const SESSION_COLUMNS: &str = "id, policy, version, hash, channel, customer, token_hash, today, created_at, updated_at, seq, phase, node, outcome, origin, wake_at";

/// Changes to tables an older keel created; each may fail harmlessly
/// (the column is there already), so errors are ignored.
/// They run after [`TABLES`].
pub(crate) const MIGRATIONS: &[&str] = &[
    "ALTER TABLE sessions ADD COLUMN wake_at BIGINT",
    // Why an event started nothing (channel not served, invalid data, …).
    "ALTER TABLE external_events ADD COLUMN detail TEXT",
    // The timer sweep looks only at sessions waiting for a timer.
    "CREATE INDEX IF NOT EXISTS sessions_waiting_for_timers ON sessions (wake_at)
        WHERE phase = 'waiting_for_timer'",
];
