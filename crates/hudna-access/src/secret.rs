//! API tokens, session ids and CSRF tokens.
//!
//! All three are random values from the operating system (`getrandom`), written as lower-case
//! hex, and compared in constant time. None is ever stored as given: the store keeps a
//! SHA-256 hash, so a copy of the database file does not hand out working credentials.
//!
//! # API tokens
//!
//! `hudna_<prefix>_<secret>`: a 12-hex-digit random prefix and a 256-bit secret. The whole
//! token is shown to its owner once ([`NewApiToken::plaintext`]) and never again. The store
//! keeps the [`prefix`](NewApiToken::prefix) in a unique, indexed column and the
//! [`hash`](NewApiToken::hash) (SHA-256 of the whole token, hex) beside it. To authenticate a
//! request, [`ApiToken::parse`] the bearer value, look the row up by
//! [`ApiToken::prefix`], and accept only if [`ApiToken::matches`] the stored hash. A plain
//! SHA-256 is enough here, unlike for passwords: the secret has 256 random bits, so there is
//! nothing to guess and no need to slow guessing down. The prefix also lets a leaked token be
//! recognised in logs and revoked without anyone knowing the secret. If the insert of a new
//! token hits the prefix's unique constraint (about one chance in 10^10 with a thousand
//! tokens), generate another.
//!
//! # Sessions
//!
//! [`NewSession::generate`] makes a 256-bit session id for the cookie and its
//! [`storage key`](SessionId::storage_key) (SHA-256, hex) for the sessions table. On each
//! request, [`SessionId::parse`] the cookie (malformed values are refused before any
//! database work) and look up its storage key. [`session_cookie`] writes the `Set-Cookie`
//! value: `HttpOnly` (no script reads it), `SameSite=Lax` (other sites' forms and scripts do
//! not send it; following a link from an e-mail still does), `Path=/`, and `Secure` when
//! served over HTTPS.
//!
//! # CSRF: an HMAC-signed token bound to the session
//!
//! Every form (and every script's `POST`) carries a token from [`CsrfKey::token`], and the
//! server refuses a state-changing request whose token fails [`CsrfKey::verify`] for the
//! request's session. The token is `<nonce>.<mac>`, where the nonce is 128 fresh random bits
//! and the mac is HMAC-SHA256 under a server key of the session id and the nonce.
//!
//! Why this design rather than a token stored per session or a plain double-submit cookie:
//!
//! - *Bound to the session.* A token is worthless with any other session, so a token seen by
//!   or planted on one user (a plain double-submit cookie can be overwritten from a sibling
//!   subdomain) cannot be used against another. Making one needs the server key.
//! - *Nothing stored.* The token is checked from the key and the session id alone; there is
//!   no table to fill, expire or keep in step across tabs, and every token of a session stays
//!   valid as long as the session does.
//! - *Different in every page.* The fresh nonce makes each rendered token different, so a
//!   compressed HTTPS response does not repeat a fixed secret (the BREACH attack).
//!
//! `SameSite=Lax` already keeps the session cookie off cross-site `POST`s in current browsers;
//! the token is the second, browser-independent layer. The key must survive restarts (or
//! every open form fails once): generate it with [`CsrfKey::generate`] on first start, keep
//! [`CsrfKey::as_bytes`] in the database's settings, and load it with
//! [`CsrfKey::from_bytes`]. Replacing the key invalidates every outstanding form, nothing
//! else.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::hex;

/// The operating system gave no random bytes.
#[derive(Debug, thiserror::Error)]
#[error("no randomness from the operating system: {0}")]
pub struct RandomError(#[source] getrandom::Error);

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(RandomError)?;
    Ok(out)
}

/// Compares two byte strings in time that does not depend on where they differ (their
/// lengths are not secret). Use it for any comparison involving a secret or its hash.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes))
}

/// A presented secret does not have the shape of one this crate makes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretFormatError {
    /// Not `hudna_<12 hex>_<64 hex>`.
    #[error("not a hudna API token (expected hudna_<12 hex digits>_<64 hex digits>)")]
    ApiToken,
    /// Not 64 lower-case hex digits.
    #[error("not a hudna session id (expected 64 lower-case hex digits)")]
    SessionId,
    /// Not `<32 hex>.<64 hex>`.
    #[error("not a hudna CSRF token")]
    CsrfToken,
    /// A stored CSRF key shorter than 32 bytes.
    #[error("a CSRF key needs at least 32 bytes; got {0}")]
    CsrfKeyTooShort(usize),
}

const TOKEN_TAG: &str = "hudna_";
const PREFIX_HEX: usize = 12;
const SECRET_HEX: usize = 64;

/// A freshly made API token: show [`plaintext`](Self::plaintext) once, store the rest.
#[derive(Clone, PartialEq, Eq)]
pub struct NewApiToken {
    /// The whole token, for its owner's eyes only and only now.
    pub plaintext: String,
    /// The look-up prefix (12 hex digits) for the store's unique index.
    pub prefix: String,
    /// SHA-256 of the whole token, hex, for the store.
    pub hash: String,
}

impl std::fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiToken")
            .field("plaintext", &"<redacted>")
            .field("prefix", &self.prefix)
            .field("hash", &self.hash)
            .finish()
    }
}

impl NewApiToken {
    /// Makes a new random token.
    pub fn generate() -> Result<NewApiToken, RandomError> {
        let prefix = hex::encode(&random_bytes::<{ PREFIX_HEX / 2 }>()?);
        let secret = hex::encode(&random_bytes::<{ SECRET_HEX / 2 }>()?);
        let plaintext = format!("{TOKEN_TAG}{prefix}_{secret}");
        let hash = sha256_hex(plaintext.as_bytes());
        Ok(NewApiToken {
            plaintext,
            prefix,
            hash,
        })
    }
}

/// A token presented by a client (e.g. `Authorization: Bearer hudna_…`), checked for shape.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ApiToken<'a> {
    whole: &'a str,
}

impl std::fmt::Debug for ApiToken<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiToken")
            .field("prefix", &self.prefix())
            .finish_non_exhaustive()
    }
}

impl<'a> ApiToken<'a> {
    /// Checks the shape of a presented token (surrounding spaces are ignored).
    pub fn parse(presented: &'a str) -> Result<ApiToken<'a>, SecretFormatError> {
        let whole = presented.trim();
        let rest = whole
            .strip_prefix(TOKEN_TAG)
            .ok_or(SecretFormatError::ApiToken)?;
        let (prefix, secret) = rest.split_once('_').ok_or(SecretFormatError::ApiToken)?;
        if !hex::is_hex(prefix, PREFIX_HEX) || !hex::is_hex(secret, SECRET_HEX) {
            return Err(SecretFormatError::ApiToken);
        }
        Ok(ApiToken { whole })
    }

    /// The look-up prefix.
    pub fn prefix(&self) -> &'a str {
        &self.whole[TOKEN_TAG.len()..TOKEN_TAG.len() + PREFIX_HEX]
    }

    /// SHA-256 of the whole token, hex: what the store keeps.
    pub fn hash(&self) -> String {
        sha256_hex(self.whole.as_bytes())
    }

    /// Whether the token's hash equals the stored one, compared in constant time.
    pub fn matches(&self, stored_hash: &str) -> bool {
        constant_time_eq(self.hash().as_bytes(), stored_hash.as_bytes())
    }
}

/// A session id taken from a cookie, checked for shape.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionId(String);

impl std::fmt::Debug for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionId(<redacted>)")
    }
}

impl SessionId {
    /// Checks the shape of a cookie value.
    pub fn parse(cookie_value: &str) -> Result<SessionId, SecretFormatError> {
        if !hex::is_hex(cookie_value, 64) {
            return Err(SecretFormatError::SessionId);
        }
        Ok(SessionId(cookie_value.to_string()))
    }

    /// The cookie value (secret: only for `Set-Cookie`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// SHA-256 of the id, hex: the sessions table's key.
    pub fn storage_key(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }
}

/// A new session: the id for the cookie and the key for the store.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes into the cookie.
    pub id: SessionId,
    /// Goes into the sessions table.
    pub storage_key: String,
}

impl NewSession {
    /// Makes a new random session id.
    pub fn generate() -> Result<NewSession, RandomError> {
        let id = SessionId(hex::encode(&random_bytes::<32>()?));
        let storage_key = id.storage_key();
        Ok(NewSession { id, storage_key })
    }
}

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "hudna_session";

/// The `Set-Cookie` value for a session (see the [module documentation](self) for why each
/// attribute). `secure` adds `Secure`; set it whenever the site is served over HTTPS.
pub fn session_cookie(id: &SessionId, max_age_seconds: u64, secure: bool) -> String {
    let mut cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}",
        id.as_str()
    );
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// The `Set-Cookie` value that removes the session cookie (on sign-out).
pub fn clear_session_cookie(secure: bool) -> String {
    let mut cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// The server's key for CSRF tokens. See the [module documentation](self).
#[derive(Clone)]
pub struct CsrfKey(Vec<u8>);

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(<redacted>)")
    }
}

const CSRF_CONTEXT: &[u8] = b"hudna csrf v1\0";
const NONCE_HEX: usize = 32;

type HmacSha256 = Hmac<Sha256>;

impl CsrfKey {
    /// A new random 256-bit key.
    pub fn generate() -> Result<CsrfKey, RandomError> {
        Ok(CsrfKey(random_bytes::<32>()?.to_vec()))
    }

    /// A key kept from an earlier start (at least 32 bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<CsrfKey, SecretFormatError> {
        if bytes.len() < 32 {
            return Err(SecretFormatError::CsrfKeyTooShort(bytes.len()));
        }
        Ok(CsrfKey(bytes.to_vec()))
    }

    /// The key's bytes, to keep in the database's settings.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn mac(&self, session: &SessionId, nonce: &[u8]) -> HmacSha256 {
        // HMAC takes keys of any length, so this cannot fail; fall back to an empty-keyed
        // MAC only to avoid a panic path (it would make every token fail to verify).
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()));
        mac.update(CSRF_CONTEXT);
        mac.update(session.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(nonce);
        mac
    }

    /// A fresh token for a form or script of this session.
    pub fn token(&self, session: &SessionId) -> Result<String, RandomError> {
        let nonce = random_bytes::<{ NONCE_HEX / 2 }>()?;
        let tag = self.mac(session, &nonce).finalize().into_bytes();
        Ok(format!("{}.{}", hex::encode(&nonce), hex::encode(&tag)))
    }

    /// Whether a presented token was made by this key for this session. Constant-time in the
    /// tag.
    pub fn verify(&self, session: &SessionId, presented: &str) -> bool {
        self.check(session, presented) == Ok(true)
    }

    /// Like [`CsrfKey::verify`], but says whether the token was malformed or merely wrong
    /// (`Ok(false)`), for logging.
    pub fn check(&self, session: &SessionId, presented: &str) -> Result<bool, SecretFormatError> {
        let (nonce, tag) = presented
            .split_once('.')
            .ok_or(SecretFormatError::CsrfToken)?;
        let nonce = hex::decode::<{ NONCE_HEX / 2 }>(nonce).ok_or(SecretFormatError::CsrfToken)?;
        let tag = hex::decode::<32>(tag).ok_or(SecretFormatError::CsrfToken)?;
        Ok(self.mac(session, &nonce).verify_slice(&tag).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_tokens_are_shown_once_and_stored_hashed() {
        let t = NewApiToken::generate().unwrap();
        assert!(t.plaintext.starts_with("hudna_"));
        assert_eq!(t.plaintext.len(), 6 + 12 + 1 + 64);
        assert_eq!(t.prefix.len(), 12);
        assert_eq!(t.hash.len(), 64);
        assert!(!t.hash.contains(&t.plaintext[19..]));
        assert!(!format!("{t:?}").contains(&t.plaintext));

        let presented = ApiToken::parse(&t.plaintext).unwrap();
        assert_eq!(presented.prefix(), t.prefix);
        assert_eq!(presented.hash(), t.hash);
        assert!(presented.matches(&t.hash));
        assert!(!format!("{presented:?}").contains(&t.plaintext[19..]));
    }

    #[test]
    fn tokens_are_random() {
        let a = NewApiToken::generate().unwrap();
        let b = NewApiToken::generate().unwrap();
        assert_ne!(a.prefix, b.prefix);
        assert_ne!(a.plaintext, b.plaintext);
    }

    #[test]
    fn a_changed_token_does_not_match() {
        let t = NewApiToken::generate().unwrap();
        let mut altered = t.plaintext.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        let presented = ApiToken::parse(&altered).unwrap();
        assert_eq!(presented.prefix(), t.prefix);
        assert!(!presented.matches(&t.hash));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let good = NewApiToken::generate().unwrap().plaintext;
        let bad = [
            String::new(),
            "Bearer x".into(),
            good.replace("hudna_", "hudnb_"),
            good.to_uppercase(),
            good[..good.len() - 1].to_string(),
            format!("{good}0"),
            good.replacen('_', "-", 2),
        ];
        for b in bad {
            assert_eq!(ApiToken::parse(&b), Err(SecretFormatError::ApiToken), "{b}");
        }
        assert!(ApiToken::parse(&format!("  {good}\n")).is_ok());
    }

    #[test]
    fn sessions() {
        let s = NewSession::generate().unwrap();
        assert_eq!(s.id.as_str().len(), 64);
        assert_eq!(s.storage_key, s.id.storage_key());
        assert_ne!(s.storage_key, s.id.as_str());
        let again = SessionId::parse(s.id.as_str()).unwrap();
        assert_eq!(again.storage_key(), s.storage_key);
        assert_eq!(SessionId::parse("abc"), Err(SecretFormatError::SessionId));
        assert_eq!(
            SessionId::parse(&s.id.as_str().to_uppercase()).map(|_| ()),
            if s.id.as_str().bytes().any(|b| b.is_ascii_alphabetic()) {
                Err(SecretFormatError::SessionId)
            } else {
                Ok(())
            }
        );
        assert!(!format!("{:?}", s.id).contains(s.id.as_str()));
        let cookie = session_cookie(&s.id, 3600, true);
        assert!(cookie.starts_with(&format!("hudna_session={};", s.id.as_str())));
        for attr in [
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=3600",
            "Secure",
        ] {
            assert!(cookie.contains(attr), "{cookie}");
        }
        assert!(!session_cookie(&s.id, 1, false).contains("Secure"));
        assert!(clear_session_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_session_and_the_key() {
        let key = CsrfKey::generate().unwrap();
        let mine = NewSession::generate().unwrap().id;
        let theirs = NewSession::generate().unwrap().id;
        let t = key.token(&mine).unwrap();
        assert!(key.verify(&mine, &t));
        assert!(!key.verify(&theirs, &t), "another session's token");
        let other_key = CsrfKey::generate().unwrap();
        assert!(!other_key.verify(&mine, &t), "another key's token");
        // Fresh every time, all valid.
        let t2 = key.token(&mine).unwrap();
        assert_ne!(t, t2);
        assert!(key.verify(&mine, &t2));
        // Survives a restart when the key is kept.
        let reloaded = CsrfKey::from_bytes(key.as_bytes()).unwrap();
        assert!(reloaded.verify(&mine, &t));
        assert!(!format!("{key:?}").contains(&hex::encode(key.as_bytes())));
    }

    #[test]
    fn tampered_or_malformed_csrf_tokens_fail() {
        let key = CsrfKey::generate().unwrap();
        let s = NewSession::generate().unwrap().id;
        let t = key.token(&s).unwrap();
        let (nonce, tag) = t.split_once('.').unwrap();
        // Another nonce with the same tag.
        let first = if nonce.as_bytes()[0] == b'0' {
            '1'
        } else {
            '0'
        };
        let other_nonce = format!("{first}{}", &nonce[1..]);
        assert_eq!(key.check(&s, &format!("{other_nonce}.{tag}")), Ok(false));
        for bad in ["", ".", "abc.def", &t.replace('.', ""), &format!("{t}0")] {
            assert_eq!(
                key.check(&s, bad),
                Err(SecretFormatError::CsrfToken),
                "{bad}"
            );
            assert!(!key.verify(&s, bad));
        }
        assert_eq!(
            CsrfKey::from_bytes(&[0u8; 16]).map(|_| ()),
            Err(SecretFormatError::CsrfKeyTooShort(16))
        );
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }
}
