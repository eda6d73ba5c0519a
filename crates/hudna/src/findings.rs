//! `hudna findings`: the stored findings out of the record, as JSON Lines or CSV.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use hudna_check::export::{write_findings, Format};
use hudna_store::FindingFilter;

use crate::DbArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArg,
    /// Only findings under this truce.
    #[arg(long, value_name = "ID")]
    truce: Option<String>,
    /// Only findings of this rule (e.g. `notified_movement_hit`).
    #[arg(long)]
    rule: Option<String>,
    /// Only findings about this incident (its public id).
    #[arg(long, value_name = "ID")]
    incident: Option<i64>,
    /// jsonl (one finding a line) or csv.
    #[arg(long, default_value = "jsonl")]
    format: Format,
    /// Write here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut store = args.db.open_existing()?;
    let filter = FindingFilter {
        truce: args.truce.clone(),
        rule: args.rule.clone(),
        incident: args.incident,
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let n = write_findings(store.as_mut(), &filter, args.format, &mut out)?;
    out.flush()?;
    eprintln!("hudna: {n} findings exported");
    Ok(ExitCode::SUCCESS)
}
