//! hudna's HTTP server: one record, shown to each organisation as far as it may see it.
//!
//! Two faces over the same store and the same access rules:
//!
//! - the **JSON API** under `/api/v1` ([`api`]): incidents with filters and cursor
//!   pagination (JSON or GeoJSON), one incident with its sources, evidence spans and
//!   findings, articles with the evidence marked, truces and their terms, humanitarian
//!   notifications; described by the OpenAPI 3 document at `/api/v1/openapi.json`
//!   ([`openapi`]), with errors as `{"error", "field"}` and the right 4xx;
//! - the **dashboard** ([`pages`]): server-rendered HTML in English or Arabic (right to left),
//!   every label from hudna-i18n, the map drawn as SVG by hudna-map with its small script,
//!   a timeline per day, the incident page with each source's text and the evidence
//!   highlighted. All text from the record is escaped ([`html`]); the pages also carry a
//!   Content-Security-Policy that allows only hudna's own script.
//!
//! Who is calling ([`auth`]) comes from a session cookie (password sign-in, argon2id) or an
//! API token (`Authorization: Bearer hudna_…`); forms carry a CSRF token bound to the session,
//! and the sign-in form one bound to a pre-session cookie of its own ([`pages`]).
//! Every decision is hudna-access's `can_read`/`can`, and every change goes through the
//! store's audited write, so it lands in the hash-chained audit log with the user who made it.
//! What a row's own visibility does not settle — a truce file's notified sites, the findings
//! that name them, audit entries — is decided in [`visible`], for the API and the pages alike.
//!
//! The store is SQLite through rusqlite, which blocks: handlers run their queries on tokio's
//! blocking threads over a small pool of connections ([`db`]), so the event loop never waits
//! on the disk.

pub mod api;
pub mod auth;
pub mod db;
pub mod error;
pub mod html;
pub mod openapi;
pub mod pages;
pub mod query;
pub mod truces;
pub mod visible;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;

pub use error::ApiError;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The record's SQLite file.
    pub db: PathBuf,
    /// Mark cookies `Secure` (when served over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Database connections kept open for requests.
    pub connections: usize,
    /// How long a sign-in lasts, in seconds.
    pub session_seconds: i64,
    /// The theatre's actor codes, against which truces sent to the API are checked.
    pub actors: hudna_truce::ActorCodes,
}

impl Config {
    /// Defaults for a database file: 64 KiB bodies, 4 connections, 12-hour sessions.
    pub fn new(db: PathBuf) -> Config {
        Config {
            db,
            secure_cookies: false,
            body_limit: 64 * 1024,
            connections: 4,
            session_seconds: 12 * 3600,
            actors: hudna_truce::ActorCodes::default(),
        }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] hudna_store::StoreError),
    /// Binding or serving failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Bundled data (labels, basemap) could not be read: a broken build.
    #[error("bundled data: {0}")]
    Bundled(String),
}

/// Everything a request handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The database connections.
    pub db: Arc<db::Pool>,
    /// The CSRF key (kept in the database's settings).
    pub csrf: hudna_access::CsrfKey,
    /// The password hasher.
    pub passwords: hudna_access::Passwords,
    /// The interface's words.
    pub labels: &'static hudna_i18n::Labels,
    /// The theatre map.
    pub basemap: &'static hudna_map::Basemap,
    /// The configuration.
    pub config: Config,
    /// Stored truces already parsed, by their content: pages that hide notifications from a
    /// caller read every truce's terms on each request, and parsing its geometries took more
    /// than half of such a request's time.
    pub truces: truces::ParsedTruces,
}

/// The shared state, as handlers receive it.
pub type App = Arc<AppState>;

impl AppState {
    /// Opens the database (creating and migrating it if needed) and loads the bundled data.
    pub fn open(config: Config) -> Result<App, ServerError> {
        let db = Arc::new(db::Pool::open(&config.db, config.connections)?);
        let csrf = db.with_sync(|s| s.csrf_key())?;
        let labels =
            hudna_i18n::Labels::bundled().map_err(|e| ServerError::Bundled(e.to_string()))?;
        let basemap =
            hudna_map::Basemap::bundled().map_err(|e| ServerError::Bundled(e.to_string()))?;
        Ok(Arc::new(AppState {
            db,
            csrf,
            passwords: hudna_access::Passwords::default(),
            labels,
            basemap,
            config,
            truces: truces::ParsedTruces::default(),
        }))
    }
}

/// The whole application: API, dashboard and static files, with the body limit.
pub fn router(app: App) -> Router {
    let limit = app.config.body_limit;
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(truces::routes())
        .layer(DefaultBodyLimit::max(limit))
        .with_state(app)
}

/// Binds `addr` and serves until Ctrl-C (or SIGTERM), calling `ready` with the bound address
/// first (so a caller can print it; port 0 picks a free port). Runs its own tokio runtime.
pub fn serve(
    config: Config,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let app = AppState::open(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServerError::Io {
            what: "starting the runtime".into(),
            source,
        })?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServerError::Io {
                what: format!("binding {addr}"),
                source,
            })?;
        let bound = listener.local_addr().map_err(|source| ServerError::Io {
            what: "reading the bound address".into(),
            source,
        })?;
        ready(bound);
        axum::serve(listener, router(app))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|source| ServerError::Io {
                what: "serving".into(),
                source,
            })
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
