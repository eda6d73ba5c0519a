//! `hudna extract`: articles in, incidents out, as a stream.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use hudna_core::JsonlArticles;

use crate::Cli;

#[derive(clap::Args)]
pub struct Args {
    /// Articles, one JSON object a line (`-` or nothing: standard input).
    input: Option<PathBuf>,
    /// Where to write incidents (`-` or nothing: standard output).
    #[arg(short, long, value_name = "OUT.jsonl")]
    output: Option<PathBuf>,
    /// Stop at the first rejected line instead of skipping it.
    #[arg(long)]
    strict: bool,
    /// Explain the reading of each article on standard error: the words recognised in
    /// each sentence and the events read from them.
    #[arg(long)]
    trace: bool,
}

fn is_stdio(p: &Option<PathBuf>) -> bool {
    p.as_ref().is_none_or(|p| p.as_os_str() == "-")
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let extractor = crate::extractor(cli)?;
    let (reader, name): (Box<dyn BufRead>, String) = if is_stdio(&args.input) {
        (
            Box::new(BufReader::new(io::stdin().lock())),
            "<stdin>".into(),
        )
    } else {
        let p = args.input.as_ref().expect("checked above");
        let f = File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
        (Box::new(BufReader::new(f)), p.display().to_string())
    };
    let mut out: Box<dyn Write> = if is_stdio(&args.output) {
        Box::new(BufWriter::new(io::stdout().lock()))
    } else {
        let p = args.output.as_ref().expect("checked above");
        let f = File::create(p).with_context(|| format!("cannot create {}", p.display()))?;
        Box::new(BufWriter::new(f))
    };
    let mut articles = JsonlArticles::new(reader);
    let mut rejected = 0usize;
    let mut read = 0usize;
    let mut written = 0usize;
    while let Some(next) = articles.next_article() {
        let next =
            next.with_context(|| format!("{name}: read error after line {}", articles.line()))?;
        match next {
            Ok((_, article)) => {
                read += 1;
                let incidents = if args.trace {
                    let (incidents, trace) = extractor.extract_traced(&article);
                    eprintln!("=== {}{}", article.id, trace);
                    incidents
                } else {
                    extractor.extract(&article)
                };
                for incident in incidents {
                    serde_json::to_writer(&mut out, &incident)?;
                    out.write_all(b"\n")?;
                    written += 1;
                }
                // Each article's incidents reach the file before the next article is read,
                // so a crash loses no finished line.
                out.flush()?;
            }
            Err(rejected_line) => {
                rejected += 1;
                eprintln!("hudna: {name}:{rejected_line}, skipped");
                if args.strict {
                    out.flush()?;
                    eprintln!("hudna: stopping at the first rejected line (--strict)");
                    return Ok(ExitCode::from(1));
                }
            }
        }
    }
    out.flush()?;
    eprintln!(
        "hudna: {read} articles read, {written} incidents written, {rejected} lines rejected"
    );
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
