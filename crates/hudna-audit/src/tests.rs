//! The log and the tables under tampering: every way of changing them outside hudna that the
//! verifier is meant to find, and what it says.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

use crate::*;

/// A toy store: records as JSON rows, and the log of their changes, kept the way the real
/// store must keep them.
#[derive(Default)]
struct World {
    log: Vec<Entry>,
    rows: BTreeMap<(String, String), Value>,
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 10, minute, 0).unwrap()
}

impl World {
    fn change(&mut self, actor: Actor, action: &str, kind: &str, id: &str, row: Value) {
        let key = (kind.to_string(), id.to_string());
        let before = self.rows.get(&key).map(|r| record_hash(r).unwrap());
        self.rows.insert(key, row.clone());
        let after = record_hash(&row).unwrap();
        let head = self.log.last().map(Entry::head);
        let entry = Entry::next(
            head,
            NewEntry {
                at: at(self.log.len() as u32),
                actor,
                action: action.into(),
                record_kind: kind.into(),
                record_id: id.into(),
                before,
                after,
            },
        )
        .unwrap();
        self.log.push(entry);
    }

    /// Five records, eight entries:
    /// 1 create incident 1, 2 create incident 2, 3 create truce t1, 4 regrade incident 1,
    /// 5 create notification n1, 6 update truce t1, 7 withdraw incident 2, 8 regrade incident 1.
    fn sample() -> World {
        let mut w = World::default();
        let user = Actor::User(7);
        w.change(user.clone(), "create", "incident", "1", json!({"id": 1, "place": "كفرنبل", "killed": 2, "grade": "reported", "status": "active"}));
        w.change(Actor::System, "create", "incident", "2", json!({"id": 2, "place": "Saraqib", "killed": null, "grade": "reported", "status": "active"}));
        w.change(
            Actor::Cli("amal".into()),
            "create",
            "truce",
            "t1",
            json!({"id": "t1", "name": "Idlib MoU", "starts": "2020-03-06"}),
        );
        w.change(user.clone(), "regrade", "incident", "1", json!({"id": 1, "place": "كفرنبل", "killed": 2, "grade": "corroborated", "status": "active"}));
        w.change(Actor::User(9), "create", "notification", "n1", json!({"id": "n1", "site": "clinic", "lat": 35.61376, "lon": 36.56449, "visibility": "orgs:1,3"}));
        w.change(
            Actor::Cli("amal".into()),
            "update",
            "truce",
            "t1",
            json!({"id": "t1", "name": "Idlib MoU", "starts": "2020-03-05"}),
        );
        w.change(user.clone(), "withdraw", "incident", "2", json!({"id": 2, "place": "Saraqib", "killed": null, "grade": "reported", "status": "withdrawn"}));
        w.change(user, "regrade", "incident", "1", json!({"id": 1, "place": "كفرنبل", "killed": 2, "grade": "confirmed", "status": "active"}));
        w
    }

    fn row_hashes(&self) -> Vec<(String, String, Hash)> {
        self.rows
            .iter()
            .map(|((k, i), v)| (k.clone(), i.clone(), record_hash(v).unwrap()))
            .collect()
    }

    fn verify_all(&self) -> Result<ChainSummary, String> {
        let summary = verify_chain(&self.log).map_err(|e| e.to_string())?;
        verify_rows(summary.latest.clone(), self.row_hashes()).map_err(|e| e.to_string())?;
        Ok(summary)
    }
}

fn rehash(e: &mut Entry) {
    e.hash = e.compute_hash(&mut String::new());
}

fn incident_1() -> Option<RecordKey> {
    Some(RecordKey {
        kind: "incident".into(),
        id: "1".into(),
    })
}

#[test]
fn an_untouched_log_and_its_tables_verify() {
    let w = World::sample();
    let summary = w.verify_all().unwrap();
    assert_eq!(summary.entries, 8);
    assert_eq!(summary.head, Some(w.log[7].head()));
    assert_eq!(summary.latest.len(), 4);
    assert_eq!(
        summary.latest.kinds(),
        vec!["incident", "notification", "truce"]
    );
    let v = summary.latest.get("incident", "1").unwrap();
    assert_eq!(v.seq, 8);
    assert_eq!(v.after, w.log[7].after);
}

#[test]
fn an_empty_log_verifies_with_no_head() {
    let summary = verify_chain(Vec::<Entry>::new()).unwrap();
    assert_eq!(summary.entries, 0);
    assert_eq!(summary.head, None);
    assert!(summary.latest.is_empty());
    let rows: Vec<(&str, &str, Hash)> = vec![];
    assert_eq!(verify_rows(summary.latest, rows).unwrap().rows, 0);
}

#[test]
fn an_edited_entry_is_found_altered() {
    let mut w = World::sample();
    w.log[3].action = "create".into();
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 4);
    assert_eq!(err.record, incident_1());
    assert!(matches!(*err.fault, ChainFault::Altered { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("audit log entry 4 (incident 1): the entry was altered"),
        "{err}"
    );
}

#[test]
fn every_field_of_an_entry_is_covered_by_its_hash() {
    type Edit = Box<dyn Fn(&mut Entry)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "at",
            Box::new(|e| e.at += chrono::Duration::microseconds(1)),
        ),
        ("actor", Box::new(|e| e.actor = Actor::User(8))),
        ("action", Box::new(|e| e.action.push('x'))),
        ("record_kind", Box::new(|e| e.record_kind = "truce".into())),
        ("record_id", Box::new(|e| e.record_id = "2".into())),
        ("before", Box::new(|e| e.before = None)),
        ("after", Box::new(|e| e.after = Hash([1; 32]))),
        ("prev", Box::new(|e| e.prev = Hash([2; 32]))),
        ("hash", Box::new(|e| e.hash = Hash([3; 32]))),
    ];
    for (field, edit) in &edits {
        let mut w = World::sample();
        edit(&mut w.log[3]);
        let err = verify_chain(&w.log).unwrap_err();
        assert_eq!(err.seq, 4, "{field}");
        assert!(
            matches!(*err.fault, ChainFault::Altered { .. }),
            "{field}: {err}"
        );
    }
    // The sequence number is covered too: an entry renumbered in place is out of order.
    let mut w = World::sample();
    w.log[3].seq = 40;
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(*err.fault, ChainFault::SeqGap { expected: 4 });
}

#[test]
fn an_edited_entry_with_a_recomputed_hash_breaks_the_next_link() {
    let mut w = World::sample();
    w.log[3].actor = Actor::User(1);
    rehash(&mut w.log[3]);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 5);
    assert!(matches!(*err.fault, ChainFault::BrokenLink { .. }), "{err}");
    assert!(err.to_string().contains("broken link"), "{err}");
}

#[test]
fn a_removed_entry_is_a_gap() {
    let mut w = World::sample();
    w.log.remove(4);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 6);
    assert_eq!(*err.fault, ChainFault::SeqGap { expected: 5 });
    assert!(
        err.to_string().contains("entries from 5 to 5 are missing"),
        "{err}"
    );
}

#[test]
fn several_removed_entries_are_named_as_a_range() {
    let mut w = World::sample();
    w.log.drain(1..4);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 5);
    assert!(
        err.to_string().contains("entries from 2 to 4 are missing"),
        "{err}"
    );
}

#[test]
fn a_removed_first_entry_is_a_gap() {
    let mut w = World::sample();
    w.log.remove(0);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(
        (err.seq, *err.fault),
        (2, ChainFault::SeqGap { expected: 1 })
    );
}

#[test]
fn reordered_entries_are_out_of_order() {
    let mut w = World::sample();
    w.log.swap(2, 5);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 6);
    assert_eq!(*err.fault, ChainFault::SeqGap { expected: 3 });
    assert!(
        err.to_string()
            .contains("entries from 3 to 5 are missing or out of order"),
        "{err}"
    );
}

#[test]
fn entries_swapped_and_renumbered_break_the_chain() {
    // Swap the contents of entries 3 and 6 but keep the seq column in order, recomputing
    // their own hashes: the links no longer hold.
    let mut w = World::sample();
    w.log.swap(2, 5);
    w.log[2].seq = 3;
    w.log[5].seq = 6;
    rehash(&mut w.log[2]);
    rehash(&mut w.log[5]);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 3);
    assert!(matches!(*err.fault, ChainFault::BrokenLink { .. }), "{err}");
}

#[test]
fn a_removed_entry_with_the_rest_rewritten_shows_in_the_record_history() {
    // The strongest rewrite from inside the file: drop entry 4 (a regrade of incident 1),
    // renumber and relink everything after it. The chain holds, but incident 1's next
    // change starts from a version the log no longer has.
    let mut w = World::sample();
    w.log.remove(3);
    for i in 3..w.log.len() {
        w.log[i].seq = i as u64 + 1;
        w.log[i].prev = w.log[i - 1].hash;
        rehash(&mut w.log[i]);
    }
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 7);
    assert_eq!(err.record, incident_1());
    assert!(
        matches!(
            *err.fault,
            ChainFault::RecordHistory {
                expected: Some(_),
                found: Some(_)
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("changed outside hudna"), "{err}");
}

#[test]
fn a_rewritten_past_fails_against_an_anchor() {
    let honest = World::sample();
    let anchor = honest.log[5].head();
    // Rewrite from entry 2 on, consistently (even the record history holds, because entry 2
    // is a creation and its record's later entries are rewritten to follow it).
    let mut w = World::sample();
    w.log[1].actor = Actor::User(99);
    rehash(&mut w.log[1]);
    for i in 2..w.log.len() {
        w.log[i].prev = w.log[i - 1].hash;
        rehash(&mut w.log[i]);
    }
    assert!(
        verify_chain(&w.log).is_ok(),
        "a full rewrite passes without an anchor"
    );
    let mut v = ChainVerifier::new();
    v.expect(anchor);
    let err = w
        .log
        .iter()
        .map(|e| v.push(e))
        .find_map(Result::err)
        .unwrap();
    assert_eq!(err.seq, 6);
    assert_eq!(
        *err.fault,
        ChainFault::Anchor {
            expected: anchor.hash
        }
    );
    // The honest log passes the same anchor.
    let mut v = ChainVerifier::new();
    v.expect(anchor);
    for e in &honest.log {
        v.push(e).unwrap();
    }
    assert_eq!(v.finish().unwrap().entries, 8);
}

#[test]
fn a_log_cut_short_fails_against_an_anchor_and_against_the_rows() {
    let mut w = World::sample();
    let anchor = w.log[7].head();
    w.log.truncate(6);
    // The chain alone cannot know.
    let summary = verify_chain(&w.log).unwrap();
    // An anchor can.
    let mut v = ChainVerifier::new();
    v.expect(anchor);
    for e in &w.log {
        v.push(e).unwrap();
    }
    let err = v.finish().unwrap_err();
    assert_eq!(err.seq, 8);
    assert_eq!(*err.fault, ChainFault::Truncated { last: Some(6) });
    assert!(err.to_string().contains("log ends at entry 6"), "{err}");
    // And so can the rows: incident 2's withdrawal and incident 1's last regrade are gone
    // from the log but not from the table. Rows are checked in the order given.
    let err = verify_rows(summary.latest, w.row_hashes()).unwrap_err();
    assert_eq!(err.record, incident_1().unwrap());
    assert!(
        matches!(*err.fault, RowFault::Altered { last_seq: 4, .. }),
        "{err}"
    );
}

#[test]
fn an_anchor_on_an_empty_log_is_truncation() {
    let mut v = ChainVerifier::new();
    v.expect(Head {
        seq: 1,
        hash: Hash([5; 32]),
    });
    let err = v.finish().unwrap_err();
    assert_eq!(*err.fault, ChainFault::Truncated { last: None });
}

#[test]
fn a_first_entry_must_start_the_chain() {
    let mut w = World::sample();
    w.log[0].prev = Hash([1; 32]);
    rehash(&mut w.log[0]);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 1);
    assert_eq!(
        *err.fault,
        ChainFault::BrokenLink {
            expected: Hash::ZERO,
            found: Hash([1; 32])
        }
    );
}

#[test]
fn a_row_edited_directly_is_named() {
    let mut w = World::sample();
    w.rows
        .get_mut(&("incident".to_string(), "1".to_string()))
        .unwrap()["killed"] = json!(20);
    verify_chain(&w.log).unwrap();
    let err = w.verify_all().unwrap_err();
    assert!(
        err.starts_with("incident 1 was changed outside hudna"),
        "{err}"
    );
    assert!(err.contains("audit entry 8"), "{err}");
}

#[test]
fn a_row_deleted_directly_is_missing() {
    let mut w = World::sample();
    w.rows.remove(&("truce".to_string(), "t1".to_string()));
    let summary = verify_chain(&w.log).unwrap();
    let err = verify_rows(summary.latest, w.row_hashes()).unwrap_err();
    assert_eq!(err.record.to_string(), "truce t1");
    assert!(matches!(*err.fault, RowFault::Missing { last_seq: 6, .. }));
    assert!(err.to_string().contains("is missing"), "{err}");
}

#[test]
fn a_row_inserted_directly_is_unlogged() {
    let mut w = World::sample();
    w.rows.insert(
        ("incident".into(), "3".into()),
        json!({"id": 3, "place": "Ariha", "killed": 1, "grade": "confirmed", "status": "active"}),
    );
    let summary = verify_chain(&w.log).unwrap();
    let err = verify_rows(summary.latest, w.row_hashes()).unwrap_err();
    assert_eq!(err.record.to_string(), "incident 3");
    assert!(matches!(*err.fault, RowFault::Unlogged { .. }));
    assert!(err.to_string().contains("never recorded it"), "{err}");
}

#[test]
fn all_row_faults_lists_everything_in_order() {
    let mut w = World::sample();
    w.rows
        .remove(&("notification".to_string(), "n1".to_string()));
    w.rows.remove(&("truce".to_string(), "t1".to_string()));
    w.rows
        .get_mut(&("incident".to_string(), "2".to_string()))
        .unwrap()["status"] = json!("active");
    w.rows
        .insert(("zone".into(), "z9".into()), json!({"id": "z9"}));
    let summary = verify_chain(&w.log).unwrap();
    let (rows, faults) = all_row_faults(summary.latest, w.row_hashes());
    assert_eq!(rows.rows, 3);
    let names: Vec<String> = faults.iter().map(|f| f.record.to_string()).collect();
    // Rows in the order given (altered incident 2, unlogged zone z9), then the missing ones
    // by their last entry (n1 at 5, t1 at 6).
    assert_eq!(
        names,
        ["incident 2", "zone z9", "notification n1", "truce t1"]
    );
}

#[test]
fn a_row_edited_then_changed_through_hudna_breaks_the_record_history() {
    let mut w = World::sample();
    // Someone edits truce t1 in the file...
    w.rows
        .get_mut(&("truce".to_string(), "t1".to_string()))
        .unwrap()["starts"] = json!("2020-02-01");
    // ...and later an honest change through hudna takes the tampered row as its "before".
    let tampered_before = record_hash(&w.rows[&("truce".to_string(), "t1".to_string())]).unwrap();
    let last_logged = w.log[5].after;
    let new = NewEntry {
        at: at(30),
        actor: Actor::User(7),
        action: "update".into(),
        record_kind: "truce".into(),
        record_id: "t1".into(),
        before: Some(tampered_before),
        after: Hash([7; 32]),
    };
    // The store's check before writing refuses to build on it...
    let refusal = new.check_follows(Some(last_logged)).unwrap_err();
    assert_eq!(refusal.before, Some(tampered_before));
    assert!(
        refusal
            .to_string()
            .contains("truce t1 was changed outside hudna"),
        "{refusal}"
    );
    // ...and had it written anyway, the verifier would find it.
    w.change(
        Actor::User(7),
        "update",
        "truce",
        "t1",
        json!({"id": "t1", "name": "Idlib MoU", "starts": "2020-03-01"}),
    );
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 9);
    assert!(
        matches!(*err.fault, ChainFault::RecordHistory { .. }),
        "{err}"
    );
    // The honest path passes the check.
    let honest = World::sample();
    let before = record_hash(&honest.rows[&("truce".to_string(), "t1".to_string())]).unwrap();
    let ok = NewEntry {
        before: Some(before),
        ..new
    };
    assert!(ok.check_follows(Some(honest.log[5].after)).is_ok());
}

#[test]
fn a_second_creation_or_an_update_of_nothing_is_refused() {
    let mut w = World::sample();
    let head = w.log.last().map(Entry::head);
    let dup = Entry::next(
        head,
        NewEntry {
            at: at(40),
            actor: Actor::System,
            action: "create".into(),
            record_kind: "incident".into(),
            record_id: "1".into(),
            before: None,
            after: Hash([4; 32]),
        },
    )
    .unwrap();
    w.log.push(dup);
    let err = verify_chain(&w.log).unwrap_err();
    assert_eq!(err.seq, 9);
    assert!(
        err.to_string()
            .contains("creates a record that already existed"),
        "{err}"
    );

    let mut w = World::sample();
    let head = w.log.last().map(Entry::head);
    let ghost = Entry::next(
        head,
        NewEntry {
            at: at(40),
            actor: Actor::System,
            action: "update".into(),
            record_kind: "incident".into(),
            record_id: "77".into(),
            before: Some(Hash([4; 32])),
            after: Hash([5; 32]),
        },
    )
    .unwrap();
    w.log.push(ghost);
    let err = verify_chain(&w.log).unwrap_err();
    assert!(
        err.to_string().contains("no earlier entry created"),
        "{err}"
    );
}

#[test]
fn rows_read_from_a_table_verify_like_entries() {
    let w = World::sample();
    let rows: Vec<AuditRow> = w.log.iter().map(AuditRow::from).collect();
    let mut v = ChainVerifier::new();
    for row in &rows {
        v.push(&row.parse().unwrap()).unwrap();
    }
    assert_eq!(v.finish().unwrap().head, Some(w.log[7].head()));
    // A row whose text was changed to an equivalent but non-canonical spelling is refused
    // as unreadable rather than silently accepted.
    let mut bad = rows[2].clone();
    bad.at = bad.at.replace('Z', "+00:00");
    assert!(bad.parse().is_err());
}
