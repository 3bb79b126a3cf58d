//! The durable store's machinery around its database: the writer lock,
//! the writer thread that commits changes (grouping those that queue up
//! while a commit runs into one transaction), and the read connection.
//!
//! A change is decided in memory under the store's write lock, its rows
//! are queued in that same order, and the caller waits until the writer
//! thread reports their transaction committed; only then does `add`,
//! `update` or `remove` return. A third thread checkpoints the
//! write-ahead log into the main file (passively, beside the commits)
//! every [`CHECKPOINT_EVERY`] commits, so no caller waits for one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Mutex;
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use super::db::{self, ChangeRows, Reason};
use super::event::LoggedEvent;
use crate::error::{Error, Result};

/// When a commit counts as done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// Each commit is synced to disk before it returns (`synchronous =
    /// FULL`): it survives a power cut.
    Full,
    /// Commits go to the write-ahead log without a sync (`synchronous =
    /// NORMAL`): a commit survives the process being killed, not a power
    /// cut or a kernel crash (the last commits may then be lost, never
    /// half of one).
    #[default]
    Normal,
}

/// How to open a durable store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoreOptions {
    /// When a change counts as committed.
    pub durability: Durability,
    /// Open for reading only: no writer lock is taken (another process
    /// may be writing), and `add`, `update`, `remove` are refused.
    pub read_only: bool,
}

impl StoreOptions {
    /// Read-only options.
    pub fn read_only() -> StoreOptions {
        StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        }
    }

    /// Writable options with this durability.
    pub fn durability(durability: Durability) -> StoreOptions {
        StoreOptions {
            durability,
            read_only: false,
        }
    }
}

/// The writer lock's file beside the database.
pub(crate) fn lock_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// Takes the writer lock: an exclusive transaction held open on a small
/// SQLite file `<path>.lock` (SQLite's file locks: released by the OS when
/// the process dies, however it dies, and honoured between connections
/// of one process too).
pub(crate) fn lock(path: &Path) -> Result<Connection> {
    let lp = lock_path(path);
    let fail = |e: rusqlite::Error| store_error(&lp, format!("the writer lock: {e}"));
    let conn = Connection::open(&lp).map_err(fail)?;
    conn.busy_timeout(std::time::Duration::ZERO).map_err(fail)?;
    match conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;") {
        Ok(()) => Ok(conn),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ) =>
        {
            Err(Error::StoreLocked {
                path: path.to_path_buf(),
            })
        }
        Err(e) => Err(fail(e)),
    }
}

/// Opens a connection to an existing database.
pub(crate) fn connect(
    path: &Path,
    options: &StoreOptions,
) -> std::result::Result<Connection, Reason> {
    let flags = if options.read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(|e| format!("{e}"))?;
    if options.read_only {
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| format!("{e}"))?;
    } else {
        db::configure(&conn, options.durability == Durability::Full)?;
    }
    Ok(conn)
}

struct Job {
    rows: ChangeRows,
    done: SyncSender<std::result::Result<(), Reason>>,
}

/// An open database: the writer thread (absent when read-only) and a
/// connection for reads.
pub(crate) struct Durable {
    pub path: PathBuf,
    reader: Mutex<Connection>,
    queue: Option<SyncSender<Job>>,
    writer: Option<JoinHandle<std::result::Result<(), Reason>>>,
    failed: std::sync::Arc<AtomicBool>,
    /// Sources already written (a source is written with the first change
    /// after it is registered).
    pub sources_written: std::sync::atomic::AtomicUsize,
    /// The writer lock's connection (in a mutex only to be `Sync`).
    _lock: Option<Mutex<Connection>>,
}

impl std::fmt::Debug for Durable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Durable")
            .field("path", &self.path)
            .field("read_only", &self.queue.is_none())
            .finish()
    }
}

/// Changes committed in one transaction at most.
const MAX_BATCH: usize = 512;

/// Commits between two checkpoints.
pub(crate) const CHECKPOINT_EVERY: usize = 500;

impl Durable {
    /// Starts the writer thread over `conn` (`lock`: the writer lock,
    /// `None` for a read-only store).
    pub fn start(
        path: &Path,
        conn: Connection,
        options: &StoreOptions,
        lock: Option<Connection>,
        sources_written: usize,
    ) -> Result<Durable> {
        let reader = connect(
            path,
            &StoreOptions {
                read_only: true,
                ..options.clone()
            },
        )
        .map_err(|reason| store_error(path, reason))?;
        let failed = std::sync::Arc::new(AtomicBool::new(false));
        let (queue, writer) = if options.read_only {
            drop(conn);
            (None, None)
        } else {
            let (tx, rx) = mpsc::sync_channel::<Job>(4 * MAX_BATCH);
            let flag = failed.clone();
            let checkpoints = connect(path, options).map_err(|reason| store_error(path, reason))?;
            let handle = std::thread::Builder::new()
                .name("linkage-store-writer".into())
                .spawn(move || {
                    let (nudge, nudged) = mpsc::sync_channel::<()>(1);
                    // Ends when the writer drops its end.
                    let checkpointer = std::thread::spawn(move || {
                        while nudged.recv().is_ok() {
                            let _ = db::checkpoint(&checkpoints);
                        }
                    });
                    let result = writer_loop(conn, rx, flag, nudge);
                    let _ = checkpointer.join();
                    result
                })
                .map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
            (Some(tx), Some(handle))
        };
        Ok(Durable {
            path: path.to_path_buf(),
            reader: Mutex::new(reader),
            queue,
            writer,
            failed,
            sources_written: sources_written.into(),
            _lock: lock.map(Mutex::new),
        })
    }

    /// True for the process holding the writer lock.
    pub fn is_writer(&self) -> bool {
        self.queue.is_some()
    }

    /// Refuses changes on a read-only store or after a failed commit.
    pub fn check_writable(&self) -> Result<()> {
        if self.queue.is_none() {
            return Err(store_error(
                &self.path,
                "the store is open read-only".into(),
            ));
        }
        if self.failed.load(Ordering::SeqCst) {
            return Err(store_error(
                &self.path,
                "an earlier commit failed; the store refuses changes until it is opened again"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Queues rows (call under the store's write lock, so the queue keeps
    /// the order of the changes) and returns what to wait on.
    pub fn enqueue(&self, rows: ChangeRows) -> Result<Receiver<std::result::Result<(), Reason>>> {
        let (done, wait) = mpsc::sync_channel(1);
        let queue = self
            .queue
            .as_ref()
            .ok_or_else(|| store_error(&self.path, "the store is open read-only".into()))?;
        queue.send(Job { rows, done }).map_err(|_| {
            self.failed.store(true, Ordering::SeqCst);
            store_error(&self.path, "the store's writer has stopped".into())
        })?;
        Ok(wait)
    }

    /// Waits for a queued change's commit.
    pub fn wait(&self, wait: Receiver<std::result::Result<(), Reason>>) -> Result<()> {
        match wait.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(store_error(&self.path, reason)),
            Err(_) => Err(store_error(
                &self.path,
                "the store's writer stopped before committing".into(),
            )),
        }
    }

    /// Runs `f` on the read connection.
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&Connection) -> std::result::Result<T, Reason>,
    ) -> Result<T> {
        let conn = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn).map_err(|reason| store_error(&self.path, reason))
    }

    /// Events from `since` on, at most `limit`.
    pub fn events(&self, since: u64, limit: usize) -> Result<Vec<LoggedEvent>> {
        self.with_reader(|c| db::events(c, since, limit))
    }

    /// Stops the writer after the queued changes, checkpoints and empties
    /// the write-ahead log.
    pub fn close(&mut self) -> Result<()> {
        self.queue = None;
        match self.writer.take().map(JoinHandle::join) {
            None => Ok(()),
            Some(Ok(r)) => r.map_err(|reason| store_error(&self.path, reason)),
            Some(Err(_)) => Err(store_error(&self.path, "the store's writer failed".into())),
        }
    }
}

impl Drop for Durable {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

pub(crate) fn store_error(path: &Path, reason: Reason) -> Error {
    Error::StoreFile {
        path: path.to_path_buf(),
        reason,
    }
}

/// Commits queued changes: each transaction takes every change queued by
/// the time it starts (group commit), so concurrent writers share one
/// commit (and, with `Durability::Full`, one sync).
fn writer_loop(
    mut conn: Connection,
    rx: Receiver<Job>,
    failed: std::sync::Arc<AtomicBool>,
    checkpoint: SyncSender<()>,
) -> std::result::Result<(), Reason> {
    let mut scrub_pending = false;
    let mut commits = 0;
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let result = if failed.load(Ordering::SeqCst) {
            Err("an earlier commit failed; nothing more is written".into())
        } else {
            let batch: Vec<&ChangeRows> = jobs.iter().map(|j| &j.rows).collect();
            db::write(&mut conn, &batch)
        };
        if result.is_err() {
            failed.store(true, Ordering::SeqCst);
        } else {
            scrub_pending |= jobs.iter().any(|j| j.rows.scrub);
        }
        // A removal's bytes leave the file before its caller is told;
        // the other changes of the batch are answered first (a reader
        // elsewhere may hold the checkpoint off; it is retried after the
        // next commit and at close).
        let (removals, others): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|j| j.rows.scrub);
        for j in others {
            let _ = j.done.send(result.clone());
        }
        if scrub_pending && result.is_ok() {
            scrub_pending = !matches!(db::scrub(&conn), Ok(true));
        }
        for j in removals {
            let _ = j.done.send(result.clone());
        }
        commits += 1;
        if commits % CHECKPOINT_EVERY == 0 {
            // Full: one is still pending, which will do.
            let _ = checkpoint.try_send(());
        }
    }
    drop(checkpoint);
    if failed.load(Ordering::SeqCst) {
        return Ok(());
    }
    db::scrub(&conn).map(drop)
}
