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
    /// The record end to end (extract, dedup, syndication, consolidation, storage) over
    /// generated articles, then a filtered export over generated incidents.
    Ingest {
        /// Articles to ingest.
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// Incidents in the store for the export measurement.
        #[arg(long, default_value_t = 1_000_000)]
        incidents: usize,
        /// Articles to vary (default: the shared development set).
        #[arg(long, default_value = "../shared/eval/dev/articles.jsonl")]
        seed_articles: PathBuf,
        /// Keep the databases in this directory instead of a temporary one.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// Write a generated corpus (the development articles, varied) as JSON Lines.
    Corpus {
        /// Number of articles.
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// Articles to vary.
        #[arg(long, default_value = "../shared/eval/dev/articles.jsonl")]
        seed_articles: PathBuf,
        /// Output file (standard output if absent).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.what {
        What::Extract { mb, articles } => extract(cli, *mb, articles),
        What::Ingest {
            articles,
            incidents,
            seed_articles,
            keep,
        } => crate::bench_ingest::run(cli, *articles, *incidents, seed_articles, keep.as_deref()),
        What::Corpus {
            articles,
            seed_articles,
            output,
        } => corpus(*articles, seed_articles, output.as_deref()),
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

fn corpus(
    n: usize,
    seeds: &std::path::Path,
    output: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let seeds = crate::corpus::seeds(seeds)?;
    let out: Box<dyn Write> = match output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(out);
    for i in 0..n {
        serde_json::to_writer(&mut out, &crate::corpus::article(&seeds, i))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
