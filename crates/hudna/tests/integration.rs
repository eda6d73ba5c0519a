//! hudna's integration tests: the `hudna` binary driven as a user would.
//!
//! All modules live in one test binary so it is linked once.

mod bench_audit;
mod check;
mod common;
mod extract;
mod map;
mod record;
mod truce;
