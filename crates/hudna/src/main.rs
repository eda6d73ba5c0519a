//! The `hudna` command: thin glue between the library crates and the terminal.

mod bench;
mod extract;
mod map;
mod truce;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// hudna: a shared, checkable record of ceasefire violations.
#[derive(Parser)]
#[command(name = "hudna", version, about, long_about = None)]
struct Cli {
    /// Read lexicons and theatres from this directory (laid out like the repository's
    /// `data/`) instead of the copy built into hudna.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// The theatre whose actors and places to use.
    #[arg(long, global = true, default_value = "syria")]
    theatre: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles (JSON Lines) and write the incidents they report (JSON Lines).
    Extract(extract::Args),
    /// Draw the theatre map (SVG) into a stand-alone HTML page, with layers and incidents.
    Map(map::Args),
    /// Read and validate truce files (the terms of a ceasefire as data).
    Truce(truce::TruceArgs),
    /// Judge incidents (JSON Lines from `hudna extract`) against truce files and print the
    /// findings: which term, which rule, how grave, how sure, and why.
    Check(truce::CheckArgs),
    /// Measure throughput of hudna's hot paths.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Extract(args) => extract::run(&cli, args),
        Command::Map(args) => map::run(&cli, args),
        Command::Truce(args) => truce::run_truce(&cli, args),
        Command::Check(args) => truce::run_check(&cli, args),
        Command::Bench(args) => bench::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("hudna: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Builds the extractor the command line asks for.
fn extractor(cli: &Cli) -> anyhow::Result<hudna_extract::Extractor> {
    let source = match &cli.data {
        Some(dir) => hudna_extract::DataSource::dir(dir),
        None => hudna_extract::DataSource::Bundled,
    };
    Ok(hudna_extract::Extractor::new(&source, &cli.theatre)?)
}
