//! Integration tests of hudna-truce: reading truces, the rules, incremental checking, the
//! Arabic explanations and the bundled ISSG 2016 scenario.

mod arabic;
mod common;
mod incremental;
mod load;
mod rules;
mod scenario;
