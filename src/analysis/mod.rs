//! Analyses that are not rules: what rules and reports read (the exposure score of
//! a systemd unit, as `systemd-analyze security` computes it).

pub mod exposure;
