use super::*;

fn article(id: i64, text: &str) -> NewArticle<'_> {
    let mut hash = [0u8; 32];
    hash[..8].copy_from_slice(&id.to_le_bytes());
    NewArticle {
        id,
        content_hash: hash,
        external_id: Some("x1"),
        url: None,
        title: None,
        published: NaiveDate::from_ymd_opt(2016, 9, 19),
        outlet: None,
        text,
        source_file: "test",
        source_format: "jsonl",
        source_locator: Some("line 1"),
        ingested_at: "2026-01-01T00:00:00Z",
        minhash: &[1, 2, 3],
        group: id,
    }
}

#[test]
fn migrations_apply_once_and_reopen_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), MIGRATIONS.last().unwrap().0);
    drop(s);
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), MIGRATIONS.last().unwrap().0);
    let mode: String = s
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_newer_schema_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let s = SqliteStore::open(&path).unwrap();
    s.conn
        .execute(
            "INSERT INTO schema_version VALUES (999, 'future', 'now')",
            [],
        )
        .unwrap();
    drop(s);
    let err = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(err.contains("999") && err.contains("upgrade"), "{err}");
}

#[test]
fn articles_are_found_by_hash_and_ids_never_reused() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.begin().unwrap();
    let a = article(7, "text");
    s.insert_article(&a).unwrap();
    assert_eq!(s.article_by_hash(&a.content_hash).unwrap(), Some(7));
    assert_eq!(s.minhash(7).unwrap(), Some(vec![1, 2, 3]));
    let mut other = article(7, "another text");
    other.content_hash[31] = 1;
    assert!(matches!(
        s.insert_article(&other),
        Err(StoreError::IdCollision { id: 7 })
    ));
    s.commit().unwrap();
    assert_eq!(s.article_count().unwrap(), 1);
}

#[test]
fn lsh_buckets_list_their_groups_and_members() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    for (g, a) in [(5, 51), (5, 50), (9, 90), (3, 30)] {
        s.lsh_insert(1, g, a).unwrap();
    }
    s.lsh_insert(2, 5, 52).unwrap();
    s.lsh_insert(3, 7, 70).unwrap();
    assert_eq!(
        s.lsh_lookup(&[1, 2]).unwrap(),
        vec![(1, 3, 30), (1, 5, 50), (1, 5, 51), (2, 5, 52), (1, 9, 90)]
    );
    assert!(s.lsh_lookup(&[4]).unwrap().is_empty());
}

#[test]
fn spots_are_found_by_box_and_by_name() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let spot = Spot {
        id: 11,
        kind: IncidentType::Shelling,
        date: NaiveDate::from_ymd_opt(2016, 9, 18),
        reported: None,
        place_key: "كفرنبل".into(),
        admin1: Some("Idlib".into()),
        lat: Some(35.61),
        lon: Some(36.56),
        precision: Some(GeoPrecision::Locality),
        perpetrator: "SYR_GOV".into(),
        block: 11,
    };
    s.insert_spot(&spot).unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2016, 9, d).unwrap();
    // Dated spots of the day before to the day after; spots dated by publication from the
    // day before to three days after (as consolidation asks for a report of the 19th).
    let around = |d: u32| DayWindow {
        dated: (day(d - 1), day(d + 1)),
        reported: (day(d - 1), day(d + 4)),
    };
    let near = s
        .spots_in_box("shelling", Some(&around(19)), (35.5, 35.7), (36.5, 36.6))
        .unwrap();
    assert_eq!(near, vec![spot.clone()]);
    assert!(s
        .spots_in_box("shelling", Some(&around(20)), (35.5, 35.7), (36.5, 36.6))
        .unwrap()
        .is_empty());
    assert_eq!(
        s.spots_in_box("shelling", None, (35.5, 35.7), (36.5, 36.6))
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .spots_in_box("air_strike", Some(&around(18)), (35.5, 35.7), (36.5, 36.6))
        .unwrap()
        .is_empty());
    assert_eq!(
        s.spots_named("shelling", "كفرنبل", Some(&around(17)))
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .spots_named("shelling", "كفرنبل", Some(&around(16)))
        .unwrap()
        .is_empty());
    // Without a day or a publication day, a spot may be any day.
    let undated = Spot {
        id: 12,
        date: None,
        block: 12,
        ..spot.clone()
    };
    s.insert_spot(&undated).unwrap();
    assert_eq!(
        s.spots_named("shelling", "كفرنبل", Some(&around(2)))
            .unwrap()
            .len(),
        1
    );
    // Dated by publication on the 22nd: found for the 19th (it may have happened then), not
    // for the 12th, and read back with its publication day.
    let reported = Spot {
        id: 13,
        date: None,
        reported: Some(day(22)),
        block: 13,
        ..spot.clone()
    };
    s.insert_spot(&reported).unwrap();
    let ids = |v: Vec<Spot>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s
            .spots_in_box("shelling", Some(&around(19)), (35.5, 35.7), (36.5, 36.6))
            .unwrap()),
        vec![11, 12, 13]
    );
    assert_eq!(
        ids(s
            .spots_named("shelling", "كفرنبل", Some(&around(12)))
            .unwrap()),
        vec![12]
    );
    assert_eq!(
        s.spots_named("shelling", "كفرنبل", Some(&around(21)))
            .unwrap()
            .into_iter()
            .find(|s| s.id == 13),
        Some(reported)
    );
    s.relabel_block(11, 4).unwrap();
    assert_eq!(s.spot_block(11).unwrap(), Some(4));
    assert_eq!(s.block_size(4).unwrap(), 1);
}

/// An incident on `date`, or when that is `None` dated by the publication day `reported`.
fn dated(id: i64, date: Option<NaiveDate>, reported: Option<NaiveDate>) -> IncidentRecord {
    IncidentRecord {
        public_id: id,
        id,
        kind: IncidentType::Shelling,
        date,
        date_precision: match (date, reported) {
            (Some(_), _) => Some(DatePrecision::Day),
            (None, Some(_)) => Some(DatePrecision::Reported),
            (None, None) => None,
        },
        reported,
        place: Some("Kafr Nabl".into()),
        admin1: Some("Idlib".into()),
        lat: Some(35.61),
        lon: Some(36.56),
        geo_precision: Some(GeoPrecision::Locality),
        perpetrator: "SYR_GOV".into(),
        contested: false,
        grade: Grade::Weak,
        killed: None,
        injured: None,
        target: Target::Civilians,
        target_actor: None,
        claimed: false,
        investigation: None,
        sources: 1,
        reports: 1,
        block: id,
        place_mention: id,
    }
}

#[test]
fn day_bounds_take_an_undated_incident_by_its_publication_day() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2019, 1, d);
    s.insert_synthetic(&[
        dated(1, day(5), None),
        dated(2, None, day(6)),
        dated(3, day(20), None),
        dated(4, None, day(21)),
        dated(5, None, None),
    ])
    .unwrap();
    let listed = |s: &mut SqliteStore, since, until| {
        let filter = IncidentFilter {
            since,
            until,
            ..IncidentFilter::default()
        };
        let mut ids = Vec::new();
        s.incidents(&filter, &mut |i| {
            ids.push(i.id);
            Ok(())
        })
        .unwrap();
        let mut exported = Vec::new();
        s.export(&filter, &mut |i| {
            exported.push(i.incident.id);
            Ok(())
        })
        .unwrap();
        assert_eq!(ids, exported, "export and listing disagree");
        // The server's paged listing, one incident a page, says the same.
        let mut q = read::IncidentQuery::new(hudna_access::ReadScope::All, 1);
        q.since = since;
        q.until = until;
        let mut paged = Vec::new();
        loop {
            let page = s.incident_page(&q).unwrap();
            paged.extend(page.items.iter().map(|(i, _)| i.id));
            match page.next {
                Some(c) => q.after = Some(c),
                None => break,
            }
        }
        assert_eq!(ids, paged, "the server's listing disagrees");
        ids
    };
    // Dated ones first, then undated ones.
    assert_eq!(listed(&mut s, None, None), vec![1, 3, 2, 4, 5]);
    assert_eq!(listed(&mut s, day(6), None), vec![3, 2, 4]);
    assert_eq!(listed(&mut s, None, day(20)), vec![1, 3, 2]);
    assert_eq!(listed(&mut s, day(6), day(20)), vec![3, 2]);
    assert_eq!(listed(&mut s, day(21), day(21)), vec![4]);
    // The dashboard's bars count each on the day a bounded listing finds it.
    let mut q = read::IncidentQuery::new(hudna_access::ReadScope::All, 10);
    assert_eq!(
        s.incidents_per_day(&q).unwrap(),
        vec![
            (day(5).unwrap(), 1),
            (day(6).unwrap(), 1),
            (day(20).unwrap(), 1),
            (day(21).unwrap(), 1)
        ]
    );
    q.since = day(6);
    q.until = day(20);
    assert_eq!(
        s.incidents_per_day(&q).unwrap(),
        vec![(day(6).unwrap(), 1), (day(20).unwrap(), 1)]
    );
}
