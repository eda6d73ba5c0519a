//! `hudna serve`: the API and the dashboard over one database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::DbArg;

/// Arguments of `hudna serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArg,
    /// Address to listen on (port 0 picks a free port; the URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark session cookies `Secure` (set this when the site is reached over HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    pub body_limit: usize,
}

/// Serves `db` at `addr` until interrupted, printing the URL once listening.
pub fn serve_db(
    db: PathBuf,
    addr: SocketAddr,
    secure: bool,
    body_limit: usize,
) -> anyhow::Result<()> {
    let mut config = hudna_server::Config::new(db);
    config.secure_cookies = secure;
    config.body_limit = body_limit;
    hudna_server::serve(config, addr, |bound| {
        println!("hudna serving on http://{bound}/ (API: http://{bound}/api/v1/openapi.json); Ctrl-C stops it");
    })?;
    Ok(())
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    serve_db(
        args.db.db.clone(),
        args.addr,
        args.secure_cookies,
        args.body_limit,
    )?;
    Ok(ExitCode::SUCCESS)
}
