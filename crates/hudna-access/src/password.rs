//! Passwords: the policy for new ones, and argon2id hashing to PHC strings.
//!
//! # Policy
//!
//! [`PasswordPolicy::check`] follows current guidance for passwords that are the only factor
//! (NIST SP 800-63B, OWASP): a long minimum (15 characters), a generous maximum, any
//! character but control characters, no composition rules, and a refusal of passwords that
//! are mostly a commonly guessed word or sequence or contain the login name. Each refusal is a
//! [`PasswordPolicyError`] variant, so forms and `hudna user add` can say exactly what to fix.
//! The policy applies when a password is set, never at login.
//!
//! # Hashing
//!
//! [`Passwords::hash`] uses argon2id with the parameters of a [`PasswordCost`] (by default
//! the argon2 crate's recommendation: 19 MiB, 2 passes, 1 lane) and a fresh 16-byte salt, and
//! returns a self-describing PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…$…`) for the store's
//! `password_hash` column. Verification reads the parameters from the string, so raising the
//! cost later does not lock anyone out; [`Passwords::needs_rehash`] tells the login path when
//! to store a new hash.
//!
//! Passwords are put in Unicode normalisation form NFKC before hashing and counting, so the
//! same Arabic or accented password typed on two keyboards that compose characters
//! differently is the same password.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use unicode_normalization::UnicodeNormalization;

use crate::secret::{random_bytes, RandomError};

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    /// Shorter than the minimum.
    #[error("the password has {got} characters; it needs at least {min}")]
    TooShort {
        /// The minimum.
        min: usize,
        /// Its length in characters.
        got: usize,
    },
    /// Longer than the maximum (a bound that keeps hashing cheap to refuse).
    #[error("the password has {got} characters; at most {max} are allowed")]
    TooLong {
        /// The maximum.
        max: usize,
        /// Its length in characters.
        got: usize,
    },
    /// A control character (a tab, a new line), usually a paste accident.
    #[error("the password has a control character at character {position}")]
    ControlCharacter {
        /// Its position, counted in characters from 1.
        position: usize,
    },
    /// It contains the login name.
    #[error("the password contains the username")]
    ContainsUsername,
    /// Too few different characters ("aaaaaaaaaaaaaaa", "abababababababab").
    #[error("the password uses only {got} different characters; use at least {min}")]
    TooFewDistinct {
        /// The minimum number of different characters.
        min: usize,
        /// How many it has.
        got: usize,
    },
    /// Most of it is a commonly guessed word or sequence ("password", "qwerty", "123456").
    #[error("the password is mostly a commonly guessed word or sequence ({word:?})")]
    Common {
        /// The first such word found.
        word: &'static str,
    },
}

/// The rules a new password must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters (after NFKC).
    pub min_chars: usize,
    /// Most characters (after NFKC).
    pub max_chars: usize,
    /// Fewest different characters.
    pub min_distinct: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_chars: 15,
            max_chars: 256,
            min_distinct: 5,
        }
    }
}

/// Words and sequences that guessers try first, in lower case. Removing them from a password
/// must leave a real password behind.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssword",
    "qwertyuiop",
    "qwerty",
    "azerty",
    "asdfgh",
    "zxcvbn",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "monkey",
    "dragon",
    "master",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "trustno1",
    "secret",
    "changeme",
    "hudna",
    "ceasefire",
    "truce",
    "login",
    "user",
    "default",
    "1234567890",
    "123456",
    "654321",
    "123123",
    "111111",
    "000000",
    "abcdef",
    "abc123",
];

/// What must be left once the common words are taken out.
const REST_AFTER_COMMON: usize = 8;

impl PasswordPolicy {
    /// Checks a new password for an account with this login name.
    pub fn check(&self, password: &str, username: &str) -> Result<(), PasswordPolicyError> {
        let password: String = password.nfkc().collect();
        for (i, ch) in password.chars().enumerate() {
            if ch.is_control() {
                return Err(PasswordPolicyError::ControlCharacter { position: i + 1 });
            }
        }
        let len = password.chars().count();
        if len < self.min_chars {
            return Err(PasswordPolicyError::TooShort {
                min: self.min_chars,
                got: len,
            });
        }
        if len > self.max_chars {
            return Err(PasswordPolicyError::TooLong {
                max: self.max_chars,
                got: len,
            });
        }
        let lower = password.to_lowercase();
        let username = username.trim().to_lowercase();
        if username.chars().count() >= 3 && lower.contains(&username) {
            return Err(PasswordPolicyError::ContainsUsername);
        }
        let mut distinct: Vec<char> = lower.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < self.min_distinct {
            return Err(PasswordPolicyError::TooFewDistinct {
                min: self.min_distinct,
                got: distinct.len(),
            });
        }
        let mut rest = lower.clone();
        let mut first = None;
        for word in COMMON {
            if rest.contains(word) {
                first.get_or_insert(*word);
                rest = rest.replace(word, "");
            }
        }
        if let Some(word) = first {
            if rest.chars().count() < REST_AFTER_COMMON {
                return Err(PasswordPolicyError::Common { word });
            }
        }
        Ok(())
    }
}

/// The argon2id work factors. Verification reads them back from each stored hash, so this
/// only decides how new hashes are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Parallel lanes.
    pub lanes: u32,
}

impl PasswordCost {
    /// The argon2 crate's default and OWASP's first recommendation for argon2id: 19 MiB,
    /// 2 passes, 1 lane (about 60 ms on the development machine).
    pub const RECOMMENDED: PasswordCost = PasswordCost {
        memory_kib: 19 * 1024,
        iterations: 2,
        lanes: 1,
    };

    /// A cheap setting for tests that create many accounts. Never for real accounts.
    pub const FOR_TESTS: PasswordCost = PasswordCost {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    };
}

impl Default for PasswordCost {
    fn default() -> Self {
        PasswordCost::RECOMMENDED
    }
}

/// Why hashing or verifying failed (a wrong password is not an error: it is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The work factors are out of argon2's range.
    #[error("invalid argon2 cost (memory {memory_kib} KiB, {iterations} passes, {lanes} lanes): {reason}")]
    Cost {
        /// Memory in KiB.
        memory_kib: u32,
        /// Passes.
        iterations: u32,
        /// Lanes.
        lanes: u32,
        /// argon2's explanation.
        reason: String,
    },
    /// The stored hash is not an argon2 PHC string this crate can check.
    #[error("stored password hash is not a valid argon2 PHC string: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
    /// No randomness for the salt.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// argon2 failed while hashing (out of memory, for instance).
    #[error("argon2 failed: {0}")]
    Hashing(String),
}

/// A password hash in PHC string form, for the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// The PHC string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PHC string, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hashes and verifies passwords with one cost setting.
#[derive(Debug)]
pub struct Passwords {
    cost: PasswordCost,
    params: Params,
    /// A hash of a random password, verified against when the login name is unknown so that
    /// "no such user" takes as long as "wrong password".
    dummy: OnceLock<Result<String, String>>,
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords {
            cost: PasswordCost::RECOMMENDED,
            params: Params::DEFAULT,
            dummy: OnceLock::new(),
        }
    }
}

impl Passwords {
    /// A hasher with these work factors.
    pub fn new(cost: PasswordCost) -> Result<Passwords, PasswordError> {
        let params =
            Params::new(cost.memory_kib, cost.iterations, cost.lanes, None).map_err(|e| {
                PasswordError::Cost {
                    memory_kib: cost.memory_kib,
                    iterations: cost.iterations,
                    lanes: cost.lanes,
                    reason: e.to_string(),
                }
            })?;
        Ok(Passwords {
            cost,
            params,
            dummy: OnceLock::new(),
        })
    }

    /// The work factors new hashes are made with.
    pub fn cost(&self) -> PasswordCost {
        self.cost
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password (after NFKC) with a fresh random salt. It does not apply the policy:
    /// call [`PasswordPolicy::check`] first when a person sets a password.
    pub fn hash(&self, password: &str) -> Result<PasswordHash, PasswordError> {
        let password: String = password.nfkc().collect();
        let salt: [u8; 16] = random_bytes()?;
        let hash = self
            .argon2()
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map_err(|e| PasswordError::Hashing(e.to_string()))?;
        Ok(PasswordHash(hash.to_string()))
    }

    /// Whether the password matches the stored PHC string. The comparison of the hashes is
    /// constant-time (argon2's output type compares that way).
    pub fn verify(&self, password: &str, stored: &str) -> Result<bool, PasswordError> {
        let parsed = argon2::PasswordHash::new(stored).map_err(|e| PasswordError::Malformed {
            reason: e.to_string(),
        })?;
        let algorithm = parsed.algorithm.as_str();
        if !algorithm.starts_with("argon2") {
            return Err(PasswordError::Malformed {
                reason: format!("algorithm {algorithm:?} is not argon2"),
            });
        }
        let password: String = password.nfkc().collect();
        match self.argon2().verify_password(password.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(PasswordError::Malformed {
                reason: e.to_string(),
            }),
        }
    }

    /// The login check: verifies against the account's stored hash, or — when there is no
    /// such account (`None`) — against a hash of a random password made once with the same
    /// cost, and answers `false`. Either way the work is the same, so response times do not
    /// tell which login names exist.
    pub fn verify_login(
        &self,
        password: &str,
        stored: Option<&str>,
    ) -> Result<bool, PasswordError> {
        match stored {
            Some(stored) => self.verify(password, stored),
            None => {
                let dummy = self.dummy.get_or_init(|| {
                    let random: [u8; 24] = random_bytes().map_err(|e| e.to_string())?;
                    self.hash(&crate::hex::encode(&random))
                        .map(PasswordHash::into_string)
                        .map_err(|e| e.to_string())
                });
                match dummy {
                    Ok(dummy) => {
                        let _ = self.verify(password, dummy)?;
                        Ok(false)
                    }
                    Err(reason) => Err(PasswordError::Hashing(reason.clone())),
                }
            }
        }
    }

    /// Whether a stored hash was made with another algorithm or other work factors than this
    /// hasher's, so the login path should store a fresh hash of the password it just
    /// verified. A string that cannot be read also needs one.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = argon2::PasswordHash::new(stored) else {
            return true;
        };
        if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(0x13) {
            return true;
        }
        match Params::try_from(&parsed) {
            Ok(p) => {
                p.m_cost() != self.cost.memory_kib
                    || p.t_cost() != self.cost.iterations
                    || p.p_cost() != self.cost.lanes
            }
            Err(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    #[test]
    fn good_passwords_pass() {
        for p in [
            "correct horse battery staple",
            "Lattice-Orchard-91-Glimmer",
            "قمر فوق جبل الشيخ ٢٠١٦",
            "zq8!Lm2#Vr5@Tk1",
        ] {
            assert_eq!(policy().check(p, "amal"), Ok(()), "{p}");
        }
    }

    #[test]
    fn each_refusal_is_typed() {
        let p = policy();
        assert_eq!(
            p.check("short one", "amal"),
            Err(PasswordPolicyError::TooShort { min: 15, got: 9 })
        );
        assert_eq!(
            p.check(&"abcdefghij".repeat(26), "amal"),
            Err(PasswordPolicyError::TooLong { max: 256, got: 260 })
        );
        assert_eq!(
            p.check("line one of it\nline two", "amal"),
            Err(PasswordPolicyError::ControlCharacter { position: 15 })
        );
        assert_eq!(
            p.check("my name is Amal.Haddad ok", "amal.haddad"),
            Err(PasswordPolicyError::ContainsUsername)
        );
        assert_eq!(
            p.check("abababababababab", "amal"),
            Err(PasswordPolicyError::TooFewDistinct { min: 5, got: 2 })
        );
        assert_eq!(
            p.check("Password1234567!", "amal"),
            Err(PasswordPolicyError::Common { word: "password" })
        );
        assert_eq!(
            p.check("qwertyuiop123456", "amal"),
            Err(PasswordPolicyError::Common { word: "qwertyuiop" })
        );
        // A common word inside a long, otherwise strong password is fine.
        assert_eq!(
            p.check("password of the Orchard-91-glimmer", "amal"),
            Ok(())
        );
    }

    #[test]
    fn length_is_counted_after_nfkc() {
        // Fifteen full-width letters are fifteen letters after NFKC.
        let wide = "ｑｕｉｅｔｒｉｖｅｒｓｔｏｎｅｓ";
        assert_eq!(policy().check(wide, "amal"), Ok(()));
        let msg = PasswordPolicyError::TooShort { min: 15, got: 3 }.to_string();
        assert_eq!(msg, "the password has 3 characters; it needs at least 15");
    }

    #[test]
    fn hash_and_verify() {
        let pw = Passwords::new(PasswordCost::FOR_TESTS).unwrap();
        let h = pw.hash("correct horse battery staple").unwrap();
        assert!(
            h.as_str().starts_with("$argon2id$v=19$m=64,t=1,p=1$"),
            "{h}"
        );
        assert!(pw
            .verify("correct horse battery staple", h.as_str())
            .unwrap());
        assert!(!pw
            .verify("correct horse battery stapler", h.as_str())
            .unwrap());
        // Salted: the same password hashes differently each time.
        let h2 = pw.hash("correct horse battery staple").unwrap();
        assert_ne!(h, h2);
        assert!(pw
            .verify("correct horse battery staple", h2.as_str())
            .unwrap());
    }

    #[test]
    fn composed_and_decomposed_forms_are_the_same_password() {
        let pw = Passwords::new(PasswordCost::FOR_TESTS).unwrap();
        let composed = "café au lait, s'il vous plaît";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        let h = pw.hash(composed).unwrap();
        assert!(pw.verify(&decomposed, h.as_str()).unwrap());
    }

    #[test]
    fn the_default_cost_is_the_recommended_one() {
        let pw = Passwords::default();
        assert_eq!(pw.cost(), PasswordCost::RECOMMENDED);
        let h = pw.hash("a long enough passphrase here").unwrap();
        assert!(
            h.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{h}"
        );
        assert!(!pw.needs_rehash(h.as_str()));
    }

    #[test]
    fn verification_uses_the_stored_cost_and_flags_rehash() {
        let cheap = Passwords::new(PasswordCost::FOR_TESTS).unwrap();
        let stronger = Passwords::new(PasswordCost {
            memory_kib: 128,
            iterations: 2,
            lanes: 1,
        })
        .unwrap();
        let h = cheap.hash("an old but fine passphrase").unwrap();
        assert!(stronger
            .verify("an old but fine passphrase", h.as_str())
            .unwrap());
        assert!(stronger.needs_rehash(h.as_str()));
        assert!(!cheap.needs_rehash(h.as_str()));
        assert!(cheap.needs_rehash("not a hash"));
    }

    #[test]
    fn other_argon2_variants_verify_but_need_rehash() {
        let pw = Passwords::new(PasswordCost::FOR_TESTS).unwrap();
        let params = Params::new(64, 1, 1, None).unwrap();
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
        let h = argon2i
            .hash_password_with_salt(b"legacy variant passphrase", b"saltsaltsaltsalt")
            .unwrap()
            .to_string();
        assert!(h.starts_with("$argon2i$"), "{h}");
        assert!(pw.verify("legacy variant passphrase", &h).unwrap());
        assert!(pw.needs_rehash(&h));
    }

    #[test]
    fn malformed_hashes_are_errors_not_mismatches() {
        let pw = Passwords::new(PasswordCost::FOR_TESTS).unwrap();
        for bad in ["", "plain text", "$argon2id$v=19$m=64,t=1,p=1$!!$!!"] {
            assert!(
                matches!(
                    pw.verify("whatever it is", bad),
                    Err(PasswordError::Malformed { .. })
                ),
                "{bad}"
            );
        }
        let err = pw
            .verify("x", "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo")
            .unwrap_err();
        assert!(err.to_string().contains("not argon2"), "{err}");
    }

    #[test]
    fn unknown_users_are_checked_against_a_dummy() {
        let pw = Passwords::new(PasswordCost::FOR_TESTS).unwrap();
        assert!(!pw.verify_login("anything at all here", None).unwrap());
        let h = pw.hash("the right passphrase").unwrap();
        assert!(pw
            .verify_login("the right passphrase", Some(h.as_str()))
            .unwrap());
        assert!(!pw
            .verify_login("the wrong passphrase", Some(h.as_str()))
            .unwrap());
    }

    #[test]
    fn bad_costs_are_refused() {
        let err = Passwords::new(PasswordCost {
            memory_kib: 1,
            iterations: 0,
            lanes: 1,
        })
        .unwrap_err();
        assert!(matches!(err, PasswordError::Cost { .. }), "{err}");
    }
}
