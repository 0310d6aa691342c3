//! svcgen: one YAML description of a Node.js web service compiled into a hardened
//! systemd unit, a PM2 ecosystem file, an nginx site and a deploy script.
//!
//! The library returns data and errors; only the binary prints.

pub mod analysis;
pub mod description;
pub mod drift;
pub mod import;
pub mod install;
pub mod lint;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod suggest;
pub mod syntax;
