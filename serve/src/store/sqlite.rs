//! The embedded store: one SQLite file in WAL mode.
//!
//! All writes go to one writer thread, which takes whatever commits are
//! queued (up to [`MAX_BATCH`]) and writes them in one transaction: group
//! commit, so a burst of turns costs one `fsync` (`synchronous = FULL`:
//! a commit is on disk before its caller hears back). Reads use a small
//! pool of their own connections, which WAL lets run beside the writer.
//! Checkpoints (copying the WAL back into the database file) run on a
//! thread of their own, so a commit rarely waits for one; once a second the
//! writer finishes the last few frames itself, which lets SQLite start the
//! WAL file over and keeps it small.

use super::{
    Commit, EventRow, NewPolicy, PolicyVersion, SESSION_COLUMNS, SessionRow, Store, StoreError,
    StoreFuture, TABLES,
};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::oneshot;

/// The most commits written in one transaction.
const MAX_BATCH: usize = 512;

/// How often the checkpointer copies the WAL into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// How often the writer finishes a checkpoint itself (see [`writer`]).
const WRITER_CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Read connections kept open.
const READERS: usize = 4;

/// Refuses to change the event log, at the database.
const TRIGGERS: &[&str] = &[
    "CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
     BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
     BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END",
];

enum Write {
    Commit(Box<Commit>, oneshot::Sender<Result<(), StoreError>>),
    Deploy(
        NewPolicy,
        oneshot::Sender<Result<PolicyVersion, StoreError>>,
    ),
}

/// SQLite behind the [`Store`] trait.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<mpsc::Sender<Write>>,
    readers: Arc<Mutex<Vec<Connection>>>,
}

fn database(error: rusqlite::Error) -> StoreError {
    StoreError::Database(format!("sqlite: {error}"))
}

fn open(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open(path).map_err(database)?;
    connection
        .busy_timeout(std::time::Duration::from_secs(5))
        .map_err(database)?;
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .map_err(database)?;
    connection
        .pragma_update(None, "synchronous", "FULL")
        .map_err(database)?;
    Ok(connection)
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let connection = open(path)?;
        for statement in TABLES.iter().chain(TRIGGERS) {
            connection.execute(statement, []).map_err(database)?;
        }
        for statement in super::MIGRATIONS {
            // The column may be there already.
            let _ = connection.execute(statement, []);
        }
        connection
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(database)?;
        // When the WAL starts over, cut the file back to this size.
        connection
            .pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)
            .map_err(database)?;
        let checkpoints = open(path)?;
        let (sender, receiver) = mpsc::channel();
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("keel-sqlite-writer".to_string())
            .spawn(move || {
                writer(connection, receiver);
                drop(stop);
            })
            .map_err(|error| StoreError::Database(format!("cannot start the writer: {error}")))?;
        std::thread::Builder::new()
            .name("keel-sqlite-checkpoints".to_string())
            .spawn(move || checkpointer(&checkpoints, &stopped))
            .map_err(|error| {
                StoreError::Database(format!("cannot start the checkpointer: {error}"))
            })?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(sender),
            readers: Arc::new(Mutex::new(Vec::new())),
        })
    }

    fn send(&self, write: Write) -> Result<(), StoreError> {
        self.writer
            .lock()
            .map_err(|_| StoreError::Database("the writer lock is poisoned".to_string()))?
            .send(write)
            .map_err(|_| StoreError::Database("the writer thread stopped".to_string()))
    }

    /// Runs `read` on a pooled read connection, off the async threads.
    fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    ) -> StoreFuture<'_, T> {
        let readers = Arc::clone(&self.readers);
        let path = self.path.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let pooled = readers.lock().ok().and_then(|mut pool| pool.pop());
                let connection = match pooled {
                    Some(connection) => connection,
                    None => open(&path)?,
                };
                let result = read(&connection).map_err(database);
                if let Ok(mut pool) = readers.lock() {
                    if pool.len() < READERS {
                        pool.push(connection);
                    }
                }
                result
            })
            .await
            .map_err(|error| StoreError::Database(format!("a read task failed: {error}")))?
        })
    }
}

async fn answer<T>(receiver: oneshot::Receiver<Result<T, StoreError>>) -> Result<T, StoreError> {
    receiver
        .await
        .map_err(|_| StoreError::Database("the writer thread stopped".to_string()))?
}

impl Store for SqliteStore {
    fn deploy(&self, policy: NewPolicy) -> StoreFuture<'_, PolicyVersion> {
        let (sender, receiver) = oneshot::channel();
        let sent = self.send(Write::Deploy(policy, sender));
        Box::pin(async move {
            sent?;
            answer(receiver).await
        })
    }

    fn policies(&self) -> StoreFuture<'_, Vec<PolicyVersion>> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT name, version, hash, deployed_at FROM policies ORDER BY name, version",
            )?;
            let rows = statement.query_map([], policy_version)?;
            rows.collect()
        })
    }

    fn latest(&self, name: &str) -> StoreFuture<'_, Option<PolicyVersion>> {
        let name = name.to_string();
        self.read(move |connection| latest(connection, &name))
    }

    fn artifact(&self, hash: &str) -> StoreFuture<'_, Option<String>> {
        let hash = hash.to_string();
        self.read(move |connection| {
            connection
                .prepare_cached("SELECT artifact FROM policies WHERE hash = ?1 LIMIT 1")?
                .query_row([hash], |row| row.get(0))
                .optional()
        })
    }

    fn commit(&self, commit: Commit) -> StoreFuture<'_, ()> {
        let (sender, receiver) = oneshot::channel();
        let sent = self.send(Write::Commit(Box::new(commit), sender));
        Box::pin(async move {
            sent?;
            answer(receiver).await
        })
    }

    fn session(&self, id: &str) -> StoreFuture<'_, Option<SessionRow>> {
        let id = id.to_string();
        self.read(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"
                ))?
                .query_row([id], session_row)
                .optional()
        })
    }

    fn events(&self, id: &str) -> StoreFuture<'_, Vec<EventRow>> {
        let id = id.to_string();
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT seq, at, line FROM events WHERE session_id = ?1 ORDER BY seq",
            )?;
            let rows = statement.query_map([id], |row| {
                Ok(EventRow {
                    seq: row.get(0)?,
                    at: row.get(1)?,
                    line: row.get(2)?,
                })
            })?;
            rows.collect()
        })
    }

    fn sql(
        &self,
        statement: &'static str,
        params: Vec<super::SqlValue>,
    ) -> StoreFuture<'_, Vec<Vec<super::SqlValue>>> {
        // Side-table writes are few (webhooks, event records): they take
        // SQLite's write lock on a pooled connection, beside the writer.
        self.read(move |connection| {
            use super::SqlValue;
            let mut prepared = connection.prepare_cached(&numbered(statement))?;
            let values: Vec<rusqlite::types::Value> = params.iter().map(sqlite_value).collect();
            let columns = prepared.column_count();
            let mut rows = prepared.query(rusqlite::params_from_iter(values))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let mut values = Vec::with_capacity(columns);
                for index in 0..columns {
                    values.push(match row.get_ref(index)? {
                        rusqlite::types::ValueRef::Integer(int) => SqlValue::Int(int),
                        rusqlite::types::ValueRef::Real(real) => SqlValue::Int(real as i64),
                        rusqlite::types::ValueRef::Text(text) => {
                            SqlValue::Text(String::from_utf8_lossy(text).into_owned())
                        }
                        rusqlite::types::ValueRef::Null | rusqlite::types::ValueRef::Blob(_) => {
                            SqlValue::Null
                        }
                    });
                }
                out.push(values);
            }
            Ok(out)
        })
    }

    fn waiting_for_tools(&self, before: i64) -> StoreFuture<'_, Vec<String>> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT id FROM sessions WHERE phase = 'waiting_for_tool' AND updated_at < ?1 ORDER BY id",
            )?;
            let rows = statement.query_map([before], |row| row.get(0))?;
            rows.collect()
        })
    }
}

/// A side-table value as SQLite binds it.
fn sqlite_value(value: &super::SqlValue) -> rusqlite::types::Value {
    match value {
        super::SqlValue::Null => rusqlite::types::Value::Null,
        super::SqlValue::Int(int) => rusqlite::types::Value::Integer(*int),
        super::SqlValue::Text(text) => rusqlite::types::Value::Text(text.clone()),
    }
}

/// `$1` → `?1`: SQLite binds numbered parameters by number only as `?N`.
fn numbered(statement: &str) -> String {
    statement.replace('$', "?")
}

fn policy_version(row: &rusqlite::Row<'_>) -> Result<PolicyVersion, rusqlite::Error> {
    Ok(PolicyVersion {
        name: row.get(0)?,
        version: row.get(1)?,
        hash: row.get(2)?,
        deployed_at: row.get(3)?,
    })
}

fn latest(connection: &Connection, name: &str) -> Result<Option<PolicyVersion>, rusqlite::Error> {
    connection
        .prepare_cached(
            "SELECT name, version, hash, deployed_at FROM policies WHERE name = ?1 ORDER BY version DESC LIMIT 1",
        )?
        .query_row([name], policy_version)
        .optional()
}

fn session_row(row: &rusqlite::Row<'_>) -> Result<SessionRow, rusqlite::Error> {
    Ok(SessionRow {
        id: row.get(0)?,
        policy: row.get(1)?,
        version: row.get(2)?,
        hash: row.get(3)?,
        channel: row.get(4)?,
        customer: row.get(5)?,
        token_hash: row.get(6)?,
        today: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
        seq: row.get(10)?,
        phase: row.get(11)?,
        node: row.get(12)?,
        outcome: row.get(13)?,
        origin: row.get(14)?,
        wake_at: row.get(15)?,
    })
}

/// Copies committed WAL frames into the database file until the writer
/// stops; a busy or failed checkpoint is simply tried again later.
fn checkpointer(connection: &Connection, stopped: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
        let _ = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
    let _ = connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

/// The writer thread: group commit until every sender is gone.
fn writer(mut connection: Connection, receiver: mpsc::Receiver<Write>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut last_checkpoint = std::time::Instant::now();
    while let Ok(first) = receiver.recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(write) => batch.push(write),
                Err(_) => break,
            }
        }
        write_batch(&mut connection, &mut batch);
        if last_checkpoint.elapsed() >= WRITER_CHECKPOINT_EVERY {
            // The checkpointer has copied all but the last moments; finishing
            // here, between batches (waiting for it and for readers if need
            // be), makes the next batch start the WAL over, so the file stays
            // small under constant load.
            let _ = connection.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
            last_checkpoint = std::time::Instant::now();
        }
    }
}

enum Done {
    Commit(Result<(), StoreError>),
    Deploy(Result<PolicyVersion, StoreError>),
}

fn write_batch(connection: &mut Connection, batch: &mut Vec<Write>) {
    let mut done = Vec::with_capacity(batch.len());
    let result = (|| -> Result<(), rusqlite::Error> {
        let transaction = connection.transaction()?;
        for write in batch.iter() {
            done.push(match write {
                Write::Commit(commit, _) => Done::Commit(apply_commit(&transaction, commit)?),
                Write::Deploy(policy, _) => Done::Deploy(Ok(apply_deploy(&transaction, policy)?)),
            });
        }
        transaction.commit()
    })()
    .map_err(|error| error.to_string());
    for (index, write) in batch.drain(..).enumerate() {
        let outcome = match &result {
            Ok(()) => done.get(index),
            Err(_) => None,
        };
        match write {
            Write::Commit(_, sender) => {
                let answer = match outcome {
                    Some(Done::Commit(answer)) => answer.clone(),
                    _ => Err(batch_error(&result)),
                };
                let _ = sender.send(answer);
            }
            Write::Deploy(_, sender) => {
                let answer = match outcome {
                    Some(Done::Deploy(answer)) => answer.clone(),
                    _ => Err(batch_error(&result)),
                };
                let _ = sender.send(answer);
            }
        }
    }
}

fn batch_error(result: &Result<(), String>) -> StoreError {
    match result {
        Err(error) => StoreError::Database(format!("sqlite: {error}")),
        Ok(()) => StoreError::Database("the batch lost an answer".to_string()),
    }
}

/// Applies one commit inside the batch's transaction; a conflict fails
/// only this commit, a database error the whole batch.
fn apply_commit(
    transaction: &rusqlite::Transaction<'_>,
    commit: &Commit,
) -> Result<Result<(), StoreError>, rusqlite::Error> {
    let row = &commit.session;
    let changed = match commit.expected_seq {
        None => transaction
            .prepare_cached(&format!(
                "INSERT OR IGNORE INTO sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))?
            .execute(params![
                row.id,
                row.policy,
                row.version,
                row.hash,
                row.channel,
                row.customer,
                row.token_hash,
                row.today,
                row.created_at,
                row.updated_at,
                row.seq,
                row.phase,
                row.node,
                row.outcome,
                row.origin,
                row.wake_at
            ])?,
        Some(expected) => transaction
            .prepare_cached(
                "UPDATE sessions SET updated_at = ?2, seq = ?3, phase = ?4, node = ?5, outcome = ?6, wake_at = ?8 WHERE id = ?1 AND seq = ?7",
            )?
            .execute(params![
                row.id,
                row.updated_at,
                row.seq,
                row.phase,
                row.node,
                row.outcome,
                expected,
                row.wake_at
            ])?,
    };
    if changed != 1 {
        return Ok(Err(StoreError::Conflict));
    }
    let mut insert = transaction
        .prepare_cached("INSERT INTO events (session_id, seq, at, line) VALUES (?1, ?2, ?3, ?4)")?;
    for event in &commit.events {
        insert.execute(params![row.id, event.seq, event.at, event.line])?;
    }
    for side in &commit.side {
        transaction
            .prepare_cached(&numbered(side.statement))?
            .execute(rusqlite::params_from_iter(
                side.params.iter().map(sqlite_value),
            ))?;
    }
    Ok(Ok(()))
}

fn apply_deploy(
    transaction: &rusqlite::Transaction<'_>,
    policy: &NewPolicy,
) -> Result<PolicyVersion, rusqlite::Error> {
    let current = latest(transaction, &policy.name)?;
    if let Some(current) = &current {
        if current.hash == policy.hash {
            return Ok(current.clone());
        }
    }
    let version = current.map_or(1, |current| current.version + 1);
    transaction
        .prepare_cached(
            "INSERT INTO policies (name, version, hash, artifact, deployed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            policy.name,
            version,
            policy.hash,
            policy.artifact,
            policy.deployed_at
        ])?;
    Ok(PolicyVersion {
        name: policy.name.clone(),
        version,
        hash: policy.hash.clone(),
        deployed_at: policy.deployed_at,
    })
}
