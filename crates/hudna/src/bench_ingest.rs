//! `hudna bench ingest`: the record's throughput end to end, and a filtered export over a
//! million incidents.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use hudna_core::{GeoPrecision, Grade, IncidentType, Target};
use hudna_ingest::{Entry, Format, Origin};
use hudna_record::minhash::splitmix;
use hudna_record::{Ingester, Options, Quiet};
use hudna_store::{IncidentFilter, IncidentRecord, SqliteStore, Store};

use crate::incidents::{export, OutFormat};
use crate::Cli;

const GOVERNORATES: &[(&str, f64, f64)] = &[
    ("Aleppo", 36.2, 37.15),
    ("Idlib", 35.93, 36.63),
    ("Hama", 35.13, 36.75),
    ("Homs", 34.73, 36.71),
    ("Rural Damascus", 33.6, 36.5),
    ("Damascus", 33.51, 36.29),
    ("Dar'a", 32.62, 36.1),
    ("Deir-ez-Zor", 35.33, 40.14),
    ("Ar-Raqqa", 35.95, 39.01),
    ("Al-Hasakeh", 36.5, 40.75),
    ("Lattakia", 35.52, 35.79),
    ("Tartous", 34.89, 35.89),
    ("Quneitra", 33.13, 35.82),
    ("As-Sweida", 32.71, 36.57),
];
const ACTORS: &[&str] = &[
    "SYR_GOV", "RUS", "IRN_MIL", "HZB", "ISIS", "HTS", "OPP", "SDF", "TUR", "COAL", "UNKNOWN",
];

pub fn run(
    cli: &Cli,
    n_articles: usize,
    n_incidents: usize,
    seed_path: &Path,
    keep: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let extractor = crate::extractor(cli)?;
    let theatre = crate::theatre(cli)?;
    let seeds = crate::corpus::seeds(seed_path)?;
    let tmp = tempfile::tempdir()?;
    let dir = match keep {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.to_path_buf()
        }
        None => tmp.path().to_path_buf(),
    };
    let ingest_db = dir.join("bench-ingest.db");
    let export_db = dir.join("bench-export.db");
    for p in [&ingest_db, &export_db] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    }

    // 1. Ingest.
    let corpus: Vec<_> = (0..n_articles)
        .map(|i| crate::corpus::article(&seeds, i))
        .collect();
    let bytes: usize = corpus.iter().map(|a| a.text.len()).sum();
    eprintln!(
        "hudna bench ingest: {} articles ({:.1} MB) from {} seeds into {}",
        corpus.len(),
        bytes as f64 / 1e6,
        seeds.len(),
        ingest_db.display()
    );
    let mut store = SqliteStore::open(&ingest_db)?;
    let start = Instant::now();
    let mut ingester = Ingester::new(&mut store, &extractor, &theatre.sides, Options::default());
    for (i, article) in corpus.into_iter().enumerate() {
        let origin = Origin {
            file: "bench".into(),
            format: Format::Jsonl,
            locator: Some(format!("line {}", i + 1)),
        };
        ingester.push(Entry::Article { origin, article }, &mut Quiet)?;
    }
    let summary = ingester.finish_with(&mut Quiet)?;
    let ingest_secs = start.elapsed().as_secs_f64();
    let incidents_after = store.incident_count()?;
    eprintln!(
        "ingest: {:.2} s, {} new, {} near-duplicates, {} mentions, {} incidents",
        ingest_secs, summary.new, summary.near_duplicates, summary.mentions, incidents_after
    );
    drop(store);

    // 2. Export over generated incidents.
    let mut store = SqliteStore::open(&export_db)?;
    let fill = Instant::now();
    let mut batch = Vec::with_capacity(50_000);
    for i in 0..n_incidents {
        batch.push(synthetic(i));
        if batch.len() == 50_000 || i + 1 == n_incidents {
            store.begin()?;
            store.insert_synthetic(&batch)?;
            store.commit()?;
            batch.clear();
        }
    }
    eprintln!(
        "export: {} incidents generated in {:.1} s",
        n_incidents,
        fill.elapsed().as_secs_f64()
    );
    let filter = IncidentFilter {
        since: NaiveDate::from_ymd_opt(2017, 1, 1),
        until: NaiveDate::from_ymd_opt(2018, 12, 31),
        admin1: Some("Idlib".into()),
        ..IncidentFilter::default()
    };
    let start = Instant::now();
    let mut sink = std::io::BufWriter::new(std::io::sink());
    let (exported, _) = export(&mut store, &filter, OutFormat::Jsonl, &mut sink)?;
    let export_secs = start.elapsed().as_secs_f64();
    eprintln!(
        "export: {exported} incidents (admin1 Idlib, 2017–2018) as JSON Lines in {export_secs:.3} s"
    );
    println!(
        "{}",
        serde_json::json!({
            "articles": summary.articles_read,
            "articles_per_s": (summary.articles_read as f64 / ingest_secs).round(),
            "ingest_seconds": (ingest_secs * 1000.0).round() / 1000.0,
            "new": summary.new,
            "near_duplicates": summary.near_duplicates,
            "mentions": summary.mentions,
            "incidents": incidents_after,
            "export_incidents": n_incidents,
            "exported": exported,
            "export_filter": "admin1=Idlib since=2017-01-01 until=2018-12-31 format=jsonl",
            "export_seconds": (export_secs * 1000.0).round() / 1000.0,
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// The `i`-th generated incident: spread over 2016–2019, the governorates, types, actors.
fn synthetic(i: usize) -> IncidentRecord {
    let r = splitmix(i as u64 ^ 0x5eed);
    let (admin1, lat, lon) = GOVERNORATES[(r % GOVERNORATES.len() as u64) as usize];
    let day = (r >> 8) % (4 * 365);
    let date = NaiveDate::from_ymd_opt(2016, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(day)));
    let jitter = |shift: u32| ((r >> shift) % 1000) as f64 / 1000.0 - 0.5;
    let kind = IncidentType::ALL[((r >> 20) % IncidentType::ALL.len() as u64) as usize];
    let grade = Grade::ALL[((r >> 24) % Grade::ALL.len() as u64) as usize];
    let target = Target::ALL[((r >> 28) % Target::ALL.len() as u64) as usize];
    // Consecutive ids: the store fills by appending, which keeps the set-up short.
    let id = i as i64 + 1;
    IncidentRecord {
        public_id: id,
        id,
        kind,
        date,
        date_precision: date.map(|_| hudna_store::DatePrecision::Day),
        reported: None,
        place: Some(format!("place {}", (r >> 32) % 5000)),
        admin1: Some(admin1.to_string()),
        lat: Some(lat + jitter(36)),
        lon: Some(lon + jitter(46)),
        geo_precision: Some(GeoPrecision::Locality),
        perpetrator: ACTORS[((r >> 40) % ACTORS.len() as u64) as usize].to_string(),
        contested: grade == Grade::Contested,
        grade,
        killed: Some(((r >> 50) % 12) as u32),
        injured: None,
        target,
        target_actor: None,
        claimed: grade == Grade::Confirmed,
        investigation: None,
        sources: 1 + ((r >> 56) % 3) as u32,
        reports: 1,
        block: id,
        place_mention: id,
    }
}
