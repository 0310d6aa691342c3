//! The integration suite: one test binary, one module per area. Select an area
//! with its module name (`cargo test --test suite lint_rules::`).
//!
//! The tests that boot systemd or docker and measure deploys under load are the
//! `system` binary: their figures must not depend on what else the harness runs.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod docs;
mod drift;
mod edge;
mod exposure;
mod fleet;
mod gixy_corpus;
mod hostile_values;
mod import;
mod import_behaviour;
mod kubernetes;
mod lint_rules;
mod nginx_tree;
mod openssl_ciphers;
mod parser_fuzz;
mod precommit;
mod readme;
mod real_tools;
mod release;
