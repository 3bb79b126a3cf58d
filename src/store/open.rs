//! Opening, creating and closing a durable [`IdentityStore`].

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::db;
use super::durable::{self, connect, store_error, Durability, Durable, StoreOptions};
use super::state::State;
use super::IdentityStore;
use crate::error::{Error, Result};
use crate::settings::Settings;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const SNAPSHOT_MAGIC: &[u8; 8] = b"LNKSTORE";

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Syncs a file and the directory holding it (so a rename is durable).
fn sync_file_and_dir(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Directories cannot be synced everywhere; where they can, do.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

impl IdentityStore {
    /// Opens a durable store: an SQLite database (WAL mode) written by
    /// [`IdentityStore::create`] or [`IdentityStore::persist`].
    ///
    /// - Every `add`, `update` and `remove` is one transaction (the
    ///   record, its identities, its events), committed before the call
    ///   returns; changes from several threads that queue up during a
    ///   commit share the next one (group commit). `options.durability`
    ///   says whether a commit is synced to disk.
    /// - One writer at a time: opening for writing takes a lock on
    ///   `<path>.lock`; a second writer gets [`Error::StoreLocked`].
    ///   Read-only opens ([`StoreOptions::read_only`]) take no lock:
    ///   they hold the store as it was when opened for `match_record`
    ///   and lookups, and read the event log live.
    /// - Opening a snapshot file (written by [`IdentityStore::save`])
    ///   imports it: the database replaces it under the same path and the
    ///   snapshot is kept beside it as `<path>.snapshot`.
    /// - A removed record's values are erased from the file:
    ///   `secure_delete` overwrites them with zeros, and a truncating
    ///   checkpoint after the commit leaves no older copy in the log.
    /// - A file that is not a store, truncated, corrupt or inconsistent is
    ///   an [`Error::StoreFile`]; nothing half-read is returned.
    pub fn open(path: &Path, options: &StoreOptions) -> Result<IdentityStore> {
        let mut head = [0u8; 16];
        let n = {
            use std::io::Read;
            let mut f = std::fs::File::open(path).map_err(io(path))?;
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..]).map_err(io(path))? {
                    0 => break,
                    k => n += k,
                }
            }
            n
        };
        if n >= 8 && &head[..8] == SNAPSHOT_MAGIC {
            if options.read_only {
                return IdentityStore::load(path);
            }
            return IdentityStore::import(path, options);
        }
        if n < 16 || &head != SQLITE_MAGIC {
            return Err(store_error(
                path,
                "not a linkage store (neither a store database nor a snapshot)".into(),
            ));
        }
        let lock = if options.read_only {
            None
        } else {
            Some(durable::lock(path)?)
        };
        let mut conn = connect(path, options).map_err(|r| store_error(path, r))?;
        let (state, keys_used) = db::read(&conn).map_err(|r| store_error(path, r))?;
        if !keys_used && !options.read_only {
            db::rewrite_keys(&mut conn, &state).map_err(|r| store_error(path, r))?;
        }
        IdentityStore::start(path, state, conn, options, lock)
    }

    /// Creates an empty durable store using a trained model; the file
    /// must not exist yet.
    pub fn create(
        path: &Path,
        settings: Settings,
        options: &StoreOptions,
    ) -> Result<IdentityStore> {
        IdentityStore::new(settings)?.persist(path, options)
    }

    /// Writes this in-memory store (from [`IdentityStore::new`],
    /// [`IdentityStore::from_resolution`] or [`IdentityStore::load`]) into
    /// a new database at `path` and returns it as a durable store. The
    /// database is written beside the path and renamed into place once
    /// complete, so a crash never leaves half a store under the name.
    pub fn persist(self, path: &Path, options: &StoreOptions) -> Result<IdentityStore> {
        if self.durable.is_some() {
            return Err(store_error(
                path,
                "the store is already durable (save it and open the snapshot to copy it)".into(),
            ));
        }
        if options.read_only {
            return Err(store_error(path, "a new store cannot be read-only".into()));
        }
        if path.exists() {
            return Err(store_error(path, "the file exists already".into()));
        }
        let lock = durable::lock(path)?;
        self.write_new_at(path, options, lock)
    }

    /// Imports a snapshot file into a database under the same path.
    fn import(path: &Path, options: &StoreOptions) -> Result<IdentityStore> {
        let lock = durable::lock(path)?;
        let store = IdentityStore::load(path)?;
        let backup = sibling(path, ".snapshot");
        std::fs::copy(path, &backup).map_err(io(&backup))?;
        sync_file_and_dir(&backup)?;
        store.write_new_at(path, options, lock)
    }

    /// Writes the whole store into `<path>.creating`, renames it to
    /// `path` (replacing what is there) and starts the durable store.
    fn write_new_at(
        self,
        path: &Path,
        options: &StoreOptions,
        lock: Connection,
    ) -> Result<IdentityStore> {
        let mut state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let tmp = sibling(path, ".creating");
        for stale in [tmp.clone(), sibling(&tmp, "-wal"), sibling(&tmp, "-shm")] {
            if stale.exists() {
                std::fs::remove_file(&stale).map_err(io(&stale))?;
            }
        }
        {
            let mut conn = Connection::open(&tmp).map_err(|e| store_error(&tmp, e.to_string()))?;
            db::configure(&conn, options.durability == Durability::Full)
                .map_err(|r| store_error(&tmp, r))?;
            let events = std::mem::take(&mut state.data.events);
            db::write_all(&mut conn, &state, &events).map_err(|r| store_error(&tmp, r))?;
            state.data.event_base += events.len() as u64;
            db::scrub(&conn).map_err(|r| store_error(&tmp, r))?;
            conn.close()
                .map_err(|(_, e)| store_error(&tmp, e.to_string()))?;
        }
        sync_file_and_dir(&tmp)?;
        std::fs::rename(&tmp, path).map_err(io(path))?;
        sync_file_and_dir(path)?;
        let conn = connect(path, options).map_err(|r| store_error(path, r))?;
        IdentityStore::start(path, state, conn, options, Some(lock))
    }

    fn start(
        path: &Path,
        state: State,
        conn: Connection,
        options: &StoreOptions,
        lock: Option<Connection>,
    ) -> Result<IdentityStore> {
        let sources = state.data.sources.len();
        let durable = Durable::start(path, conn, options, lock, sources)?;
        Ok(IdentityStore {
            state: std::sync::RwLock::new(state),
            durable: Some(durable),
        })
    }

    /// The database file of a durable store (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.durable.as_ref().map(|d| d.path.as_path())
    }

    /// Closes the store: waits for queued changes to commit, checkpoints
    /// the write-ahead log into the file and releases the writer lock.
    /// Dropping the store does the same but cannot report an error.
    pub fn close(mut self) -> Result<()> {
        match self.durable.take() {
            Some(mut d) => d.close(),
            None => Ok(()),
        }
    }
}
