//! `hudna truce validate|load|list|show` and `hudna check`: truces as data, stored with
//! their versions, and the compliance engine over the record (or, with `--truce-file`, over
//! incidents on standard input, without a record).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use hudna_core::Incident;
use hudna_truce::{
    load_truce, ActorCodes, CheckedIncident, Engine, Finding, LoadError, Rule, Status, Truce,
};

use crate::{Cli, DbArg};

#[derive(clap::Args)]
pub struct TruceArgs {
    #[command(subcommand)]
    what: TruceCommand,
}

#[derive(clap::Subcommand)]
enum TruceCommand {
    /// Read a truce file (TOML + GeoJSON) and report every problem with its line and field,
    /// or summarise its terms.
    Validate {
        /// The truce file.
        file: PathBuf,
    },
    /// Validate a truce file as `validate` does, then store it in the record as a new
    /// version when its content (the TOML or a geometry file it names) changed.
    Load {
        /// The truce file.
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Print what was stored as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List the truces in the record.
    List {
        #[command(flatten)]
        db: DbArg,
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
    /// Show a stored truce: its version, what changed, its terms.
    Show {
        /// The truce's id.
        id: String,
        /// A version other than the current one.
        #[arg(long)]
        version: Option<u32>,
        #[command(flatten)]
        db: DbArg,
        /// Print the stored TOML as loaded.
        #[arg(long, conflicts_with = "json")]
        raw: bool,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Only this stored truce (default: every truce in the record).
    #[arg(long, value_name = "ID", conflicts_with = "truces")]
    truce: Option<String>,
    #[command(flatten)]
    db: DbArg,
    /// Without the record: judge incidents from a file or standard input against this truce
    /// file (repeat for several), printing the findings.
    #[arg(long = "truce-file", value_name = "TRUCE.toml")]
    truces: Vec<PathBuf>,
    /// With `--truce-file`: incidents as `hudna extract` writes them, one JSON object a line
    /// (`-` or nothing: standard input). Each incident's id is its article id and a hash of
    /// its content (`r18#3fa9c2d1`), the same whatever the order of the lines.
    #[arg(requires = "truces")]
    incidents: Option<PathBuf>,
    /// With `--truce-file`: only findings of this rule (e.g. `party_attack`).
    #[arg(long, requires = "truces")]
    rule: Option<String>,
    /// The record: what the check did as one JSON object. With `--truce-file`: findings as
    /// JSON lines instead of text.
    #[arg(long)]
    json: bool,
    /// The record: how many changed findings to list (the rest are counted).
    #[arg(long, default_value_t = 40)]
    limit: usize,
    /// With `--truce-file`: UTC offset of the incidents' local dates (default: the first
    /// truce's).
    #[arg(long, value_name = "+03:00", requires = "truces")]
    utc_offset: Option<String>,
}

/// The theatre's actor codes, from the data the command line names.
pub fn actor_codes(cli: &Cli) -> anyhow::Result<ActorCodes> {
    let source = match &cli.data {
        Some(dir) => hudna_extract::DataSource::dir(dir),
        None => hudna_extract::DataSource::Bundled,
    };
    let text = source.require(&format!("theatres/{}/actors.tsv", cli.theatre))?;
    Ok(ActorCodes::from_tsv(&text))
}

fn load(path: &Path, actors: &ActorCodes) -> anyhow::Result<Result<Truce, LoadError>> {
    match load_truce(path, actors) {
        Err(LoadError::Io { path, source }) => {
            Err(anyhow::Error::new(source).context(format!("cannot read {path}")))
        }
        other => Ok(other),
    }
}

/// Prints a truce's problems (file:line:column: field: reason) and what happened.
fn report_problems(file: &Path, problems: &[hudna_truce::Problem], what: &str) -> ExitCode {
    for p in problems {
        eprintln!("{p}");
    }
    eprintln!(
        "hudna: {}: {} problem(s); {what}",
        file.display(),
        problems.len()
    );
    ExitCode::from(1)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn run_truce(cli: &Cli, args: &TruceArgs) -> anyhow::Result<ExitCode> {
    match &args.what {
        TruceCommand::Load { file, db, json } => {
            let actors = actor_codes(cli)?;
            let (truce, source) = match hudna_check::load_truce_file(file, &actors) {
                Ok(v) => v,
                Err(hudna_check::CheckError::Invalid(problems)) => {
                    return Ok(report_problems(file, &problems, "nothing stored"))
                }
                Err(e) => return Err(e.into()),
            };
            let mut store = db.open()?;
            let loaded =
                hudna_check::store_truce(store.as_mut(), &truce, &source, &actors, &now())?;
            if *json {
                println!("{}", serde_json::to_string(&loaded)?);
            } else {
                println!("{}", hudna_check::report::load_text(&loaded));
            }
            Ok(ExitCode::SUCCESS)
        }
        TruceCommand::List { db, json } => {
            let mut store = db.open_existing()?;
            let list = store.truce_list()?;
            let mut out = BufWriter::new(io::stdout().lock());
            for t in &list {
                if *json {
                    serde_json::to_writer(&mut out, t)?;
                    writeln!(out)?;
                } else {
                    writeln!(
                        out,
                        "{}  v{}  {} terms  {} findings  loaded {} from {}\n    {}\n    {}",
                        t.id,
                        t.current_version,
                        t.terms,
                        t.findings,
                        t.loaded_at,
                        t.source,
                        t.name_en,
                        t.name_ar
                    )?;
                }
            }
            if list.is_empty() && !*json {
                writeln!(
                    out,
                    "no truce in the record; load one with `hudna truce load FILE`"
                )?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        TruceCommand::Show {
            id,
            version,
            db,
            raw,
            json,
        } => {
            let mut store = db.open_existing()?;
            let Some(v) = store.truce_version(id, *version)? else {
                let versions = store.truce_versions(id)?;
                return Err(match (version, versions.is_empty()) {
                    (Some(n), false) => hudna_check::CheckError::UnknownVersion {
                        id: id.clone(),
                        version: *n,
                        versions,
                    },
                    _ => hudna_check::CheckError::UnknownTruce {
                        id: id.clone(),
                        known: store.truce_list()?.into_iter().map(|t| t.id).collect(),
                    },
                }
                .into());
            };
            if *raw {
                print!("{}", v.toml);
            } else if *json {
                println!("{}", serde_json::to_string(&v)?);
            } else {
                let all = store.truce_versions(id)?;
                println!("{}", show_text(&v, all.len()));
            }
            Ok(ExitCode::SUCCESS)
        }
        TruceCommand::Validate { file } => {
            let actors = actor_codes(cli)?;
            match load(file, &actors)? {
                Ok(t) => {
                    println!("{}", summary(&t));
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(report_problems(file, e.problems(), "nothing loaded")),
            }
        }
    }
}

fn summary(t: &Truce) -> String {
    let proposed = |n: usize, p: usize| {
        if p > 0 {
            format!("{n} ({p} proposed)")
        } else {
            n.to_string()
        }
    };
    let (sites, movements) = t
        .notifications
        .iter()
        .fold((0, 0), |(s, m), n| match n.kind {
            hudna_truce::NotificationKind::Site(_) => (s + 1, m),
            hudna_truce::NotificationKind::Movement(_) => (s, m + 1),
        });
    format!(
        "{}: valid — {} — {} period(s), {} parties, designations {}, zones {}, {} notified site(s), {} movement(s)",
        t.id,
        t.name.en,
        t.periods.len(),
        t.parties.len(),
        proposed(
            t.designations.len(),
            t.designations
                .iter()
                .filter(|d| d.status == Status::Proposed)
                .count()
        ),
        proposed(
            t.zones.len(),
            t.zones.iter().filter(|z| z.status == Status::Proposed).count()
        ),
        sites,
        movements
    )
}

/// `truce show`: the version, what changed, the files and the terms.
fn show_text(v: &hudna_store::TruceVersion, versions: usize) -> String {
    let mut s = format!(
        "{} version {} of {}{}\n  {}\n  {}\n  loaded {} from {}\n  content sha256 {}",
        v.truce_id,
        v.version,
        versions,
        if v.current { " (current)" } else { "" },
        v.name_en,
        v.name_ar,
        v.loaded_at,
        v.source,
        v.content_hash
    );
    let list = hudna_check::report::stored_changes(&v.changes);
    if v.version > 1 {
        if list.is_empty() {
            s.push_str(&format!(
                "\n  changed from version {}: no term",
                v.version - 1
            ));
        } else {
            s.push_str(&format!(
                "\n  changed from version {}: {}",
                v.version - 1,
                list.join(", ")
            ));
        }
    }
    for (path, text) in &v.files {
        s.push_str(&format!("\n  file {path} ({} bytes, stored)", text.len()));
    }
    s.push_str(&format!(
        "\n  terms: {}",
        hudna_check::report::terms_summary(&v.terms)
    ));
    for t in &v.terms {
        s.push_str(&format!(
            "\n    {:<12} {:<32} {:<9} {}",
            t.kind,
            t.id,
            t.status.as_deref().unwrap_or(""),
            t.label
        ));
    }
    s
}

pub fn run_check(cli: &Cli, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    if args.truces.is_empty() {
        return check_record(cli, args);
    }
    let actors = actor_codes(cli)?;
    let mut truces = Vec::new();
    for path in &args.truces {
        match load(path, &actors)? {
            Ok(t) => truces.push(t),
            Err(e) => {
                for p in e.problems() {
                    eprintln!("{p}");
                }
                anyhow::bail!("{}: not a valid truce", path.display());
            }
        }
    }
    let rule = match &args.rule {
        Some(r) => Some(Rule::parse(r).with_context(|| {
            let all: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown rule `{r}` (rules: {})", all.join(", "))
        })?),
        None => None,
    };
    let offset = match &args.utc_offset {
        Some(o) => hudna_truce::parse_utc_offset(o).map_err(anyhow::Error::msg)?,
        None => truces
            .first()
            .map(|t| t.utc_offset)
            .context("no truce given")?,
    };

    let (reader, name): (Box<dyn BufRead>, String) = match &args.incidents {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
            (Box::new(BufReader::new(f)), p.display().to_string())
        }
        _ => (
            Box::new(BufReader::new(io::stdin().lock())),
            "<stdin>".into(),
        ),
    };
    let mut extracted: Vec<Incident> = Vec::new();
    let mut rejected = 0usize;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{name}: read error at line {}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Incident>(&line) {
            Ok(inc) => extracted.push(inc),
            Err(e) => {
                eprintln!("{name}:{}: not an incident: {e}", n + 1);
                rejected += 1;
            }
        }
    }

    let incidents: Vec<CheckedIncident> = hudna_truce::extracted_ids(&extracted)
        .into_iter()
        .zip(&extracted)
        .map(|(id, inc)| CheckedIncident::from_incident(id, inc, offset))
        .collect();
    let engine = Engine::new(truces);
    let (findings, stats) = engine.check_with_stats(&incidents);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut shown = 0usize;
    for f in findings.iter().filter(|f| rule.is_none_or(|r| f.rule == r)) {
        if args.json {
            serde_json::to_writer(&mut out, f)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", text_line(f))?;
        }
        shown += 1;
    }
    out.flush()?;
    eprintln!(
        "hudna check: {} incidents ({} undated, {} without coordinates, {} rejected lines); {} findings, {} shown",
        stats.incidents, stats.undated, stats.unlocated, rejected, stats.findings, shown
    );
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn text_line(f: &Finding) -> String {
    let proposal = f
        .proposal
        .as_ref()
        .map(|p| {
            let effect = match p.effect {
                hudna_truce::Effect::WouldAdd => "would add",
                hudna_truce::Effect::WouldRemove => "would remove",
                hudna_truce::Effect::WouldChange => "would change",
            };
            format!(" [{} {}]", p.term, effect)
        })
        .unwrap_or_default();
    format!(
        "{} {}/{} {} {} {:.2}{}: {}",
        f.incident,
        f.truce,
        f.term,
        f.rule,
        f.severity.as_str(),
        f.confidence,
        proposal,
        f.explanation
    )
}

/// `hudna check` over the record.
fn check_record(cli: &Cli, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let actors = actor_codes(cli)?;
    args.db.refuse_if_tampered()?;
    let mut store = args.db.open_existing()?;
    let report = hudna_check::check(store.as_mut(), &actors, args.truce.as_deref(), &now())?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("hudna check → {}", args.db.db.display());
        for run in &report.runs {
            println!("{}", hudna_check::report::run_text(run, args.limit));
        }
    }
    Ok(ExitCode::SUCCESS)
}
