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
        /// Articles to repeat (default: the shared development set,
        /// `../shared/eval/dev/articles.jsonl` from the working directory or from the
        /// repository hudna was built in).
        #[arg(long)]
        articles: Option<PathBuf>,
    },
    /// Drawing the theatre map as SVG with many incidents.
    Map {
        /// Number of incidents on the map.
        #[arg(long, default_value_t = 100_000)]
        incidents: usize,
        /// Width of the drawing in pixels.
        #[arg(long, default_value_t = 1200.0)]
        width: f64,
        /// Height of the drawing in pixels.
        #[arg(long, default_value_t = 900.0)]
        height: f64,
        /// Timed renders (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Building and verifying a synthetic audit log (chain and record hashes), in memory.
    Audit {
        /// Number of log entries.
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
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
        What::Extract { mb, articles } => {
            let path = match articles {
                Some(p) => p.clone(),
                None => shared_dev_articles()?,
            };
            extract(cli, *mb, &path)
        }
        What::Map {
            incidents,
            width,
            height,
            runs,
        } => map(*incidents, *width, *height, *runs),
        What::Audit { entries } => audit(*entries),
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

/// Where the shared development articles are, seen from the working directory (the
/// repository root, as in CI) or, failing that, from the repository this binary was built
/// in, so that `hudna bench extract` works from any directory of this machine.
pub(crate) fn shared_dev_articles() -> anyhow::Result<PathBuf> {
    const REL: &str = "../shared/eval/dev/articles.jsonl";
    let built_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = [PathBuf::from(REL), built_in.join(REL)];
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    anyhow::bail!(
        "no development articles at {} (from the working directory) or {}; \
         give a JSON Lines file of articles with --articles",
        candidates[0].display(),
        candidates[1].display()
    )
}

fn extract(cli: &Cli, mb: f64, path: &PathBuf) -> anyhow::Result<ExitCode> {
    let extractor = crate::extractor(cli)?;
    let f = std::fs::File::open(path)
        .with_context(|| format!("--articles: cannot open {}", path.display()))?;
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

/// Renders the bundled Syria map with `n` generated incidents spread over the theatre
/// (a fixed pseudo-random sequence, so runs compare), `runs` times, and reports the median.
fn map(n: usize, width: f64, height: f64, runs: usize) -> anyhow::Result<ExitCode> {
    use hudna_i18n::{Labels, Lang};
    use hudna_map::{
        render, Basemap, FindingClass, IncidentMarker, Layers, Projection, RenderOptions, Viewport,
    };

    let start = Instant::now();
    let basemap = Basemap::bundled()?;
    let labels = Labels::bundled()?;
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    let bounds = basemap.bounds();
    let view = Viewport::fit(bounds, width, height, Projection::WebMercator)?;
    let opts = RenderOptions::default();

    // splitmix64: a fixed sequence on every platform.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / u64::MAX as f64
    };
    let (w, s) = (bounds.min().x, bounds.min().y);
    let (dw, dh) = (bounds.width(), bounds.height());
    let layers = Layers {
        incidents: (0..n)
            .map(|i| {
                let r = next();
                // Mostly unremarkable, a few grave: roughly what a month of a collapsing
                // truce looks like.
                let finding = match r {
                    r if r < 0.55 => FindingClass::None,
                    r if r < 0.65 => FindingClass::OutsideTruce,
                    r if r < 0.80 => FindingClass::NeedsInvestigation,
                    r if r < 0.93 => FindingClass::Serious,
                    _ => FindingClass::Grave,
                };
                IncidentMarker {
                    id: (1_000_000 + i).to_string(),
                    at: geo::Point::new(w + next() * dw, s + next() * dh),
                    finding,
                    title: format!("2016-09-{:02} · Air strike · Place {i}", 1 + i % 30),
                }
            })
            .collect(),
        ..Layers::default()
    };

    let t = Instant::now();
    let empty = render(basemap, labels, &Layers::default(), &view, Lang::En, &opts);
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let empty_again = render(basemap, labels, &Layers::default(), &view, Lang::En, &opts);
    let basemap_ms = t.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(empty == empty_again, "rendering is not deterministic");

    let mut times = Vec::new();
    let mut bytes = 0usize;
    let mut drawn = 0usize;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let m = render(basemap, labels, &layers, &view, Lang::Ar, &opts);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        bytes = m.svg.len();
        drawn = m.incidents_drawn;
    }
    times.sort_by(f64::total_cmp);
    let ms = times[times.len() / 2];
    eprintln!(
        "hudna bench map: {width}x{height} px, {n} incidents, {} runs; data load {load_ms:.1} ms, \
         first render (with simplification) {first_ms:.1} ms",
        times.len()
    );
    println!(
        "{}",
        serde_json::json!({
            "incidents": drawn,
            "ms": (ms * 10.0).round() / 10.0,
            "bytes": bytes,
            "bytes_per_incident": ((bytes - empty.svg.len()) as f64 / n.max(1) as f64).round(),
            "incidents_per_s": (drawn as f64 / (ms / 1000.0)).round(),
            "basemap_ms": (basemap_ms * 100.0).round() / 100.0,
            "basemap_bytes": empty.svg.len(),
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
