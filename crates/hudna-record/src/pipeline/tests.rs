//! The pipeline on an in-memory store with the bundled extractor.

use std::path::PathBuf;

use hudna_core::{GeoPrecision, IncidentType, JsonlArticles, Target};
use hudna_ingest::Format;
use hudna_store::SqliteStore;

use super::*;
use crate::Theatre;

fn dev_articles() -> Vec<Article> {
    let path = std::env::var_os("HUDNA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("eval/dev/articles.jsonl");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut r = JsonlArticles::new(&bytes[..]);
    let mut out = Vec::new();
    while let Some(next) = r.next_article() {
        out.push(next.unwrap().unwrap().1);
    }
    out
}

fn origin(n: usize) -> Origin {
    Origin {
        file: "test.jsonl".into(),
        format: Format::Jsonl,
        locator: Some(format!("line {n}")),
    }
}

struct Env {
    extractor: Extractor,
    theatre: Theatre,
}

fn env() -> Env {
    Env {
        extractor: Extractor::bundled().unwrap(),
        theatre: Theatre::load(&hudna_extract::DataSource::Bundled, "syria").unwrap(),
    }
}

fn ingest(env: &Env, store: &mut SqliteStore, entries: Vec<Entry>, batch: usize) -> Summary {
    let options = Options { batch, threads: 2 };
    let mut ing = Ingester::new(store, &env.extractor, &env.theatre.sides, options);
    for e in entries {
        ing.push(e, &mut Quiet).unwrap();
    }
    ing.finish_with(&mut Quiet).unwrap()
}

fn dump(store: &mut SqliteStore) -> String {
    let mut out = Vec::new();
    store.dump(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The part of a dump that depends only on the set of reports: everything but the public
/// ids, which depend on the order they arrived in.
fn record_part(dump: &str) -> &str {
    dump.split("## public ids").next().unwrap_or(dump)
}

/// Public ids of the incidents, checking that no two incidents share one.
fn public_ids(store: &mut SqliteStore) -> Vec<i64> {
    let mut ids = Vec::new();
    store
        .incidents(&IncidentFilter::default(), &mut |i| {
            ids.push(i.public_id);
            Ok(())
        })
        .unwrap();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "two incidents share a public id");
    unique
}

fn entries(articles: &[(usize, Article)]) -> Vec<Entry> {
    articles
        .iter()
        .map(|(n, a)| Entry::Article {
            origin: origin(*n),
            article: a.clone(),
        })
        .collect()
}

#[test]
fn the_record_does_not_depend_on_order_or_batch_size() {
    let env = env();
    let numbered: Vec<(usize, Article)> = dev_articles().into_iter().enumerate().collect();
    let mut a = SqliteStore::open_in_memory().unwrap();
    let first = ingest(&env, &mut a, entries(&numbered), 1000);
    let mut reversed = numbered.clone();
    reversed.reverse();
    reversed.rotate_left(11);
    let mut b = SqliteStore::open_in_memory().unwrap();
    ingest(&env, &mut b, entries(&reversed), 7);
    let (da, db) = (dump(&mut a), dump(&mut b));
    assert!(da.lines().count() > 300, "{first:?}");
    public_ids(&mut a);
    public_ids(&mut b);
    let (da, db) = (record_part(&da).to_string(), record_part(&db).to_string());
    if da != db {
        let diff: Vec<String> = da
            .lines()
            .zip(db.lines())
            .filter(|(x, y)| x != y)
            .take(5)
            .map(|(x, y)| format!("- {x}\n+ {y}"))
            .collect();
        panic!("dumps differ:\n{}", diff.join("\n"));
    }
    // Ingesting again adds nothing, public ids included.
    let whole = dump(&mut a);
    let again = ingest(&env, &mut a, entries(&numbered), 1000);
    assert_eq!((again.new, again.duplicates), (0, numbered.len() as u64));
    assert_eq!(
        (
            again.mentions,
            again.incidents_created,
            again.incidents_merged
        ),
        (0, 0, 0)
    );
    assert_eq!(dump(&mut a), whole);
}

const STORY: &str =
    "قصفت قوات النظام بالمدفعية الثقيلة بلدة كفرنبل في ريف إدلب الجنوبي صباح اليوم، \
ما أدى إلى مقتل مدنيين اثنين وإصابة خمسة آخرين بجروح متفاوتة، بحسب ما أفاد به الدفاع المدني \
السوري. وأضاف الدفاع المدني أن فرقه عملت على إسعاف المصابين إلى المشافي الميدانية في المنطقة \
وانتشال الضحايا من تحت الأنقاض، فيما تواصل القصف على البلدات المجاورة حتى ساعات المساء.";

fn story(id: &str, text: &str) -> Article {
    Article {
        id: id.into(),
        published: chrono::NaiveDate::from_ymd_opt(2016, 9, 19),
        text: text.into(),
        ..Article::default()
    }
}

#[test]
fn syndicated_copies_count_once_and_independent_reports_raise_the_grade() {
    let env = env();
    let mut store = SqliteStore::open_in_memory().unwrap();
    let copy = format!(
        "(وكالة أنباء محلية) {}",
        STORY.replace("صباح اليوم", "صباح الإثنين")
    );
    let s = ingest(
        &env,
        &mut store,
        entries(&[(1, story("agency", STORY)), (2, story("copy", &copy))]),
        10,
    );
    assert_eq!((s.new, s.near_duplicates), (2, 1), "{s:?}");
    let mut incidents = Vec::new();
    store
        .export(&IncidentFilter::default(), &mut |i| {
            incidents.push(i.clone());
            Ok(())
        })
        .unwrap();
    let kafranbel = incidents
        .iter()
        .find(|i| i.incident.kind == IncidentType::Shelling && i.sources_list.len() == 2)
        .unwrap_or_else(|| panic!("{incidents:#?}"));
    assert_eq!(kafranbel.incident.sources, 1, "copies are one source");
    assert_eq!(kafranbel.incident.grade, hudna_core::Grade::Weak);
    assert!(kafranbel
        .sources_list
        .iter()
        .any(|s| s.syndicated_from.is_some()));

    // An independent report of the same shelling (other words, same day and place).
    let other = "Syrian government artillery shelled the town of Kafranbel in southern Idlib \
                 on Monday, killing two civilians, local rescuers said.";
    let s = ingest(&env, &mut store, entries(&[(3, story("wire", other))]), 10);
    assert_eq!(
        (s.new, s.near_duplicates, s.incidents_merged),
        (1, 0, 1),
        "{s:?}"
    );
    let mut found = None;
    store
        .export(&IncidentFilter::default(), &mut |i| {
            if i.sources_list.len() == 3 {
                found = Some(i.clone());
            }
            Ok(())
        })
        .unwrap();
    let merged = found.expect("the three reports are one incident");
    assert_eq!(merged.incident.sources, 2);
    assert_eq!(merged.incident.grade, hudna_core::Grade::Fair);
}

#[test]
fn a_dataset_event_is_a_source_of_the_incident_an_article_reports() {
    let env = env();
    let mut store = SqliteStore::open_in_memory().unwrap();
    let event = Event {
        source_ref: "ucdp-ged:900001".into(),
        source_note: "UCDP GED event 900001 (SOHR)".into(),
        incident: Incident {
            article_id: "ucdp-ged:900001".into(),
            kind: IncidentType::Shelling,
            date: chrono::NaiveDate::from_ymd_opt(2016, 9, 19),
            place: Some("Kafr Nabl town".into()),
            admin1: Some("Idlib".into()),
            lat: Some(35.6138),
            lon: Some(36.5645),
            perpetrator: "SYR_GOV".into(),
            target: Target::Armed,
            target_actor: Some("OPP".into()),
            killed: Some(2),
            injured: None,
            claimed: false,
            geo_precision: Some(GeoPrecision::Locality),
            evidence: vec![],
        },
    };
    let ged = Entry::Event {
        origin: Origin {
            file: "ged.csv".into(),
            format: Format::Ged,
            locator: Some("line 2".into()),
        },
        event,
    };
    // A second row of the dataset, same day, place and sides: UCDP coded it as another
    // event, so it stays apart, and the dataset is one source however many rows it has.
    let mut twin = ged.clone();
    if let Entry::Event { event, .. } = &mut twin {
        event.source_ref = "ucdp-ged:900002".into();
    }
    let mut all = entries(&[(1, story("agency", STORY))]);
    all.push(ged.clone());
    all.push(twin);
    let s = ingest(&env, &mut store, all, 10);
    assert_eq!(s.new, 3);
    let mut grades = Vec::new();
    store
        .export(&IncidentFilter::default(), &mut |i| {
            if i.sources_list.iter().any(|s| s.source_ref.is_some()) {
                grades.push((i.incident.grade, i.incident.sources, i.sources_list.len()));
            }
            Ok(())
        })
        .unwrap();
    grades.sort();
    assert_eq!(
        grades,
        vec![
            (hudna_core::Grade::Fair, 2, 2),
            (hudna_core::Grade::Weak, 1, 1)
        ]
    );
    // The same row again is a duplicate.
    let again = ingest(&env, &mut store, vec![ged], 10);
    assert_eq!((again.new, again.duplicates), (0, 1));
}

/// Copies of a story: a numbered dateline and the publication day moved by a day.
fn copies(articles: &[Article], n: usize) -> Vec<(usize, Article)> {
    let mut out = Vec::new();
    for round in 0..n {
        for a in articles {
            let mut c = a.clone();
            if round > 0 {
                c.id = format!("{}~{round}", a.id);
                c.text = format!("(نشرة {round}) {}", a.text);
                c.published = a.published.and_then(|p| {
                    p.checked_add_signed(chrono::Duration::days(round as i64 % 3 - 1))
                });
            }
            out.push((out.len(), c));
        }
    }
    out
}

#[test]
fn updating_incidents_in_place_gives_what_recomputing_them_gives() {
    // Many copies of the same reports make new mentions join, re-seed and split incidents
    // batch after batch; one big batch computes every block once from all its mentions.
    let env = env();
    let corpus = copies(&dev_articles(), 5);
    let mut whole = SqliteStore::open_in_memory().unwrap();
    ingest(&env, &mut whole, entries(&corpus), 100_000);
    let mut small = SqliteStore::open_in_memory().unwrap();
    ingest(&env, &mut small, entries(&corpus), 9);
    let (a, b) = (dump(&mut whole), dump(&mut small));
    let (a, b) = (record_part(&a), record_part(&b));
    let diff: Vec<String> = a
        .lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .take(5)
        .map(|(x, y)| format!("- {x}\n+ {y}"))
        .collect();
    assert!(a == b, "dumps differ:\n{}", diff.join("\n"));
}

#[test]
fn a_public_id_once_given_always_leads_to_its_event() {
    // Copies of the reports arrive batch after batch, re-seeding, merging and splitting
    // incidents; every public id ever seen must still lead to an incident at the end, and
    // incidents whose row id (seed) changed keep the public id they had.
    let env = env();
    let corpus = copies(&dev_articles(), 3);
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut seen: Vec<i64> = Vec::new();
    let mut reseeded = 0usize;
    let mut last: std::collections::HashMap<i64, i64> = Default::default();
    for chunk in corpus.chunks(37) {
        ingest(&env, &mut store, entries(chunk), 10);
        seen.extend(public_ids(&mut store));
        let mut now = std::collections::HashMap::new();
        store
            .incidents(&IncidentFilter::default(), &mut |i| {
                now.insert(i.public_id, i.id);
                Ok(())
            })
            .unwrap();
        reseeded += now
            .iter()
            .filter(|(p, id)| last.get(*p).is_some_and(|old| old != *id))
            .count();
        last = now;
    }
    seen.sort_unstable();
    seen.dedup();
    for id in &seen {
        let resolved = store.resolve_public_id(*id).unwrap();
        assert!(resolved.is_some(), "public id {id} leads nowhere");
        assert!(store.incident_by_public_id(*id).unwrap().is_some());
    }
    println!(
        "{} public ids seen, {} incidents now, {} re-seedings",
        seen.len(),
        last.len(),
        reseeded
    );
    assert!(
        reseeded > 0,
        "no incident changed its seed: the test proves nothing"
    );
}

#[test]
fn an_earlier_report_arriving_later_does_not_change_the_public_id() {
    let env = env();
    let mut store = SqliteStore::open_in_memory().unwrap();
    // The later report first: it dates the shelling to Monday 19 Sep.
    let later = story("later", STORY);
    ingest(&env, &mut store, entries(&[(1, later)]), 10);
    let find = |store: &mut SqliteStore| {
        let mut found = Vec::new();
        store
            .incidents(&IncidentFilter::default(), &mut |i| {
                if i.kind == IncidentType::Shelling && i.place.as_deref() == Some("كفرنبل") {
                    found.push(i.clone());
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(found.len(), 1, "{found:#?}");
        found.remove(0)
    };
    let before = find(&mut store);
    // Then a report of the same shelling published a day earlier: it seeds the incident now.
    let mut earlier = story(
        "earlier",
        "قصفت قوات النظام بالمدفعية بلدة كفرنبل في ريف إدلب الجنوبي أمس، ما أدى إلى مقتل \
         مدنيين اثنين، بحسب ناشطين.",
    );
    earlier.published = chrono::NaiveDate::from_ymd_opt(2016, 9, 19);
    ingest(&env, &mut store, entries(&[(2, earlier)]), 10);
    let after = find(&mut store);
    assert_eq!(after.reports, 2, "{after:#?}");
    assert_ne!(
        after.id, before.id,
        "the seed did not change: the test proves nothing"
    );
    assert_eq!(after.public_id, before.public_id);
}
