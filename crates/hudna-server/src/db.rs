//! A small pool of SQLite connections used from tokio's blocking threads.
//!
//! rusqlite calls block, so a handler hands its query to [`Pool::run`], which waits for one
//! of the pool's connections to be free, runs the closure with it on a blocking thread and
//! puts it back. The wait is asynchronous (a semaphore with one permit per connection), so
//! under load requests queue on the event loop instead of piling up blocking threads that
//! would each open a connection of their own — opening one (schema check, pragmas) costs far
//! more than a query. SQLite in WAL mode lets the readers run side by side while one writer
//! commits; writers wait for each other through SQLite's own busy timeout.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hudna_store::{SqliteStore, StoreError};

use crate::error::ApiError;

/// Open connections to one database file.
#[derive(Debug)]
pub struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<SqliteStore>>,
    keep: usize,
    permits: tokio::sync::Semaphore,
}

impl Pool {
    /// Opens the database (migrating it) and `keep` connections.
    pub fn open(path: &Path, keep: usize) -> Result<Pool, StoreError> {
        let keep = keep.max(1);
        let mut idle = Vec::with_capacity(keep);
        for _ in 0..keep {
            idle.push(SqliteStore::open(path)?);
        }
        Ok(Pool {
            path: path.to_path_buf(),
            idle: Mutex::new(idle),
            keep,
            permits: tokio::sync::Semaphore::new(keep),
        })
    }

    fn take(&self) -> Result<SqliteStore, StoreError> {
        let popped = match self.idle.lock() {
            Ok(mut idle) => idle.pop(),
            Err(poisoned) => poisoned.into_inner().pop(),
        };
        match popped {
            Some(s) => Ok(s),
            None => SqliteStore::open(&self.path),
        }
    }

    fn give_back(&self, store: SqliteStore) {
        let mut idle = match self.idle.lock() {
            Ok(idle) => idle,
            Err(poisoned) => poisoned.into_inner(),
        };
        if idle.len() < self.keep {
            idle.push(store);
        }
    }

    /// Runs `f` with a connection on the calling thread (start-up, tests).
    pub fn with_sync<T>(
        &self,
        f: impl FnOnce(&mut SqliteStore) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut store = self.take()?;
        let out = f(&mut store);
        self.give_back(store);
        out
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, F>(self: &std::sync::Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::internal(format!("the connection pool is closed: {e}")))?;
        let pool = self.clone();
        let out = tokio::task::spawn_blocking(move || {
            let mut store = pool.take().map_err(ApiError::from)?;
            let out = f(&mut store);
            pool.give_back(store);
            out
        })
        .await
        .map_err(|e| ApiError::internal(format!("a database task failed: {e}")))?;
        drop(permit);
        out
    }
}
