//! Between the record's rows and the engine's values.

use chrono::FixedOffset;
use hudna_core::GeoPrecision;
use hudna_store::{IncidentRecord, StoredFinding, StoredProposal};
use hudna_truce::{
    CheckedIncident, DatePrecision, Effect, Finding, ProposalEffect, Rule, Severity, UNKNOWN_ACTOR,
};
use sha2::{Digest, Sha256};

use crate::CheckError;

/// What the engine judges of a consolidated incident. Its id is the incident's public id;
/// its date is the day a source gives, or — when none does — the day it was first
/// reported, with [`DatePrecision::Reported`] (the engine then spreads it over that day and
/// the three before). The incident's local day is read in `offset`, the truce's.
pub fn checked_incident(i: &IncidentRecord, offset: FixedOffset) -> CheckedIncident {
    let (date, date_precision) = match (i.date, i.reported) {
        (Some(d), _) => (Some(d), DatePrecision::Day),
        (None, Some(r)) => (Some(r), DatePrecision::Reported),
        (None, None) => (None, DatePrecision::Day),
    };
    CheckedIncident {
        id: i.public_id.to_string(),
        kind: i.kind,
        date,
        time: None,
        date_precision,
        utc_offset: offset,
        lat: i.lat,
        lon: i.lon,
        precision: i.geo_precision.unwrap_or(GeoPrecision::Locality),
        perpetrator: if i.perpetrator.trim().is_empty() {
            UNKNOWN_ACTOR.to_string()
        } else {
            i.perpetrator.clone()
        },
        perpetrator_group: None,
        target: i.target,
        target_actor: i.target_actor.clone().filter(|a| !a.trim().is_empty()),
        target_group: None,
    }
}

/// A hash of everything the engine reads of an incident except its id and the offset (which
/// belongs to the truce): equal hashes, equal findings under the same truce version.
pub fn incident_hash(c: &CheckedIncident) -> i64 {
    let text = format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{:?}|{:?}",
        c.kind.as_str(),
        c.date,
        c.time,
        c.date_precision,
        c.lat.map(f64::to_bits),
        c.lon.map(f64::to_bits),
        c.precision,
        c.perpetrator,
        c.target.as_str(),
        c.target_actor,
        c.perpetrator_group,
        c.target_group,
    );
    let digest = Sha256::digest(text.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(b)
}

/// A finding as the record stores it.
pub(crate) fn to_stored(
    f: &Finding,
    version: u32,
    first_run: i64,
    run: i64,
) -> Result<StoredFinding, CheckError> {
    let incident = f
        .incident
        .parse::<i64>()
        .map_err(|_| CheckError::BadFinding {
            incident: 0,
            truce: f.truce.clone(),
            what: format!("incident id `{}` is not a public id", f.incident),
        })?;
    Ok(StoredFinding {
        incident,
        truce: f.truce.clone(),
        truce_version: version,
        term: f.term.clone(),
        rule: f.rule.as_str().to_string(),
        severity: f.severity.as_str().to_string(),
        confidence: f.confidence,
        distance_km: f.distance_km,
        explanation: f.explanation.clone(),
        explanation_ar: f.explanation_ar.clone(),
        proposal: f.proposal.as_ref().map(|p| StoredProposal {
            term: p.term.clone(),
            effect: p.effect.as_str().to_string(),
        }),
        first_run,
        run,
    })
}

/// A stored finding as the engine writes it.
pub(crate) fn from_stored(s: &StoredFinding) -> Result<Finding, CheckError> {
    let bad = |what: String| CheckError::BadFinding {
        incident: s.incident,
        truce: s.truce.clone(),
        what,
    };
    let rule = Rule::parse(&s.rule).ok_or_else(|| bad(format!("unknown rule `{}`", s.rule)))?;
    let severity = Severity::parse(&s.severity)
        .ok_or_else(|| bad(format!("unknown severity `{}`", s.severity)))?;
    let proposal = match &s.proposal {
        None => None,
        Some(p) => Some(ProposalEffect {
            term: p.term.clone(),
            effect: Effect::parse(&p.effect)
                .ok_or_else(|| bad(format!("unknown proposal effect `{}`", p.effect)))?,
        }),
    };
    Ok(Finding {
        incident: s.incident.to_string(),
        truce: s.truce.clone(),
        term: s.term.clone(),
        rule,
        severity,
        confidence: s.confidence,
        distance_km: s.distance_km,
        explanation: s.explanation.clone(),
        explanation_ar: s.explanation_ar.clone(),
        proposal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hudna_core::{Grade, IncidentType, Target};

    fn record() -> IncidentRecord {
        IncidentRecord {
            public_id: 42,
            id: 7,
            kind: IncidentType::AirStrike,
            date: None,
            date_precision: Some(hudna_store::DatePrecision::Reported),
            reported: chrono::NaiveDate::from_ymd_opt(2016, 9, 20),
            place: None,
            admin1: None,
            lat: Some(36.2),
            lon: Some(37.1),
            geo_precision: None,
            perpetrator: "RUS".into(),
            contested: false,
            grade: Grade::Weak,
            killed: None,
            injured: None,
            target: Target::Medical,
            target_actor: Some(" ".into()),
            claimed: false,
            investigation: None,
            sources: 1,
            reports: 1,
            block: 7,
            place_mention: 7,
        }
    }

    #[test]
    fn the_engine_sees_the_public_id_and_a_reported_day() {
        let o = FixedOffset::east_opt(3 * 3600).unwrap();
        let c = checked_incident(&record(), o);
        assert_eq!(c.id, "42");
        assert_eq!(c.date, chrono::NaiveDate::from_ymd_opt(2016, 9, 20));
        assert_eq!(c.date_precision, DatePrecision::Reported);
        assert_eq!(c.precision, GeoPrecision::Locality);
        assert_eq!(c.target_actor, None);
        // The hash follows what the engine reads, not the row id or the offset.
        let mut other = record();
        other.id = 8;
        let same = checked_incident(&other, FixedOffset::east_opt(0).unwrap());
        assert_eq!(incident_hash(&c), incident_hash(&same));
        other.target = Target::Civilians;
        assert_ne!(
            incident_hash(&c),
            incident_hash(&checked_incident(&other, o))
        );
    }

    #[test]
    fn findings_survive_the_round_trip() {
        let f = Finding {
            incident: "42".into(),
            truce: "t".into(),
            term: "z".into(),
            rule: Rule::NoFlyBreach,
            severity: Severity::Grave,
            confidence: 0.37,
            distance_km: Some(0.123),
            explanation: "why".into(),
            explanation_ar: "السبب".into(),
            proposal: Some(ProposalEffect {
                term: "z".into(),
                effect: Effect::WouldAdd,
            }),
        };
        let s = to_stored(&f, 3, 1, 2).unwrap();
        assert_eq!(s.truce_version, 3);
        assert_eq!(from_stored(&s).unwrap(), f);
        // In JSON the incident id is a string, as the engine's findings have it; a number
        // still reads, anything else is refused.
        let mut json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["incident"], "42");
        assert_eq!(
            serde_json::from_value::<StoredFinding>(json.clone()).unwrap(),
            s
        );
        json["incident"] = 42.into();
        assert_eq!(
            serde_json::from_value::<StoredFinding>(json.clone()).unwrap(),
            s
        );
        // Findings written before the Arabic explanation existed still read, without it.
        let mut old = json.clone();
        old.as_object_mut().unwrap().remove("explanation_ar");
        let read = serde_json::from_value::<StoredFinding>(old).unwrap();
        assert_eq!(read.explanation_ar, "");
        assert_eq!(read.explanation, s.explanation);
        json["incident"] = "r18#3fa9c2d1".into();
        assert!(serde_json::from_value::<StoredFinding>(json).is_err());
        let mut broken = s;
        broken.rule = "nonsense".into();
        assert!(from_stored(&broken).is_err());
    }
}
