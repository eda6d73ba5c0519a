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
    /// Building and verifying a synthetic audit log (chain and record hashes), in memory.
    Audit {
        /// Number of log entries.
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
    },
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.what {
        What::Extract { mb, articles } => extract(cli, *mb, articles),
        What::Audit { entries } => audit(*entries),
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

fn audit(entries: u64) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(entries > 0, "--entries must be at least 1");
    eprintln!("hudna bench audit: {entries} entries, one thread");
    let report =
        hudna_audit::bench::run(entries).context("the synthetic audit log did not verify")?;
    println!("{}", report.to_json());
    Ok(ExitCode::SUCCESS)
}
