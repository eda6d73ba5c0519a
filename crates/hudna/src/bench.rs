//! `hudna bench`: throughput of the hot paths, printed as one JSON object on the last line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use hudna_core::{Article, JsonlArticles};

use crate::Cli;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// Extraction on one thread over a corpus built from the development articles.
    Extract {
        /// Size of the corpus in MB.
        #[arg(long, default_value_t = 50.0)]
        mb: f64,
        /// Articles to repeat (default: the shared development set).
        #[arg(long, default_value = "../shared/eval/dev/articles.jsonl")]
        articles: PathBuf,
    },
    /// The compliance engine on one thread: generated incidents against generated notified
    /// sites, movements and zones, with the speed-up over a naive scan measured on a sample.
    Check {
        /// Incidents to check.
        #[arg(long, default_value_t = 1_000_000)]
        incidents: usize,
        /// Notified sites.
        #[arg(long, default_value_t = 10_000)]
        sites: usize,
        /// Notified movements.
        #[arg(long, default_value_t = 1_000)]
        movements: usize,
        /// Zones.
        #[arg(long, default_value_t = 500)]
        zones: usize,
        /// Incidents also checked by the naive scan.
        #[arg(long, default_value_t = 2_000)]
        sample: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 2016)]
        seed: u64,
    },
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.what {
        What::Extract { mb, articles } => extract(cli, *mb, articles),
        What::Check {
            incidents,
            sites,
            movements,
            zones,
            sample,
            seed,
        } => check(&hudna_truce::bench::BenchConfig {
            incidents: *incidents,
            sites: *sites,
            movements: *movements,
            zones: *zones,
            naive_sample: *sample,
            seed: *seed,
        }),
    }
}

fn extract(cli: &Cli, mb: f64, path: &PathBuf) -> anyhow::Result<ExitCode> {
    let extractor = crate::extractor(cli)?;
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = JsonlArticles::new(std::io::BufReader::new(f));
    let mut seed: Vec<Article> = Vec::new();
    while let Some(next) = reader.next_article() {
        if let Ok((_, a)) = next? {
            seed.push(a);
        }
    }
    anyhow::ensure!(!seed.is_empty(), "{}: no articles", path.display());
    let want = (mb * 1_000_000.0) as usize;
    let mut corpus = Vec::new();
    let mut bytes = 0usize;
    let mut i = 0usize;
    while bytes < want {
        let mut a = seed[i % seed.len()].clone();
        a.id = format!("{}#{}", a.id, i / seed.len());
        bytes += a.text.len();
        corpus.push(a);
        i += 1;
    }
    eprintln!(
        "hudna bench extract: {} articles, {:.1} MB, one thread",
        corpus.len(),
        bytes as f64 / 1e6
    );
    let start = Instant::now();
    let mut incidents = 0usize;
    for a in &corpus {
        incidents += extractor.extract(a).len();
    }
    let secs = start.elapsed().as_secs_f64();
    let mbs = bytes as f64 / 1e6;
    eprintln!("{incidents} incidents");
    println!(
        "{}",
        serde_json::json!({
            "mb": (mbs * 10.0).round() / 10.0,
            "seconds": (secs * 1000.0).round() / 1000.0,
            "mb_per_s": ((mbs / secs) * 10.0).round() / 10.0,
            "articles_per_s": (corpus.len() as f64 / secs).round(),
            "articles": corpus.len(),
            "incidents": incidents,
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn check(cfg: &hudna_truce::bench::BenchConfig) -> anyhow::Result<ExitCode> {
    eprintln!(
        "hudna bench check: {} incidents against {} notified sites, {} movements and {} zones, one thread",
        cfg.incidents, cfg.sites, cfg.movements, cfg.zones
    );
    let r = hudna_truce::bench::run(cfg);
    eprintln!(
        "{} findings; indexes built in {:.3} s; naive scan of {} incidents {:.3} s vs {:.4} s indexed ({})",
        r.findings,
        r.index_seconds,
        r.naive_sample,
        r.naive_sample_seconds,
        r.indexed_sample_seconds,
        if r.naive_agrees {
            "same findings"
        } else {
            "FINDINGS DIFFER"
        }
    );
    println!(
        "{}",
        serde_json::json!({
            "incidents": r.incidents,
            "seconds": (r.seconds * 1000.0).round() / 1000.0,
            "incidents_per_s": r.incidents_per_s.round(),
            "naive_speedup": (r.naive_speedup * 10.0).round() / 10.0,
            "cpu_seconds": r.cpu_seconds.map(|c| (c * 100.0).round() / 100.0),
            "findings": r.findings,
            "sites": r.sites,
            "movements": r.movements,
            "zones": r.zones,
            "naive_sample": r.naive_sample,
            "naive_agrees": r.naive_agrees,
        })
    );
    Ok(if r.naive_agrees {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
