//! `hudna truce validate` and `hudna check --truce-file`: the truce format and the
//! compliance engine from the command line, before the record stores truces and findings.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use hudna_core::Incident;
use hudna_truce::{
    load_truce, ActorCodes, CheckedIncident, Engine, Finding, LoadError, Rule, Status, Truce,
};

use crate::Cli;

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
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// A truce file to judge the incidents against (repeat for several).
    #[arg(long = "truce-file", value_name = "TRUCE.toml", required = true)]
    truces: Vec<PathBuf>,
    /// Incidents as `hudna extract` writes them, one JSON object a line (`-` or nothing:
    /// standard input). Each incident's id is its article id and its place in the file's
    /// incidents of that article (`r18#0`).
    incidents: Option<PathBuf>,
    /// Only findings of this rule (e.g. `party_attack`).
    #[arg(long)]
    rule: Option<String>,
    /// Findings as JSON lines instead of text.
    #[arg(long)]
    json: bool,
    /// UTC offset of the incidents' local dates (default: the first truce's).
    #[arg(long, value_name = "+03:00")]
    utc_offset: Option<String>,
}

/// The theatre's actor codes, from the data the command line names.
fn actor_codes(cli: &Cli) -> anyhow::Result<ActorCodes> {
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

pub fn run_truce(cli: &Cli, args: &TruceArgs) -> anyhow::Result<ExitCode> {
    match &args.what {
        TruceCommand::Validate { file } => {
            let actors = actor_codes(cli)?;
            match load(file, &actors)? {
                Ok(t) => {
                    println!("{}", summary(&t));
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    for p in e.problems() {
                        eprintln!("{p}");
                    }
                    eprintln!(
                        "hudna: {}: {} problem(s); nothing loaded",
                        file.display(),
                        e.problems().len()
                    );
                    Ok(ExitCode::from(1))
                }
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

pub fn run_check(cli: &Cli, args: &CheckArgs) -> anyhow::Result<ExitCode> {
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
    let mut incidents = Vec::new();
    let mut per_article: std::collections::HashMap<String, usize> = Default::default();
    let mut rejected = 0usize;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{name}: read error at line {}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Incident>(&line) {
            Ok(inc) => {
                let k = per_article.entry(inc.article_id.clone()).or_insert(0);
                let id = format!("{}#{k}", inc.article_id);
                *k += 1;
                incidents.push(CheckedIncident::from_incident(id, &inc, offset));
            }
            Err(e) => {
                eprintln!("{name}:{}: not an incident: {e}", n + 1);
                rejected += 1;
            }
        }
    }

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
