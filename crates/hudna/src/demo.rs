//! `hudna demo`: the 2016 story end to end in a fresh database — the reports ingested and
//! consolidated, the ISSG truce loaded, every incident checked — and a summary of the
//! findings. [`build_demo`] does the work and returns a [`DemoSummary`], so that the server
//! can build the same database and then serve it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use hudna_check::{CheckReport, FindingCounts, Loaded};
use hudna_ingest::{Entry, Format, Input, ReadOptions};
use hudna_record::{Ingester, Options, Quiet, Summary};
use hudna_store::{FindingFilter, IncidentRecord, StoredFinding};
use serde::{Deserialize, Serialize};

use crate::Cli;

/// The scenario the demo builds, as shipped in `data/scenarios/issg-2016/` (built into the
/// binary so that `hudna demo` works from any directory).
const SCENARIO: &str = "issg-2016";
const SCENARIO_DIR: &str = "data/scenarios/issg-2016";
const REPORTS: &str = include_str!("../../../data/scenarios/issg-2016/reports.jsonl");
const TRUCE: &str = include_str!("../../../data/scenarios/issg-2016/truce.toml");
const HEADLINES: &str = include_str!("../../../data/scenarios/issg-2016/demo.toml");
const FILES: &[(&str, &str)] = &[
    (
        "syria.geojson",
        include_str!("../../../data/scenarios/issg-2016/syria.geojson"),
    ),
    (
        "castello-dmz.geojson",
        include_str!("../../../data/scenarios/issg-2016/castello-dmz.geojson"),
    ),
    (
        "nw-grounding.geojson",
        include_str!("../../../data/scenarios/issg-2016/nw-grounding.geojson"),
    ),
];

/// The `record_meta` key that marks a database as built by `hudna demo`.
const DEMO_KEY: &str = "demo";

#[derive(clap::Args)]
pub struct Args {
    /// The database to build. Default: `hudna-demo.db` in the system's temporary directory
    /// (`$TMPDIR`, else /tmp). A database `hudna demo` built is replaced; any other file is
    /// left alone unless `--force`.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Build, create the demo accounts and print the summary, but do not serve.
    #[arg(long)]
    no_serve: bool,
    /// Where to serve the demo (port 0 picks a free port; the URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Replace FILE even when it is not a database `hudna demo` built.
    #[arg(long)]
    force: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

/// A headline of the demo, as `demo.toml` describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadlineSpec {
    title: String,
    rule: String,
    #[serde(default)]
    term: Option<String>,
    #[serde(default)]
    perpetrator: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    admin1: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadlineFile {
    headline: Vec<HeadlineSpec>,
}

/// A finding shown as a headline, with the incident it is about.
#[derive(Debug, Clone, Serialize)]
pub struct HeadlineFinding {
    /// The finding.
    pub finding: StoredFinding,
    /// Its incident.
    pub incident: IncidentRecord,
}

/// One headline: what the reader looks for, and the findings that answer it.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// What it is about.
    pub title: String,
    /// The findings (none means the demo did not find what it should).
    pub findings: Vec<HeadlineFinding>,
}

/// What [`build_demo`] built.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    /// The database.
    pub db: PathBuf,
    /// The ingest of the scenario's reports.
    pub ingest: Summary,
    /// Incidents in the record.
    pub incidents: u64,
    /// Of those, incidents no report gives a day: dated by their earliest report (the three
    /// days before it, or that day).
    pub dated_by_report: u64,
    /// The truce as loaded.
    pub truce: Loaded,
    /// The check.
    pub check: CheckReport,
    /// Findings by rule and severity, and what the proposals would change.
    pub counts: FindingCounts,
    /// The findings to look at first.
    pub headlines: Vec<Headline>,
    /// Wall time of the whole build.
    pub seconds: f64,
}

/// Where the demo database goes when `--db` is not given.
pub fn default_db() -> PathBuf {
    std::env::temp_dir().join("hudna-demo.db")
}

/// Refuses to replace a file that is not a demo database (unless `force`), then removes it
/// and its WAL companions so that the build starts from nothing.
fn clear(db: &Path, force: bool) -> anyhow::Result<()> {
    if db.exists() && !force {
        match hudna_store::peek_meta(db, DEMO_KEY) {
            Ok(Some(_)) => {}
            Ok(None) => bail!(
                "{} exists and is not a database `hudna demo` built; not replacing it \
                 (choose another --db, or add --force)",
                db.display()
            ),
            Err(e) => bail!(
                "{} exists and is not a database hudna can read ({e}); not replacing it \
                 (choose another --db, or add --force)",
                db.display()
            ),
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    }
    Ok(())
}

/// A file of the scenario: from `--data DIR` when given (so an edited copy can be tried),
/// else the copy built into hudna.
fn scenario_file(cli: &Cli, name: &str, built_in: &str) -> anyhow::Result<String> {
    match &cli.data {
        Some(dir) => {
            let p = dir.join("scenarios").join(SCENARIO).join(name);
            std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))
        }
        None => Ok(built_in.to_string()),
    }
}

/// Builds the demo database at `db` — ingest, consolidate, load the truce, check — and
/// returns what it holds. Refuses to replace a file that is not a demo database unless
/// `force`.
pub fn build_demo(cli: &Cli, db: &Path, force: bool) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    clear(db, force)?;
    let location = db
        .to_str()
        .with_context(|| format!("{}: not a UTF-8 path", db.display()))?;
    let mut store = hudna_store::open(location)?;
    // Built by whoever runs `hudna demo`: the log says so.
    store.set_batch_actor(Some(crate::admin::cli_actor()));
    store.begin()?;
    store.set_meta(DEMO_KEY, SCENARIO)?;
    store.commit()?;

    // 1. The reports, read as `hudna ingest` reads a JSON Lines file.
    let extractor = crate::extractor(cli)?;
    let theatre = crate::theatre(cli)?;
    let reports = scenario_file(cli, "reports.jsonl", REPORTS)?;
    let name = format!("{SCENARIO_DIR}/reports.jsonl");
    let read = ReadOptions {
        format: Some(Format::Jsonl),
        ged_actors: theatre.ged_actors.clone(),
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut rejected: Vec<String> = Vec::new();
    hudna_ingest::read_bytes(
        &name,
        &Input::File(PathBuf::from(&name)),
        reports.as_bytes(),
        &read,
        &mut |item| -> Result<(), std::convert::Infallible> {
            match item {
                Ok(e) => entries.push(e),
                Err(r) => rejected.push(format!(
                    "{}:{}: {}",
                    r.file,
                    r.locator.unwrap_or_default(),
                    r.reason
                )),
            }
            Ok(())
        },
    )
    .ok();
    if !rejected.is_empty() {
        bail!(
            "the scenario's reports have bad lines:\n{}",
            rejected.join("\n")
        );
    }
    let mut ingester = Ingester::new(
        store.as_mut(),
        &extractor,
        &theatre.sides,
        Options::default(),
    );
    for e in entries {
        ingester.push(e, &mut Quiet)?;
    }
    let mut ingest = ingester.finish_with(&mut Quiet)?;
    ingest.files = 1;

    // 2. The truce, with its geometry files.
    let actors = crate::truce::actor_codes(cli)?;
    let toml = scenario_file(cli, "truce.toml", TRUCE)?;
    let mut files = |rel: &str| -> Result<String, String> {
        match FILES.iter().find(|(n, _)| *n == rel) {
            Some((n, text)) => scenario_file(cli, n, text).map_err(|e| format!("{e:#}")),
            None => Err(format!("`{rel}` is not part of the {SCENARIO} scenario")),
        }
    };
    let truce_name = format!("{SCENARIO_DIR}/truce.toml");
    let (truce, source) =
        match hudna_check::parse_truce_source(&truce_name, toml, &mut files, &actors) {
            Ok(v) => v,
            Err(hudna_check::CheckError::Invalid(problems)) => {
                let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                bail!(
                    "the scenario's truce does not validate:\n{}",
                    lines.join("\n")
                );
            }
            Err(e) => return Err(e.into()),
        };
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let loaded = hudna_check::store_truce(store.as_mut(), &truce, &source, &actors, &now)?;

    // 3. The check, and what to show first.
    let check = hudna_check::check(store.as_mut(), &actors, Some(&truce.id), &now)?;
    let counts = hudna_check::count_findings(store.as_mut(), &truce.id)?;
    let specs: HeadlineFile = toml::from_str(&scenario_file(cli, "demo.toml", HEADLINES)?)
        .context("data/scenarios/issg-2016/demo.toml")?;
    let mut headlines = Vec::new();
    for spec in specs.headline {
        headlines.push(headline(store.as_mut(), &truce.id, spec)?);
    }
    let incidents = store.incident_count()?;
    let mut dated_by_report = 0u64;
    store.incidents(&hudna_store::IncidentFilter::default(), &mut |i| {
        if i.date_precision == Some(hudna_store::DatePrecision::Reported) {
            dated_by_report += 1;
        }
        Ok(())
    })?;
    Ok(DemoSummary {
        db: db.to_path_buf(),
        ingest,
        incidents,
        dated_by_report,
        truce: loaded,
        check,
        counts,
        headlines,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The findings (terms in force) that answer one headline.
fn headline(
    store: &mut dyn hudna_store::Store,
    truce: &str,
    spec: HeadlineSpec,
) -> anyhow::Result<Headline> {
    let mut candidates: Vec<StoredFinding> = Vec::new();
    store.findings(
        &FindingFilter {
            truce: Some(truce.to_string()),
            rule: Some(spec.rule.clone()),
            incident: None,
        },
        &mut |f| {
            if f.proposal.is_none() && spec.term.as_ref().is_none_or(|t| *t == f.term) {
                candidates.push(f.clone());
            }
            Ok(())
        },
    )?;
    let mut findings = Vec::new();
    for f in candidates {
        let Some(incident) = store.incident_by_public_id(f.incident)? else {
            continue;
        };
        let fits = spec
            .perpetrator
            .as_ref()
            .is_none_or(|p| *p == incident.perpetrator)
            && spec
                .date
                .as_ref()
                .is_none_or(|d| incident.date.map(|x| x.to_string()).as_ref() == Some(d))
            && spec
                .admin1
                .as_ref()
                .is_none_or(|a| incident.admin1.as_ref() == Some(a));
        if fits {
            findings.push(HeadlineFinding {
                finding: f,
                incident,
            });
        }
    }
    Ok(Headline {
        title: spec.title,
        findings,
    })
}

/// The summary as a person reads it.
pub fn summary_text(s: &DemoSummary) -> String {
    let mut out = format!(
        "hudna demo — the ISSG cessation of hostilities in Syria, September 2016\n\
         database: {}\n\n\
         1. reports: {} read, {} mentions of incidents, consolidated into {} incidents \
         ({} drawing on two or more reports; {} dated only by the day they were reported)\n\
         2. truce: {}\n\
         3. check:",
        s.db.display(),
        s.ingest.articles_read,
        s.ingest.mentions,
        s.incidents,
        s.ingest.incidents_merged,
        s.dated_by_report,
        hudna_check::report::load_text(&s.truce),
    );
    for run in &s.check.runs {
        out.push_str(&format!(
            " {} incidents judged ({} undated, {} without coordinates); {} findings\n",
            run.evaluated, run.undated, run.unlocated, run.findings
        ));
    }
    out.push('\n');
    out.push_str(&hudna_check::report::counts_text(&s.counts));
    for h in &s.headlines {
        out.push_str(&format!("\n\n{}", h.title));
        if h.findings.is_empty() {
            out.push_str("\n  (no finding — the record or the check has lost it)");
        }
        for f in &h.findings {
            let i = &f.incident;
            out.push_str(&format!(
                "\n  incident {} — {} {} at {} ({}), {} independent source(s)\n    {} {} {:.2}: {}",
                i.public_id,
                i.date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "undated".into()),
                i.kind,
                i.place.as_deref().unwrap_or("?"),
                i.admin1.as_deref().unwrap_or("?"),
                i.sources,
                f.finding.rule,
                f.finding.severity,
                f.finding.confidence,
                f.finding.explanation
            ));
        }
    }
    out.push_str(&format!(
        "\n\nBuilt in {:.1} s. Explore it:\n  hudna findings --db {db} --format csv\n  \
         hudna incidents --db {db}\n  hudna truce show {} --db {db}",
        s.seconds,
        s.truce.truce,
        db = s.db.display()
    ));
    out
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let db = args.db.clone().unwrap_or_else(default_db);
    let summary = build_demo(cli, &db, args.force)?;
    let accounts = crate::serve::demo_accounts(&db)?;
    if args.json {
        let mut v = serde_json::to_value(&summary)?;
        if let serde_json::Value::Object(m) = &mut v {
            m.insert(
                "accounts".into(),
                serde_json::json!(accounts
                    .iter()
                    .map(|a| serde_json::json!({
                        "username": a.username, "password": a.password,
                        "role": a.role.as_str(), "organisation": a.org,
                    }))
                    .collect::<Vec<_>>()),
            );
        }
        println!("{}", serde_json::to_string(&v)?);
    } else {
        println!("{}", summary_text(&summary));
        println!("\n{}", crate::serve::accounts_text(&accounts));
    }
    let missing = summary.headlines.iter().any(|h| h.findings.is_empty());
    if missing {
        return Ok(ExitCode::from(1));
    }
    if !args.no_serve {
        // Flush what was printed before the server takes over the terminal.
        use std::io::Write;
        std::io::stdout().flush()?;
        crate::serve::serve_db(cli, db, args.addr, false, 64 * 1024)?;
    }
    Ok(ExitCode::SUCCESS)
}
