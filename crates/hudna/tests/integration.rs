//! hudna's integration tests: the `hudna` binary driven as a user would.
//!
//! All modules live in one test binary so it is linked once.

mod access;
mod audit;
mod bench_audit;
mod browser;
mod check;
mod common;
mod extract;
mod map;
mod record;
mod serve;
mod truce;
