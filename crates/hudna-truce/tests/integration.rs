//! Integration tests of hudna-truce: reading truces, the rules, incremental checking and
//! the bundled ISSG 2016 scenario.

mod common;
mod incremental;
mod load;
mod rules;
mod scenario;
