//! The rows of the record, as the store reads and writes them.

use chrono::NaiveDate;
use hudna_core::{GeoPrecision, Grade, IncidentType, Target};
use serde::Serialize;

/// An article's id: the first 63 bits of the SHA-256 of its normalised text, so the same
/// text gets the same id in every run and on every machine.
pub type ArticleId = i64;

/// A mention's id, derived from its article and position, or from its structured source.
pub type MentionId = i64;

/// An article to store.
#[derive(Debug, Clone)]
pub struct NewArticle<'a> {
    /// Its id (see [`ArticleId`]).
    pub id: ArticleId,
    /// SHA-256 of the normalised text.
    pub content_hash: [u8; 32],
    /// The caller's id, if it had one.
    pub external_id: Option<&'a str>,
    /// Where it was published.
    pub url: Option<&'a str>,
    /// Headline.
    pub title: Option<&'a str>,
    /// Publication day.
    pub published: Option<NaiveDate>,
    /// Outlet.
    pub outlet: Option<&'a str>,
    /// The text as read.
    pub text: &'a str,
    /// File it was first read from (`-` for standard input).
    pub source_file: &'a str,
    /// Format of that file.
    pub source_format: &'a str,
    /// Where in the file (`line 3`, `item 2`).
    pub source_locator: Option<&'a str>,
    /// When it was stored (RFC 3339).
    pub ingested_at: &'a str,
    /// Its MinHash signature.
    pub minhash: &'a [u32],
    /// Its near-duplicate group label.
    pub group: i64,
}

/// A spot: one distinct consolidation key (type, day, place, perpetrator) shared by many
/// mentions. Consolidation links spots into blocks and clusters mentions within a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Spot {
    /// Derived from the key, so the same key always gets the same id.
    pub id: i64,
    /// Incident type.
    pub kind: IncidentType,
    /// Day, if known.
    pub date: Option<NaiveDate>,
    /// When the mention gives no day: its article's publication day (the event happened on
    /// it or shortly before), so that undated reports are not matched with any day at all.
    pub reported: Option<NaiveDate>,
    /// Folded place name (empty when the mention names no place).
    pub place_key: String,
    /// Governorate.
    pub admin1: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// How precise the point is.
    pub precision: Option<GeoPrecision>,
    /// Actor code of the perpetrator.
    pub perpetrator: String,
    /// Block label (internal).
    pub block: i64,
}

/// The days a neighbour search accepts: spots dated within `dated`, spots dated only by
/// publication with a publication day within `reported`, and spots with neither (which may
/// be any day). Consolidation decides the bounds; the store only applies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayWindow {
    /// First and last day (inclusive) of a spot's own day.
    pub dated: (NaiveDate, NaiveDate),
    /// First and last publication day (inclusive) of a spot that gives no day.
    pub reported: (NaiveDate, NaiveDate),
}

/// A mention to store: one incident as one source reports it.
#[derive(Debug, Clone)]
pub struct NewMention<'a> {
    /// Its id.
    pub id: MentionId,
    /// The article it was read from (none for structured sources).
    pub article: Option<ArticleId>,
    /// Position in the article's extraction.
    pub ordinal: u32,
    /// Structured source reference (`ucdp-ged:123`).
    pub source_ref: Option<&'a str>,
    /// Who reported a structured event.
    pub source_note: Option<&'a str>,
    /// Structured sources: the dataset's key. Its rows are separate events that count as one
    /// source and never merge with each other.
    pub source_group: Option<i64>,
    /// The incident as the source reports it.
    pub incident: &'a hudna_core::Incident,
    /// Its spot.
    pub spot: i64,
}

/// A mention as consolidation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterMention {
    /// Id.
    pub id: MentionId,
    /// Article, if any.
    pub article: Option<ArticleId>,
    /// The article's near-duplicate group label, or a structured source's dataset key.
    pub group: Option<i64>,
    /// The spot (carries type, day, place key, point, perpetrator).
    pub spot: Spot,
    /// Place as written.
    pub place: Option<String>,
    /// What was hit.
    pub target: Target,
    /// Side attacked.
    pub target_actor: Option<String>,
    /// Killed.
    pub killed: Option<u32>,
    /// Injured.
    pub injured: Option<u32>,
    /// Claimed by the perpetrator.
    pub claimed: bool,
    /// The incident it is linked to now, if any.
    pub incident: Option<i64>,
    /// The publication day of its article, if known: an undated mention is dated by it.
    pub published: Option<NaiveDate>,
}

/// How precisely an incident's day is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// A source gives the day.
    Day,
    /// No source gives a day; the event happened on or in the three days before the
    /// earliest publication day of its sources (`reported`).
    Reported,
}

impl DatePrecision {
    /// The spelling used in the record and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Day => "day",
            DatePrecision::Reported => "reported",
        }
    }

    /// The precision spelt `s`.
    pub fn parse(s: &str) -> Option<DatePrecision> {
        match s {
            "day" => Some(DatePrecision::Day),
            "reported" => Some(DatePrecision::Reported),
            _ => None,
        }
    }
}

/// A consolidated incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentRecord {
    /// The id everyone outside the record sees (exports, findings, `/incidents/{id}`): given
    /// when the incident is created and never changed, even when a report that comes before
    /// its seed arrives (see [`IncidentRecord::id`]).
    #[serde(rename = "id")]
    pub public_id: i64,
    /// The record's key: the id of the mention that seeds it. It follows the seed, so it
    /// can change as reports arrive; it never leaves the record.
    #[serde(skip)]
    pub id: i64,
    /// Type.
    #[serde(rename = "type")]
    pub kind: IncidentType,
    /// Day, when a source gives one.
    pub date: Option<NaiveDate>,
    /// How precisely the day is known (`None`: not at all).
    pub date_precision: Option<DatePrecision>,
    /// When no source gives a day: the earliest publication day of its sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<NaiveDate>,
    /// Place as written by the most precise source.
    pub place: Option<String>,
    /// Governorate.
    pub admin1: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Precision of the point.
    pub geo_precision: Option<GeoPrecision>,
    /// Perpetrator most sources name (see `contested`).
    pub perpetrator: String,
    /// Sources disagree on the perpetrator.
    pub contested: bool,
    /// How well established it is.
    pub grade: Grade,
    /// Killed (the highest toll a source states).
    pub killed: Option<u32>,
    /// Injured (the highest toll a source states).
    pub injured: Option<u32>,
    /// What was hit.
    pub target: Target,
    /// Side attacked.
    pub target_actor: Option<String>,
    /// Claimed by its perpetrator.
    pub claimed: bool,
    /// Investigation that established it (none yet).
    pub investigation: Option<String>,
    /// Independent sources.
    #[serde(rename = "independent_sources")]
    pub sources: u32,
    /// Mentions linked.
    pub reports: u32,
    /// Consolidation block (internal label).
    #[serde(skip)]
    pub block: i64,
    /// The mention the place fields come from.
    #[serde(skip)]
    pub place_mention: i64,
}

/// One source of an incident, for exports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRecord {
    /// The mention.
    pub mention_id: MentionId,
    /// The article, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_id: Option<ArticleId>,
    /// The caller's id of the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Outlet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Publication day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// When the article is a syndicated copy: the canonical article it counts with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub syndicated_from: Option<ArticleId>,
    /// Structured source reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    /// Structured source note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_note: Option<String>,
    /// The perpetrator this source names.
    pub perpetrator: String,
    /// Day this source gives.
    pub date: Option<NaiveDate>,
    /// Place as this source writes it.
    pub place: Option<String>,
    /// Killed, as this source states.
    pub killed: Option<u32>,
    /// Injured, as this source states.
    pub injured: Option<u32>,
    /// Character spans of the article text supporting it.
    pub evidence: Vec<[usize; 2]>,
}

/// An incident with its sources, as exports see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentWithSources {
    /// The incident.
    #[serde(flatten)]
    pub incident: IncidentRecord,
    /// Its sources, by mention id.
    #[serde(rename = "sources")]
    pub sources_list: Vec<SourceRecord>,
}

/// Which incidents an export wants. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentFilter {
    /// From this day on (undated incidents are left out when set).
    pub since: Option<NaiveDate>,
    /// Up to this day (undated incidents are left out when set).
    pub until: Option<NaiveDate>,
    /// Governorate.
    pub admin1: Option<String>,
    /// Type.
    pub kind: Option<IncidentType>,
    /// Perpetrator.
    pub perpetrator: Option<String>,
    /// Grade.
    pub grade: Option<Grade>,
}

/// Row counts of a dump.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Dump {
    /// Articles.
    pub articles: u64,
    /// Syndication links.
    pub syndication: u64,
    /// Mentions.
    pub mentions: u64,
    /// Incidents.
    pub incidents: u64,
    /// Mention → incident links.
    pub links: u64,
}
