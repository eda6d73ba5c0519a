//! Who is calling: a session cookie, an API token, or nobody.
//!
//! [`Who`] is an axum extractor. A request with `Authorization: Bearer hudna_…` acts as the
//! token's account; a malformed, unknown or revoked token is refused with 401 rather than
//! quietly treated as anonymous, so a script with a broken token learns so at once. Without
//! the header, the `hudna_session` cookie is looked up; a missing, expired or unknown session
//! is simply anonymous. A disabled account acts as nobody.
//!
//! CSRF: browsers send cookies by themselves, so every state-changing request that relies on
//! the session cookie must carry a token from [`hudna_access::CsrfKey::token`] bound to that
//! session (a form's `csrf` field or an `X-CSRF-Token` header); [`check_csrf`] checks it.
//! Requests with a bearer token need none, since no browser attaches one on its own.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use hudna_access::{Caller, SessionId, User, SESSION_COOKIE};

use crate::error::ApiError;
use crate::App;

/// The caller of a request.
#[derive(Debug, Clone)]
pub struct Who {
    /// What the access policy sees.
    pub caller: Caller,
    /// The account, when signed in.
    pub user: Option<User>,
    /// The session the cookie named, when it is live.
    pub session: Option<SessionId>,
    /// Whether the request authenticated with an API token.
    pub by_token: bool,
}

impl Who {
    /// Nobody.
    pub fn anonymous() -> Who {
        Who {
            caller: Caller::Anonymous,
            user: None,
            session: None,
            by_token: false,
        }
    }

    /// The audit log's actor for changes made by this caller.
    pub fn actor(&self) -> Option<hudna_audit::Actor> {
        self.user.as_ref().map(|u| hudna_audit::Actor::User(u.id.0))
    }

    /// A fresh CSRF token for this session's forms (empty when not signed in by cookie).
    pub fn csrf_token(&self, app: &App) -> String {
        match &self.session {
            Some(s) => app.csrf.token(s).unwrap_or_default(),
            None => String::new(),
        }
    }
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// What a request presents to say who it is, read from its headers without touching the
/// database: a bearer token, a session cookie, or nothing. A handler on a hot path resolves
/// it with [`Credentials::resolve`] inside its own database task, saving a round trip to the
/// blocking pool.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// `Authorization: Bearer …` (checked when resolved).
    Token(String),
    /// An `Authorization` header that is not a bearer token.
    BadAuthorization,
    /// A well-formed session cookie.
    Session(SessionId),
    /// Nothing (or a malformed cookie, which counts as nothing).
    None,
}

impl Credentials {
    /// Reads the request's credentials.
    pub fn from_headers(headers: &HeaderMap) -> Credentials {
        if let Some(auth) = headers.get(header::AUTHORIZATION) {
            let text = auth.to_str().unwrap_or("");
            return match text
                .strip_prefix("Bearer ")
                .or_else(|| text.strip_prefix("bearer "))
            {
                Some(t) => Credentials::Token(t.trim().to_string()),
                None => Credentials::BadAuthorization,
            };
        }
        match cookie(headers, SESSION_COOKIE).map(SessionId::parse) {
            Some(Ok(s)) => Credentials::Session(s),
            _ => Credentials::None,
        }
    }

    /// The caller these credentials stand for. A bad or unknown token is refused (401);
    /// an unknown or expired session is anonymous.
    pub fn resolve(self, store: &hudna_store::SqliteStore) -> Result<Who, ApiError> {
        match self {
            Credentials::BadAuthorization => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the Authorization header must be `Bearer <API token>`",
                Some("Authorization"),
            )),
            Credentials::Token(token) => {
                let user = store.token_user(&token)?;
                match user.and_then(|u| u.principal().map(|p| (u, p))) {
                    Some((user, p)) => Ok(Who {
                        caller: Caller::User(p),
                        user: Some(user),
                        session: None,
                        by_token: true,
                    }),
                    None => Err(ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "the API token is not valid (unknown, revoked, or its account is disabled)",
                        Some("Authorization"),
                    )),
                }
            }
            Credentials::Session(session) => {
                let user = store.session_user(&session)?;
                Ok(match user.and_then(|u| u.principal().map(|p| (u, p))) {
                    Some((user, p)) => Who {
                        caller: Caller::User(p),
                        user: Some(user),
                        session: Some(session),
                        by_token: false,
                    },
                    None => Who::anonymous(),
                })
            }
            Credentials::None => Ok(Who::anonymous()),
        }
    }
}

impl FromRequestParts<App> for Credentials {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _app: &App,
    ) -> Result<Credentials, Self::Rejection> {
        Ok(Credentials::from_headers(&parts.headers))
    }
}

impl FromRequestParts<App> for Who {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Who, ApiError> {
        match Credentials::from_headers(&parts.headers) {
            Credentials::None => Ok(Who::anonymous()),
            creds => app.db.run(move |s| creds.resolve(s)).await,
        }
    }
}

/// Checks the CSRF token of a state-changing request made with the session cookie.
pub fn check_csrf(app: &App, who: &Who, presented: Option<&str>) -> Result<(), ApiError> {
    if who.by_token {
        return Ok(());
    }
    let Some(session) = &who.session else {
        // Not signed in: the policy refuses the change itself (401).
        return Ok(());
    };
    match presented {
        Some(t) if app.csrf.verify(session, t) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "missing or invalid CSRF token; reload the page and try again",
            Some("csrf"),
        )),
    }
}
