//! Findings: what the engine says about an incident under a truce, and why.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// The rule that produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A party's incident inside the period and the covered area: a possible violation.
    PartyAttack,
    /// The side attacked is designated: outside the truce, recorded, not a violation.
    ExcludedTarget,
    /// The attacker is designated: outside the truce, recorded, not a violation.
    ExcludedPerpetrator,
    /// A forbidden incident type by a restricted actor inside a demilitarised zone or an
    /// area of control, in its window.
    ZoneBreach,
    /// An air strike inside a no-fly zone, in its window, by a restricted (or unknown) actor.
    NoFlyBreach,
    /// An incident within the radius of a notified site while it was notified.
    NotifiedSiteHit,
    /// An incident within the corridor of a notified movement during its window.
    NotifiedMovementHit,
    /// No perpetrator named, inside the period and the covered area: needs investigation.
    Unattributed,
}

impl Rule {
    /// Every rule, in a stable order.
    pub const ALL: &'static [Rule] = &[
        Rule::PartyAttack,
        Rule::ExcludedTarget,
        Rule::ExcludedPerpetrator,
        Rule::ZoneBreach,
        Rule::NoFlyBreach,
        Rule::NotifiedSiteHit,
        Rule::NotifiedMovementHit,
        Rule::Unattributed,
    ];

    /// The spelling used in output and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::PartyAttack => "party_attack",
            Rule::ExcludedTarget => "excluded_target",
            Rule::ExcludedPerpetrator => "excluded_perpetrator",
            Rule::ZoneBreach => "zone_breach",
            Rule::NoFlyBreach => "no_fly_breach",
            Rule::NotifiedSiteHit => "notified_site_hit",
            Rule::NotifiedMovementHit => "notified_movement_hit",
            Rule::Unattributed => "unattributed",
        }
    }

    /// The rule named `s`.
    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// An attack on civilians, medical, humanitarian or education targets, or on a notified
    /// site or movement.
    Grave,
    /// Any other possible violation.
    Serious,
    /// Not attributable yet: needs investigation.
    Review,
    /// Recorded for the record, not a violation (designated groups).
    Info,
}

impl Severity {
    /// The spelling used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Grave => "grave",
            Severity::Serious => "serious",
            Severity::Review => "review",
            Severity::Info => "info",
        }
    }

    /// The severity spelt `s` (as [`Severity::as_str`] writes it).
    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Grave,
            Severity::Serious,
            Severity::Review,
            Severity::Info,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// What a proposed term would do to a finding, were it adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The finding would appear.
    WouldAdd,
    /// The finding (which holds now) would disappear.
    WouldRemove,
    /// The finding would stay but read differently (severity, confidence, explanation).
    WouldChange,
}

impl Effect {
    /// The spelling used in output (`would_add`, `would_remove`, `would_change`).
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::WouldAdd => "would_add",
            Effect::WouldRemove => "would_remove",
            Effect::WouldChange => "would_change",
        }
    }

    /// The effect spelt `s` (as [`Effect::as_str`] writes it).
    pub fn parse(s: &str) -> Option<Effect> {
        [Effect::WouldAdd, Effect::WouldRemove, Effect::WouldChange]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Marks a finding as the effect of a proposed term rather than of the terms in force.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ProposalEffect {
    /// Id of the proposed zone or designation.
    pub term: String,
    /// What adopting it would do to this finding.
    pub effect: Effect,
}

/// One finding: an incident judged under one term of one truce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The incident.
    pub incident: String,
    /// The truce.
    pub truce: String,
    /// The term (period, designation, zone or notification id).
    pub term: String,
    /// The rule.
    pub rule: Rule,
    /// How serious.
    pub severity: Severity,
    /// How certain, 0–1 (two decimals): the chance that the incident, given how precisely
    /// its place and date are known and who is said to have done it, falls under the term.
    pub confidence: f64,
    /// The distance that triggered the finding: km inside the covered area (scope rules:
    /// party attack, unattributed, excluded) or the zone (zone and no-fly breaches), to its
    /// nearest boundary, measured in full; or km from the notified site or route. Absent only
    /// for scope rules under a truce without a covered area, which applies everywhere and so
    /// has no boundary to measure from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// One line saying why, with the distance and the time that triggered it.
    pub explanation: String,
    /// The same line in Arabic, written from the same facts (term ids, actor codes, names,
    /// distances and ISO dates as in the English), for readers of the Arabic interface.
    pub explanation_ar: String,
    /// Set when this is what a proposed term would change, not a finding under the terms in
    /// force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<ProposalEffect>,
}

impl Finding {
    /// What identifies a finding across runs: incident, truce, proposal, rule, term. Two
    /// findings with the same key are the same finding, possibly re-scored.
    pub fn key(&self) -> (&str, &str, Option<&ProposalEffect>, Rule, &str) {
        (
            &self.incident,
            &self.truce,
            self.proposal.as_ref(),
            self.rule,
            &self.term,
        )
    }

    /// The deterministic order of findings: by key.
    pub fn order(a: &Finding, b: &Finding) -> Ordering {
        a.key().cmp(&b.key())
    }
}

/// Rounds to two decimals, the precision findings are stated with (and compared at).
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
