//! Truce files into the record, as versions; versions back out of the record.
//!
//! A version is the TOML exactly as loaded plus every geometry file it names, hashed
//! together: loading the same content again (from anywhere) adds nothing, and any edit —
//! to the TOML or to an outline — makes a new version, the old one kept. What changed is
//! worked out term by term (a designation flipped to in force, a zone moved) and stored
//! with the version, so that `truce show` and the next `check` can say why findings moved.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use hudna_store::{NewTruceVersion, Store, TermRow, TruceVersion};
use hudna_truce::{
    parse_truce_with, ActorCodes, Checker, LoadError, NotificationKind, TermChange, Truce,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::CheckError;

/// A truce's content: the TOML and the files it names, by the path written in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TruceSource {
    /// How messages name it (the path it was read from).
    pub name: String,
    /// The TOML.
    pub toml: String,
    /// The geometry files it names: path as written → text.
    pub files: BTreeMap<String, String>,
}

impl TruceSource {
    /// SHA-256 over the TOML and every file (path and text), each length-prefixed so that
    /// no two different contents hash alike by shifting bytes between parts.
    pub fn content_hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut part = |b: &[u8]| {
            h.update((b.len() as u64).to_le_bytes());
            h.update(b);
        };
        part(self.toml.as_bytes());
        for (path, text) in &self.files {
            part(path.as_bytes());
            part(text.as_bytes());
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(&h.finalize());
        out
    }
}

fn invalid(e: LoadError) -> CheckError {
    match e {
        LoadError::Io { path, source } => CheckError::Io { path, source },
        LoadError::Invalid(problems) => CheckError::Invalid(problems),
    }
}

/// Reads and validates a truce file, with the geometry files it names (relative to its
/// folder). Problems come back as [`CheckError::Invalid`], each with file, line and field.
pub fn load_truce_file(
    path: &Path,
    actors: &ActorCodes,
) -> Result<(Truce, TruceSource), CheckError> {
    let name = path.display().to_string();
    let toml = std::fs::read_to_string(path).map_err(|source| CheckError::Io {
        path: name.clone(),
        source,
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut read = |rel: &str| {
        let full = base.join(rel);
        std::fs::read_to_string(&full).map_err(|e| format!("cannot read `{}`: {e}", full.display()))
    };
    parse_truce_source(&name, toml, &mut read, actors)
}

/// Validates a truce given as text, asking `read` for the files it names; returns the truce
/// and its content (the files actually read).
pub fn parse_truce_source(
    name: &str,
    toml: String,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    actors: &ActorCodes,
) -> Result<(Truce, TruceSource), CheckError> {
    let mut files = BTreeMap::new();
    let mut recording = |rel: &str| {
        let text = read(rel)?;
        files.insert(rel.to_string(), text.clone());
        Ok(text)
    };
    let truce = parse_truce_with(&toml, name, &mut recording, actors).map_err(invalid)?;
    Ok((
        truce,
        TruceSource {
            name: name.to_string(),
            toml,
            files,
        },
    ))
}

/// A stored version read back as a truce, from the record alone.
pub fn stored_truce(v: &TruceVersion, actors: &ActorCodes) -> Result<Truce, CheckError> {
    let files: BTreeMap<&str, &str> = v
        .files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut read = |rel: &str| {
        files
            .get(rel)
            .map(|t| t.to_string())
            .ok_or_else(|| format!("`{rel}` was not stored with this version"))
    };
    let name = format!("{} (stored version {})", v.source, v.version);
    parse_truce_with(&v.toml, &name, &mut read, actors).map_err(|e| CheckError::StoredInvalid {
        id: v.truce_id.clone(),
        version: v.version,
        reason: e.to_string(),
    })
}

/// What loading did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadOutcome {
    /// A truce the record did not have: version 1.
    New,
    /// A new version of a stored truce.
    Changed,
    /// The same content as the current version: nothing stored.
    Unchanged,
}

/// The result of [`store_truce`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loaded {
    /// The truce.
    pub truce: String,
    /// Its current version after loading.
    pub version: u32,
    /// The version before, if there was one.
    pub previous: Option<u32>,
    /// What happened.
    pub outcome: LoadOutcome,
    /// The terms added, removed or changed since the previous version.
    pub changes: Vec<TermChange>,
    /// Set when the previous version could not be compared (it no longer validates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The terms of the current version.
    pub terms: Vec<TermRow>,
}

/// Stores `truce` (read from `source`) as a new version unless the current version has the
/// same content. One transaction.
pub fn store_truce(
    store: &mut dyn Store,
    truce: &Truce,
    source: &TruceSource,
    actors: &ActorCodes,
    now: &str,
) -> Result<Loaded, CheckError> {
    let hash = source.content_hash();
    let current = store.truce_version(&truce.id, None)?;
    let terms = term_rows(truce);
    if let Some(cur) = &current {
        if cur.content_hash == hex(&hash) {
            return Ok(Loaded {
                truce: truce.id.clone(),
                version: cur.version,
                previous: Some(cur.version),
                outcome: LoadOutcome::Unchanged,
                changes: Vec::new(),
                note: None,
                terms: cur.terms.clone(),
            });
        }
    }
    let (changes, note) = match &current {
        None => (
            truce
                .term_ids()
                .into_iter()
                .map(|(id, kind)| TermChange {
                    kind,
                    id: id.to_string(),
                    change: "added",
                })
                .collect(),
            None,
        ),
        Some(cur) => match stored_truce(cur, actors) {
            Ok(old) => (term_changes(&old, truce), None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        },
    };
    let changes_json = serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into());
    let files: Vec<(String, String)> = source
        .files
        .iter()
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    store.begin()?;
    let stored = store.insert_truce_version(&NewTruceVersion {
        truce_id: &truce.id,
        content_hash: hash,
        source: &source.name,
        name_en: &truce.name.en,
        name_ar: &truce.name.ar,
        loaded_at: now,
        changes: &changes_json,
        toml: &source.toml,
        files: &files,
        terms: &terms,
    });
    let version = match stored {
        Ok(v) => {
            store.commit()?;
            v
        }
        Err(e) => {
            let _ = store.rollback();
            return Err(e.into());
        }
    };
    Ok(Loaded {
        truce: truce.id.clone(),
        version,
        previous: current.as_ref().map(|c| c.version),
        outcome: if current.is_some() {
            LoadOutcome::Changed
        } else {
            LoadOutcome::New
        },
        changes,
        note,
        terms,
    })
}

/// The terms that differ between two versions, as the checker sees them, plus a change of
/// the truce's own UTC offset (which moves every local date).
pub fn term_changes(old: &Truce, new: &Truce) -> Vec<TermChange> {
    let mut checker = Checker::new(vec![old.clone()]);
    let (mut changes, _) = checker.replace_truce(new.clone());
    if old.utc_offset != new.utc_offset {
        changes.insert(
            0,
            TermChange {
                kind: "truce",
                id: "utc_offset".into(),
                change: "changed",
            },
        );
    }
    changes
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn when(t: DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M %:z").to_string()
}

fn window(w: &hudna_truce::Window) -> String {
    match (w.from, w.until) {
        (Some(f), Some(u)) => format!("{} – {}", when(f), when(u)),
        (Some(f), None) => format!("from {}", when(f)),
        (None, Some(u)) => format!("until {}", when(u)),
        (None, None) => "the truce's periods".into(),
    }
}

/// One row per term, in file order, with a line saying what it is.
pub fn term_rows(t: &Truce) -> Vec<TermRow> {
    let mut rows = Vec::new();
    for p in &t.periods {
        rows.push(TermRow {
            id: p.id.clone(),
            kind: "period".into(),
            status: None,
            label: window(&p.window),
        });
    }
    for p in &t.parties {
        let role = match p.role {
            hudna_truce::PartyRole::Party => "party",
            hudna_truce::PartyRole::Guarantor => "guarantor",
        };
        let mut label = format!("{} ({role}) accepted {}", p.actor, when(p.accepted));
        if let Some(w) = p.withdrawn {
            label.push_str(&format!(", withdrew {}", when(w)));
        }
        if let Some(period) = &p.period {
            label.push_str(&format!(", for period {period} only"));
        }
        rows.push(TermRow {
            id: format!("party:{}", p.actor),
            kind: "party".into(),
            status: None,
            label,
        });
    }
    for d in &t.designations {
        let mut label = match &d.group {
            Some(g) => format!("{g} (coded {})", d.actor),
            None => d.actor.clone(),
        };
        label.push_str(&format!(
            ", listed by {} from {}",
            d.listed_by,
            when(d.listed_from)
        ));
        if let Some(by) = &d.proposed_by {
            label.push_str(&format!(", proposed by {by}"));
        }
        rows.push(TermRow {
            id: d.id.clone(),
            kind: "designation".into(),
            status: Some(d.status.as_str().into()),
            label,
        });
    }
    for z in &t.zones {
        let mut label = z.kind.as_str().replace('_', " ");
        if let Some(n) = &z.name {
            label.push_str(&format!(": {n}"));
        }
        if !z.restricted.is_empty() {
            label.push_str(&format!("; restricts {}", z.restricted.join(", ")));
        }
        label.push_str(&format!("; {}", window(&z.window)));
        rows.push(TermRow {
            id: z.id.clone(),
            kind: "zone".into(),
            status: Some(z.status.as_str().into()),
            label,
        });
    }
    for n in &t.notifications {
        let kind = match n.kind {
            NotificationKind::Site(_) => "site",
            NotificationKind::Movement(_) => "movement",
        };
        let told: Vec<&str> = n.notified.iter().map(|x| x.party.as_str()).collect();
        let mut label = format!("{} ({})", n.name, n.organisation);
        if !told.is_empty() {
            label.push_str(&format!("; notified {}", told.join(", ")));
        }
        rows.push(TermRow {
            id: n.id.clone(),
            kind: kind.into(),
            status: None,
            label,
        });
    }
    rows
}

#[cfg(test)]
pub(crate) mod tests;
