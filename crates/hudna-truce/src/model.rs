//! A validated truce: what [`crate::load_truce`] returns and the engine compiles.
//!
//! Every value here has passed validation: dates are instants with their UTC offset,
//! geometries are closed, simple and in range, actor codes exist in the theatre. Terms
//! (periods, designations, zones, notifications) carry ids that are unique within the
//! truce, because findings name them and the record keeps them across versions.

use chrono::{DateTime, FixedOffset, NaiveDate};
use geo::{LineString, MultiPolygon};
use hudna_core::IncidentType;
use serde::{Deserialize, Serialize};

/// A truce: an agreement to stop fighting, with its periods, parties, exclusions, zones and
/// humanitarian notifications.
#[derive(Debug, Clone, PartialEq)]
pub struct Truce {
    /// Stable identifier (e.g. `issg-2016`), used in findings and by the record.
    pub id: String,
    /// Names in Arabic and English.
    pub name: Names,
    /// The offset given to dates and times written without one.
    pub utc_offset: FixedOffset,
    /// Where the terms come from.
    pub source: Source,
    /// When the truce applies; a renewal is a later period of the same truce.
    pub periods: Vec<Period>,
    /// The actors bound by it, from their acceptance.
    pub parties: Vec<Party>,
    /// Groups left outside it (in force or proposed).
    pub designations: Vec<Designation>,
    /// Covered areas, demilitarised and no-fly zones, areas of control.
    pub zones: Vec<Zone>,
    /// Sites and movements notified to the parties for deconfliction.
    pub notifications: Vec<Notification>,
    /// The file it was read from, for messages (empty when read from a string).
    pub file: String,
}

impl Truce {
    /// Every term id with what it is (`period`, `designation`, `zone`, `site`, `movement`),
    /// in file order. Used by listings and by the checker to tell which terms changed.
    pub fn term_ids(&self) -> Vec<(&str, &'static str)> {
        let mut ids: Vec<(&str, &'static str)> = Vec::new();
        ids.extend(self.periods.iter().map(|p| (p.id.as_str(), "period")));
        ids.extend(
            self.designations
                .iter()
                .map(|d| (d.id.as_str(), "designation")),
        );
        ids.extend(self.zones.iter().map(|z| (z.id.as_str(), "zone")));
        ids.extend(self.notifications.iter().map(|n| {
            (
                n.id.as_str(),
                match n.kind {
                    NotificationKind::Site(_) => "site",
                    NotificationKind::Movement(_) => "movement",
                },
            )
        }));
        ids
    }
}

/// Names of a truce or a group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names {
    /// Arabic name.
    pub ar: String,
    /// English name.
    pub en: String,
}

/// The agreement a truce was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Title of the text (a joint statement, a resolution, an arrangement).
    pub title: String,
    /// Where the text can be read, or a short description of it.
    pub text: Option<String>,
    /// A link to the text.
    pub url: Option<String>,
    /// The day the text was agreed or published.
    pub date: NaiveDate,
    /// Who signed or announced it, as written (states, organisations).
    pub signatories: Vec<String>,
    /// Actor codes of the guarantors (co-chairs, sponsors).
    pub guarantors: Vec<String>,
}

/// A span of time; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    /// First instant inside the window; `None` is open.
    pub from: Option<DateTime<FixedOffset>>,
    /// First instant after the window; `None` is open.
    pub until: Option<DateTime<FixedOffset>>,
}

impl Window {
    /// The window as Unix seconds, open ends as the extremes of `i64`.
    pub fn seconds(&self) -> (i64, i64) {
        (
            self.from.map_or(i64::MIN, |t| t.timestamp()),
            self.until.map_or(i64::MAX, |t| t.timestamp()),
        )
    }

    /// `true` when both ends are open.
    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.until.is_none()
    }
}

/// One period of a truce. The first is the agreement; later ones are renewals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Term id.
    pub id: String,
    /// When it applies.
    pub window: Window,
    /// Why it starts or ends when it does.
    pub note: Option<String>,
    /// Where the dates come from.
    pub source: Option<String>,
}

/// How an actor stands to the truce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// Accepted the terms and is bound by them.
    Party,
    /// Sponsors and monitors the truce and, where it also fights, is bound by it.
    Guarantor,
}

/// An actor bound by the truce from its acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Actor code.
    pub actor: String,
    /// When it accepted; before that it is not bound.
    pub accepted: DateTime<FixedOffset>,
    /// When it withdrew, if it did.
    pub withdrawn: Option<DateTime<FixedOffset>>,
    /// Limits the acceptance to one period (a party that only joined a renewal).
    pub period: Option<String>,
    /// Party or guarantor.
    pub role: PartyRole,
    /// Why it is listed so.
    pub note: Option<String>,
    /// Where the acceptance is recorded.
    pub source: Option<String>,
}

/// Whether a term applies, or was only asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Agreed and applied.
    InForce,
    /// Demanded by someone but not adopted: evaluated separately, as what it would change.
    Proposed,
}

impl Status {
    /// The spelling used in files and findings.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InForce => "in_force",
            Status::Proposed => "proposed",
        }
    }
}

/// A group left outside the truce: attacks by it or on it are recorded, not scored as
/// violations.
///
/// The actor list codes factions coarsely (the news rarely separates them), so a
/// designation names an actor code and, when it concerns one group inside that code, the
/// group and its aliases. An incident that names the group is matched for certain; one that
/// only carries the actor code might be that group, which lowers the confidence of its
/// findings and is said in their explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Designation {
    /// Term id.
    pub id: String,
    /// Actor code the group is coded under.
    pub actor: String,
    /// The group, when the designation covers only part of the actor code.
    pub group: Option<String>,
    /// Other names of the group (any language), compared without case.
    pub aliases: Vec<String>,
    /// Who designated it (e.g. "UN Security Council").
    pub listed_by: String,
    /// From when it is designated.
    pub listed_from: DateTime<FixedOffset>,
    /// When it stopped being designated.
    pub delisted_at: Option<DateTime<FixedOffset>>,
    /// In force or only proposed.
    pub status: Status,
    /// Actor code of who asked for a proposed designation.
    pub proposed_by: Option<String>,
    /// Remarks.
    pub note: Option<String>,
    /// Where the listing is recorded.
    pub source: Option<String>,
}

impl Designation {
    /// How findings name the designated group: its group name, or the actor code.
    pub fn label(&self) -> &str {
        self.group.as_deref().unwrap_or(&self.actor)
    }

    /// `true` when `name` is the group or one of its aliases (case and surrounding space
    /// ignored).
    pub fn names_group(&self, name: &str) -> bool {
        let name = name.trim();
        self.group
            .iter()
            .chain(self.aliases.iter())
            .any(|g| g.trim().eq_ignore_ascii_case(name) || g.trim() == name)
    }
}

/// What a zone is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    /// Where the truce applies. With none, it applies everywhere.
    CoveredArea,
    /// Where the restricted actors may not carry out the forbidden incident types.
    Demilitarised,
    /// Where the restricted actors may not fly (air strikes are breaches).
    NoFly,
    /// An area held by some actors, which the restricted actors may not attack.
    ControlArea,
}

impl ZoneKind {
    /// The spelling used in files and findings.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::CoveredArea => "covered_area",
            ZoneKind::Demilitarised => "demilitarised",
            ZoneKind::NoFly => "no_fly",
            ZoneKind::ControlArea => "control_area",
        }
    }
}

/// An area term.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Term id.
    pub id: String,
    /// What it is for.
    pub kind: ZoneKind,
    /// A readable name.
    pub name: Option<String>,
    /// Its area (longitude/latitude, WGS84).
    pub geometry: MultiPolygon<f64>,
    /// Actor codes the zone restricts; empty means every actor.
    pub restricted: Vec<String>,
    /// Incident types forbidden inside; empty means every type.
    pub forbidden: Vec<IncidentType>,
    /// Actor codes holding a `control_area`.
    pub controlled_by: Vec<String>,
    /// When it applies; open means during the truce's periods.
    pub window: Window,
    /// In force or proposed.
    pub status: Status,
    /// Actor code of who asked for a proposed zone.
    pub proposed_by: Option<String>,
    /// Remarks (e.g. how approximate the outline is).
    pub note: Option<String>,
    /// Where the zone is described.
    pub source: Option<String>,
}

/// Kind of a notified site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facility {
    /// A hospital or clinic.
    Hospital,
    /// A school.
    School,
    /// An aid warehouse.
    Warehouse,
    /// A camp for displaced people.
    Camp,
    /// Another humanitarian facility.
    Other,
}

impl Facility {
    /// The spelling used in files and findings.
    pub fn as_str(self) -> &'static str {
        match self {
            Facility::Hospital => "hospital",
            Facility::School => "school",
            Facility::Warehouse => "warehouse",
            Facility::Camp => "camp",
            Facility::Other => "site",
        }
    }
}

/// How well the record supports a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The notification (who was told, when) is on the public record.
    #[default]
    Documented,
    /// The site is real but the notification is not documented publicly; kept to show the
    /// rule, and said so in every finding.
    Illustrative,
}

/// The prefix of the term ids given to notifications filed through hudna (`filed:12` for the
/// stored notification 12) when they are judged with a truce's terms. A truce file's own
/// term ids may not start with it, so the two never collide.
pub const FILED_TERM_PREFIX: &str = "filed:";

/// Who may read a notification of the truce file (its place, route and name).
///
/// A humanitarian organisation tells the parties where its hospitals and convoys are so
/// that they are not hit; it does not thereby publish them. So a notification is, by
/// default, for the parties it was given to and whoever speaks for them, the organisation
/// that gave it, and the co-chairs; a notification already on the public record may say so.
/// The truce itself stays public: only its notifications carry a visibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NotificationVisibility {
    /// The co-chairs, the organisations representing a notified party, and the
    /// organisation named by `organisation` (matched against the record's organisations
    /// by name).
    #[default]
    Notified,
    /// Every signed-in account of the contact group.
    Members,
    /// Everyone, anonymous visitors included.
    Public,
}

impl NotificationVisibility {
    /// The spelling in truce files.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationVisibility::Notified => "notified",
            NotificationVisibility::Members => "members",
            NotificationVisibility::Public => "public",
        }
    }
}

/// One party told of a site or movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Actor code.
    pub party: String,
    /// When it was told (when the record only says "before X", X).
    pub at: DateTime<FixedOffset>,
    /// Through what channel.
    pub via: Option<String>,
    /// Where this is recorded.
    pub source: Option<String>,
}

/// A fixed site protected by notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// What it is.
    pub facility: Facility,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Protected radius in km.
    pub radius_km: f64,
}

/// A movement (a convoy) protected by notification along its route.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    /// The route, longitude/latitude.
    pub route: LineString<f64>,
    /// Full width of the protected corridor in km (half on each side of the route).
    pub corridor_km: f64,
}

/// Site or movement.
#[derive(Debug, Clone, PartialEq)]
pub enum NotificationKind {
    /// A fixed site.
    Site(Site),
    /// A movement along a route.
    Movement(Movement),
}

/// A humanitarian notification: a site or movement whose location the parties were told,
/// so that hitting it is a deconfliction failure.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Term id.
    pub id: String,
    /// A readable name.
    pub name: String,
    /// Who runs or supports it.
    pub organisation: String,
    /// Site or movement.
    pub kind: NotificationKind,
    /// When it is protected (open start: from the first notice).
    pub window: Window,
    /// Who was told, and when.
    pub notified: Vec<Notice>,
    /// Documented or illustrative.
    pub basis: Basis,
    /// Who may read it.
    pub visibility: NotificationVisibility,
    /// Remarks.
    pub note: Option<String>,
    /// Where the site, the movement and the notices are recorded.
    pub source: Option<String>,
}
