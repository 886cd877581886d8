//! Durable timers: a session that waits (`follow up after 24 hours`) is
//! stored as `phase = 'waiting_for_timer'` with its `wake_at`, in the same
//! commit as the event that set the timer, so a timer is never lost.
//! [`fire_due`] — run by `keel serve`'s sweep, in any process, after any
//! restart — wakes each due session with [`Event::TimerFired`].
//!
//! **Exactly once.** The engine accepts a `TimerFired` only for the timer
//! the session waits for (its id), and the store accepts the commit only
//! from the sequence number the firing process read: two processes firing
//! the same timer, or a retry after a crash, find the session no longer
//! waiting for it (or get a conflict) and do nothing.

use crate::App;
use crate::clock::date_of;
use crate::error::ApiError;
use crate::sessions::{self, Live};
use crate::store::SqlValue;
use keel_runtime::{Event, Phase, TimerFired};

/// Fires every timer due by now; returns how many sessions woke.
pub(crate) async fn fire_due(app: &App) -> Result<usize, ApiError> {
    let now = app.clock.now_micros();
    let due = app
        .store
        .sql(
            "SELECT id FROM sessions WHERE phase = 'waiting_for_timer' AND wake_at <= $1
             ORDER BY wake_at, id LIMIT 500",
            vec![SqlValue::Int(now)],
        )
        .await?;
    let mut woke = 0;
    for row in due {
        let Some(id) = row.first().and_then(SqlValue::text) else {
            continue;
        };
        // A session busy with a message now is fired by the next sweep.
        let Ok(mut guard) = app.sessions.try_lock(id) else {
            continue;
        };
        // Always from the store: another process may have fired it.
        *guard = Live::load(app, id).await?;
        let Some(live) = guard.as_mut() else {
            continue;
        };
        let due_now = live.row.wake_at.is_some_and(|wake_at| wake_at <= now);
        if live.session().phase() != Phase::WaitingForTimer || !due_now {
            continue;
        }
        let fired = Event::TimerFired(TimerFired {
            timer: live.session().pending_id(),
            today: Some(date_of(now).iso()),
        });
        match sessions::run(app, live, Some(fired), false).await {
            Ok(_) => woke += 1,
            // Another process fired it first: nothing to do.
            Err(error) if error.code == "stale" => {}
            Err(error) => return Err(error),
        }
        if live.session().is_finished() {
            drop(guard);
            app.sessions.forget(id);
        }
    }
    Ok(woke)
}
