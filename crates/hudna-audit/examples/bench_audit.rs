//! Builds and verifies a synthetic audit log: `bench_audit [ENTRIES]` (default 1,000,000).
//! Prints one JSON object as its last line. Run it in release mode.

use std::process::ExitCode;

fn main() -> ExitCode {
    let entries = match std::env::args().nth(1) {
        None => 1_000_000,
        Some(arg) => match arg.replace('_', "").parse::<u64>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("bench_audit: ENTRIES must be a positive whole number, not {arg:?}");
                return ExitCode::from(2);
            }
        },
    };
    match hudna_audit::bench::run(entries) {
        Ok(report) => {
            println!("{}", report.to_json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench_audit: {e}");
            ExitCode::FAILURE
        }
    }
}
