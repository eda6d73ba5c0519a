//! `hudna ingest`: inputs into the record, with a progress bar on a terminal and a summary.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hudna_ingest::{Format, Input, ReadOptions, Rejection};
use hudna_record::{Ingester, Observer, Options, Summary};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{Cli, DbArg};

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories (read recursively) to ingest; `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArg,
    /// Input format: auto (by extension, then content), jsonl, html, feed (RSS/Atom) or ged
    /// (UCDP GED CSV).
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    format: FormatArg,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
    /// Entries per transaction.
    #[arg(long, default_value_t = Options::default().batch, hide = true)]
    batch: usize,
    /// Threads for extraction (default: all cores, at most 8).
    #[arg(long, hide = true)]
    threads: Option<usize>,
}

#[derive(Clone, Copy)]
struct FormatArg(Option<Format>);

fn parse_format(s: &str) -> Result<FormatArg, String> {
    if s == "auto" {
        return Ok(FormatArg(None));
    }
    s.parse::<Format>().map(|f| FormatArg(Some(f)))
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let extractor = crate::extractor(cli)?;
    let theatre = crate::theatre(cli)?;
    let inputs = hudna_ingest::expand(&args.paths)?;
    args.db.refuse_if_tampered()?;
    let mut store = args.db.open()?;
    let read = ReadOptions {
        format: args.format.0,
        ged_actors: theatre.ged_actors.clone(),
    };
    let mut options = Options {
        batch: args.batch.max(1),
        ..Options::default()
    };
    if let Some(t) = args.threads {
        options.threads = t.max(1);
    }
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    let summary = Ingester::new(store.as_mut(), &extractor, &theatre.sides, options).run(
        &inputs,
        &read,
        &mut progress,
    );
    progress.done();
    let summary = summary?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print_summary(&summary, &args.db.db);
    }
    Ok(if summary.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_summary(s: &Summary, db: &std::path::Path) {
    println!("hudna ingest → {}", db.display());
    let rows = [
        ("files", s.files),
        ("articles read", s.articles_read),
        ("new", s.new),
        ("exact duplicates", s.duplicates),
        ("near-duplicates", s.near_duplicates),
        ("rejected", s.rejected),
        ("mentions", s.mentions),
        ("incidents created", s.incidents_created),
        ("incidents merged", s.incidents_merged),
    ];
    for (name, n) in rows {
        println!("  {name:<18} {n:>9}");
    }
    for r in &s.rejections {
        match &r.at {
            Some(at) => println!("  rejected: {}:{}: {}", r.file, at, r.reason),
            None => println!("  rejected: {}: {}", r.file, r.reason),
        }
    }
}

/// A progress bar on a terminal (files, articles, rate); rejections as they happen.
struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    last: Instant,
}

impl Progress {
    fn new(tty: bool) -> Progress {
        let bar = tty.then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] files {pos}/{len} {wide_msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            start: now,
            last: now,
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn file_started(&mut self, _input: &Input, index: usize, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(index as u64);
        }
    }

    fn read(&mut self, s: &Summary) {
        let Some(bar) = &self.bar else { return };
        let now = Instant::now();
        if now.duration_since(self.last) < Duration::from_millis(100) {
            return;
        }
        self.last = now;
        let secs = now.duration_since(self.start).as_secs_f64().max(1e-3);
        bar.set_message(format!(
            "· {} articles ({:.0}/s) · {} new · {} rejected",
            s.articles_read,
            s.articles_read as f64 / secs,
            s.new,
            s.rejected
        ));
    }

    fn rejected(&mut self, r: &Rejection) {
        let line = format!("hudna: {r}, skipped");
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}
