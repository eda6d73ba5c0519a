//! Organisations, users, API tokens, sessions and server settings in SQLite.
//!
//! The rules (who may do what, how secrets are made and compared) are hudna-access's; this
//! module only keeps what that crate produces. Every change to an organisation, a user or a
//! token goes through [`SqliteStore::write`] and so lands in the audit log with its actor;
//! sessions and settings are not part of the record and are not logged.

use hudna_access::{
    validate_actor_code, validate_org_name, validate_username, ApiToken, CsrfKey, NewApiToken,
    NewSession, OrgId, OrgKind, Organisation, Principal, Role, SessionId, User, UserId,
};
use hudna_audit::Actor;
use rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::StoreError;

fn invalid(field: &str, reason: impl ToString) -> StoreError {
    StoreError::Invalid {
        field: field.to_string(),
        reason: reason.to_string(),
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn org_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(User, Option<String>, String)> {
    let role: String = r.get(4)?;
    Ok((
        User {
            id: UserId(r.get(0)?),
            username: r.get(1)?,
            display_name: r.get(2)?,
            org: OrgId(r.get(3)?),
            // Checked below; an unreadable role makes the account unusable, not the server.
            role: role.parse().unwrap_or(Role::Observer),
            disabled: r.get::<_, i64>(6)? != 0,
        },
        r.get(5)?,
        role,
    ))
}

const USER_COLS: &str = "id, username, display_name, org_id, role, password_hash, disabled";

impl SqliteStore {
    fn organisation_of(
        &self,
        row: (i64, String, String, String),
    ) -> Result<Organisation, StoreError> {
        let (id, name, kind, represents) = row;
        let kind: OrgKind = kind
            .parse()
            .map_err(|e| self.corrupt(format!("organisation {id}: {e}")))?;
        Ok(Organisation {
            id: OrgId(id),
            name,
            kind,
            represents: represents
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }

    /// Adds an organisation. Names must be unique; actor codes must have the theatre's form.
    pub fn create_org(
        &mut self,
        actor: &Actor,
        name: &str,
        kind: OrgKind,
        represents: &[String],
    ) -> Result<OrgId, StoreError> {
        validate_org_name(name).map_err(|e| invalid("name", e))?;
        for code in represents {
            validate_actor_code(code).map_err(|e| invalid("represents", e))?;
        }
        if self.org_by_name(name)?.is_some() {
            return Err(StoreError::Conflict(format!(
                "an organisation named {name:?} already exists"
            )));
        }
        let represents = represents.join(",");
        self.write(actor, |c| {
            c.conn()
                .execute(
                    "INSERT INTO organisations (name, kind, represents, created_at) \
                     VALUES (?1, ?2, ?3, ?4)",
                    params![name, kind.as_str(), represents, now()],
                )
                .map_err(|e| StoreError::Audit(e.to_string()))?;
            let id = c.conn().last_insert_rowid();
            c.touch("organisation", id, "create")?;
            Ok(OrgId(id))
        })
    }

    /// Every organisation, by id.
    pub fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id, name, kind, represents FROM organisations ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], org_from_row)
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        rows.into_iter().map(|r| self.organisation_of(r)).collect()
    }

    /// The organisation with this exact name.
    pub fn org_by_name(&self, name: &str) -> Result<Option<Organisation>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, name, kind, represents FROM organisations WHERE name = ?1",
                [name],
                org_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|r| self.organisation_of(r)).transpose()
    }

    /// The organisation with this id.
    pub fn org(&self, id: OrgId) -> Result<Option<Organisation>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, name, kind, represents FROM organisations WHERE id = ?1",
                [id.0],
                org_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|r| self.organisation_of(r)).transpose()
    }

    /// Adds a user. `password_hash` is a PHC string from hudna-access (`None`: the account
    /// signs in with API tokens only).
    pub fn create_user(
        &mut self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        org: OrgId,
        role: Role,
        password_hash: Option<&str>,
    ) -> Result<UserId, StoreError> {
        validate_username(username).map_err(|e| invalid("username", e))?;
        if display_name.trim().is_empty() || display_name.chars().any(char::is_control) {
            return Err(invalid(
                "display_name",
                "give a name without control characters",
            ));
        }
        if self.org(org)?.is_none() {
            return Err(invalid("org", format!("there is no organisation {org}")));
        }
        if self.user_by_username(username)?.is_some() {
            return Err(StoreError::Conflict(format!(
                "a user named {username:?} already exists"
            )));
        }
        self.write(actor, |c| {
            c.conn()
                .execute(
                    "INSERT INTO users (username, display_name, org_id, role, password_hash, \
                     disabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
                    params![
                        username,
                        display_name,
                        org.0,
                        role.as_str(),
                        password_hash,
                        now()
                    ],
                )
                .map_err(|e| StoreError::Audit(e.to_string()))?;
            let id = c.conn().last_insert_rowid();
            c.touch("user", id, "create")?;
            Ok(UserId(id))
        })
    }

    /// Sets (or clears) a user's password hash.
    pub fn set_password(
        &mut self,
        actor: &Actor,
        user: UserId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        self.write(actor, |c| {
            c.expect_unchanged("user", user.0)?;
            let n = c
                .conn()
                .execute(
                    "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                    params![user.0, password_hash],
                )
                .map_err(|e| StoreError::Audit(e.to_string()))?;
            if n == 0 {
                return Err(invalid("user", format!("there is no user {user}")));
            }
            c.touch("user", user.0, "set_password")
        })
    }

    /// Disables or re-enables an account.
    pub fn set_disabled(
        &mut self,
        actor: &Actor,
        user: UserId,
        disabled: bool,
    ) -> Result<(), StoreError> {
        self.write(actor, |c| {
            c.expect_unchanged("user", user.0)?;
            c.conn()
                .execute(
                    "UPDATE users SET disabled = ?2 WHERE id = ?1",
                    params![user.0, disabled as i64],
                )
                .map_err(|e| StoreError::Audit(e.to_string()))?;
            c.touch("user", user.0, if disabled { "disable" } else { "enable" })
        })
    }

    /// A user and their password hash, by login name.
    pub fn user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE username = ?1");
        let row = self
            .conn
            .query_row(&sql, [username], user_from_row)
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|(u, h, role)| self.checked_user(u, h, &role))
            .transpose()
    }

    /// A user by id.
    pub fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE id = ?1");
        let row = self
            .conn
            .query_row(&sql, [id.0], user_from_row)
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|(u, h, role)| self.checked_user(u, h, &role).map(|(u, _)| u))
            .transpose()
    }

    /// Every user, by id.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLS} FROM users ORDER BY id");
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], user_from_row)
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(u, h, role)| self.checked_user(u, h, &role).map(|(u, _)| u))
            .collect()
    }

    fn checked_user(
        &self,
        user: User,
        hash: Option<String>,
        role: &str,
    ) -> Result<(User, Option<String>), StoreError> {
        role.parse::<Role>()
            .map_err(|e| self.corrupt(format!("user {}: {e}", user.id)))?;
        Ok((user, hash))
    }

    /// Makes an API token for a user; the plaintext is in the result and nowhere else.
    pub fn create_token(
        &mut self,
        actor: &Actor,
        user: UserId,
        label: &str,
    ) -> Result<NewApiToken, StoreError> {
        if self.user(user)?.is_none() {
            return Err(invalid("user", format!("there is no user {user}")));
        }
        if label.chars().any(char::is_control) || label.chars().count() > 200 {
            return Err(invalid(
                "label",
                "at most 200 characters, without control characters",
            ));
        }
        // A clash of the 48-bit prefix is astronomically rare; try again if it happens.
        for _ in 0..4 {
            let token = NewApiToken::generate().map_err(|e| StoreError::Audit(e.to_string()))?;
            let taken = self
                .one_i64(
                    "SELECT 1 FROM api_tokens WHERE prefix = ?1",
                    [token.prefix.as_str()],
                )?
                .is_some();
            if taken {
                continue;
            }
            self.write(actor, |c| {
                c.conn()
                    .execute(
                        "INSERT INTO api_tokens (user_id, prefix, hash, label, created_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![user.0, token.prefix, token.hash, label, now()],
                    )
                    .map_err(|e| StoreError::Audit(e.to_string()))?;
                let id = c.conn().last_insert_rowid();
                c.touch("api_token", id, "create")
            })?;
            return Ok(token);
        }
        Err(StoreError::Conflict(
            "could not find a free token prefix".into(),
        ))
    }

    /// Revokes a token by its prefix. Returns whether a live token was revoked.
    pub fn revoke_token(&mut self, actor: &Actor, prefix: &str) -> Result<bool, StoreError> {
        let Some(id) = self.one_i64(
            "SELECT id FROM api_tokens WHERE prefix = ?1 AND revoked_at IS NULL",
            [prefix],
        )?
        else {
            return Ok(false);
        };
        self.write(actor, |c| {
            c.expect_unchanged("api_token", id)?;
            c.conn()
                .execute(
                    "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1",
                    params![id, now()],
                )
                .map_err(|e| StoreError::Audit(e.to_string()))?;
            c.touch("api_token", id, "revoke")
        })?;
        Ok(true)
    }

    /// The owner of a token (checked for shape, looked up by prefix, compared by hash in
    /// constant time), or `None` when it is unknown, revoked or the account is disabled.
    pub fn token_user(&self, presented: &str) -> Result<Option<User>, StoreError> {
        let Ok(token) = ApiToken::parse(presented) else {
            return Ok(None);
        };
        let row: Option<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT user_id, hash FROM api_tokens WHERE prefix = ?1 AND revoked_at IS NULL",
            )
            .and_then(|mut st| {
                st.query_row([token.prefix()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(|e| self.err(e))?;
        let Some((user, hash)) = row else {
            return Ok(None);
        };
        if !token.matches(&hash) {
            return Ok(None);
        }
        Ok(self.user(UserId(user))?.filter(|u| !u.disabled))
    }

    /// Starts a session for a user; the id goes into the cookie.
    pub fn create_session(
        &mut self,
        user: UserId,
        ttl_seconds: i64,
    ) -> Result<SessionId, StoreError> {
        let session = NewSession::generate().map_err(|e| StoreError::Audit(e.to_string()))?;
        let created = chrono::Utc::now();
        let expires = created + chrono::Duration::seconds(ttl_seconds);
        self.exec(
            "INSERT INTO sessions (key, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                session.storage_key,
                user.0,
                created.to_rfc3339(),
                expires.to_rfc3339()
            ],
        )?;
        Ok(session.id)
    }

    /// The user of a live session.
    pub fn session_user(&self, id: &SessionId) -> Result<Option<User>, StoreError> {
        let row: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT user_id, expires_at FROM sessions WHERE key = ?1")
            .and_then(|mut st| {
                st.query_row([id.storage_key()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(|e| self.err(e))?;
        let Some((user, expires)) = row else {
            return Ok(None);
        };
        let live = chrono::DateTime::parse_from_rfc3339(&expires)
            .map(|t| t > chrono::Utc::now())
            .unwrap_or(false);
        if !live {
            return Ok(None);
        }
        Ok(self.user(UserId(user))?.filter(|u| !u.disabled))
    }

    /// Ends a session (sign-out).
    pub fn end_session(&mut self, id: &SessionId) -> Result<(), StoreError> {
        self.exec("DELETE FROM sessions WHERE key = ?1", [id.storage_key()])?;
        Ok(())
    }

    /// The server's CSRF key, made and kept on first use so that forms survive a restart.
    pub fn csrf_key(&mut self) -> Result<CsrfKey, StoreError> {
        let stored: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'csrf_key'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if let Some(bytes) = stored {
            return CsrfKey::from_bytes(&bytes)
                .map_err(|e| self.corrupt(format!("settings csrf_key: {e}")));
        }
        let key = CsrfKey::generate().map_err(|e| StoreError::Audit(e.to_string()))?;
        self.exec(
            "INSERT OR IGNORE INTO settings (key, value) VALUES ('csrf_key', ?1)",
            [key.as_bytes()],
        )?;
        // Another process may have won the race; use what is stored.
        let bytes: Vec<u8> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'csrf_key'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        CsrfKey::from_bytes(&bytes).map_err(|e| self.corrupt(format!("settings csrf_key: {e}")))
    }

    /// The principal an account acts as, if it may act.
    pub fn principal(user: &User) -> Option<Principal> {
        user.principal()
    }
}
