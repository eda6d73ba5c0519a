//! hudna's integration tests: the `hudna` binary driven as a user would.
//!
//! All modules live in one test binary so it is linked once.

mod common;
mod extract;
mod record;
