//! The lint configuration file (`--config FILE`, or `.svcgen.yaml` in the current
//! directory): a `lint:` section.
//!
//! ```yaml
//! lint:
//!   select: [NG, SD]          # codes or prefixes to run (default: all)
//!   ignore: [NG007]           # codes or prefixes to skip
//!   severity: {NG004: error}  # per-code (or prefix) severity
//!   fail_on: warning          # lowest severity that fails the run
//!   nginx_version: 1.22.1     # target nginx
//!   hsts_min_age: 63072000    # seconds (default 31536000, one year)
//!   exposure_max: 2.0         # SD012: highest systemd exposure score
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Severity;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub lint: LintConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub fail_on: Option<Severity>,
    #[serde(default)]
    pub nginx_version: Option<String>,
    #[serde(default)]
    pub hsts_min_age: Option<u64>,
    #[serde(default)]
    pub exposure_max: Option<f64>,
}

pub fn parse(name: &str, text: &str) -> Result<ConfigFile, String> {
    serde_saphyr::from_str(text).map_err(|e| {
        let first = e.to_string();
        let first = first.lines().next().unwrap_or("invalid").to_string();
        format!("{name}: {first}")
    })
}
