//! The checker re-evaluates only what a change can touch, and says what changed.

use hudna_core::{IncidentType as K, Target as T};
use hudna_truce::{Checker, Effect, Rule, Status};

use crate::common::{inc, truce};

fn incidents() -> Vec<hudna_truce::CheckedIncident> {
    let mut named = inc(
        "opp-ahrar",
        "OPP",
        K::Shelling,
        T::Civilians,
        (2016, 9, 16),
        38.6,
        34.6,
    );
    named.perpetrator_group = Some("Ahrar al-Sham".into());
    vec![
        named,
        inc(
            "opp-plain",
            "OPP",
            K::Shelling,
            T::Civilians,
            (2016, 9, 16),
            38.5,
            34.5,
        ),
        inc(
            "gov",
            "SYR_GOV",
            K::AirStrike,
            T::Civilians,
            (2016, 9, 16),
            38.4,
            34.4,
        ),
        inc(
            "dmz",
            "SYR_GOV",
            K::Shelling,
            T::Armed,
            (2016, 9, 16),
            37.15,
            36.25,
        ),
        inc(
            "far",
            "RUS",
            K::AirStrike,
            T::Armed,
            (2016, 9, 16),
            40.0,
            35.0,
        ),
    ]
}

#[test]
fn unchanged_incidents_are_not_evaluated_again() {
    let mut c = Checker::new(vec![truce()]);
    let first = c.upsert(incidents());
    assert!(!first.added.is_empty());
    let n = c.evaluations();
    assert_eq!(n, 5);
    assert!(c.upsert(incidents()).is_empty());
    assert_eq!(c.evaluations(), n);

    // One incident edited: one evaluation, its findings re-scored.
    let mut edited = incidents();
    edited[2].target = T::Armed;
    let diff = c.upsert(edited);
    assert_eq!(c.evaluations(), n + 1);
    assert_eq!(diff.changed.len(), 1, "{diff:#?}");
    assert_eq!(diff.changed[0].1.rule, Rule::PartyAttack);

    let diff = c.remove(&["gov"]);
    assert_eq!(diff.removed.len(), 1);
    assert!(c.findings().all(|f| f.incident != "gov"));
}

#[test]
fn flipping_a_designation_re_scores_only_that_actor_and_reports_what_changed() {
    let mut c = Checker::new(vec![truce()]);
    c.upsert(incidents());
    let before = c.evaluations();

    let mut t = truce();
    let d = t.designations.iter_mut().find(|d| d.id == "ahrar").unwrap();
    d.status = Status::InForce;
    let (terms, diff) = c.replace_truce(t);

    assert_eq!(terms.len(), 1, "{terms:?}");
    assert_eq!(
        (terms[0].id.as_str(), terms[0].change),
        ("ahrar", "changed")
    );
    // Only the two OPP incidents were evaluated again.
    assert_eq!(c.evaluations() - before, 2);

    // The named group's attack is now outside the truce …
    assert!(diff
        .removed
        .iter()
        .any(|f| f.incident == "opp-ahrar" && f.rule == Rule::PartyAttack && f.proposal.is_none()));
    assert!(diff
        .added
        .iter()
        .any(|f| f.incident == "opp-ahrar" && f.rule == Rule::ExcludedPerpetrator));
    // … the unnamed OPP attack is still a party's, with less confidence …
    let changed: Vec<_> = diff
        .changed
        .iter()
        .filter(|(_, a)| a.incident == "opp-plain" && a.proposal.is_none())
        .collect();
    assert_eq!(changed.len(), 1, "{diff:#?}");
    assert_eq!(
        (changed[0].0.confidence, changed[0].1.confidence),
        (1.0, 0.5)
    );
    // … and what the proposal "would" do is gone, since it is no longer a proposal.
    assert!(diff.removed.iter().any(|f| f
        .proposal
        .as_ref()
        .is_some_and(|p| p.term == "ahrar" && p.effect == Effect::WouldAdd)));
    assert!(c
        .findings()
        .all(|f| f.proposal.as_ref().is_none_or(|p| p.term != "ahrar")));
    // Nothing about the other incidents.
    assert!(diff
        .added
        .iter()
        .chain(&diff.removed)
        .all(|f| f.incident.starts_with("opp-")));
}

#[test]
fn moving_a_zone_re_scores_only_the_incidents_near_it() {
    let mut c = Checker::new(vec![truce()]);
    c.upsert(incidents());
    let before = c.evaluations();
    let mut t = truce();
    let z = t.zones.iter_mut().find(|z| z.id == "dmz").unwrap();
    z.restricted = vec!["OPP".into()];
    let (terms, diff) = c.replace_truce(t);
    assert_eq!(terms[0].id, "dmz");
    assert_eq!(
        c.evaluations() - before,
        1,
        "only the incident inside the zone"
    );
    assert_eq!(diff.removed.len(), 1);
    assert_eq!(diff.removed[0].rule, Rule::ZoneBreach);
}

#[test]
fn a_changed_period_re_scores_everything() {
    let mut c = Checker::new(vec![truce()]);
    c.upsert(incidents());
    let before = c.evaluations();
    let mut t = truce();
    t.periods[0].window.until = None;
    let (terms, _) = c.replace_truce(t);
    assert_eq!(terms[0].kind, "period");
    assert_eq!(c.evaluations() - before, 5);
}

#[test]
fn a_checker_restored_from_stored_findings_re_scores_as_one_that_evaluated_them() {
    // The record keeps incidents and findings between runs; a checker rebuilt from them
    // must give the same diff for a changed truce as the checker that computed them.
    let mut live = Checker::new(vec![truce()]);
    live.upsert(incidents());
    let stored: Vec<_> = incidents()
        .into_iter()
        .map(|i| {
            let f = live.findings_of(&i.id).to_vec();
            (i, f)
        })
        .collect();
    let mut restored = Checker::new(vec![truce()]);
    restored.restore(stored);
    assert_eq!(restored.evaluations(), 0, "restoring evaluates nothing");
    assert_eq!(
        restored.findings().collect::<Vec<_>>(),
        live.findings().collect::<Vec<_>>()
    );

    let mut t = truce();
    let d = t.designations.iter_mut().find(|d| d.id == "ahrar").unwrap();
    d.status = Status::InForce;
    let (live_terms, live_diff) = live.replace_truce(t.clone());
    let (terms, diff) = restored.replace_truce(t);
    assert_eq!(terms, live_terms);
    assert_eq!(diff, live_diff);
    assert_eq!(restored.evaluations(), 2, "only the two OPP incidents");
}
