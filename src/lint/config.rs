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
use std::path::PathBuf;

use serde::Deserialize;

use super::{Options, Selection, Severity, registry};

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

/// What the command line asks of a lint run; each value set here overrides the
/// configuration file's.
#[derive(Debug, Default)]
pub struct Invocation {
    /// `--config FILE`; else `.svcgen.yaml` in the current directory, if there.
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    pub nginx_version: Option<String>,
    pub file_type: Option<String>,
    pub templates: Option<PathBuf>,
    pub no_shellcheck: bool,
    pub shellcheck: Option<PathBuf>,
    pub no_hadolint: bool,
    pub hadolint: Option<PathBuf>,
    pub together: bool,
    pub prefix: Option<PathBuf>,
    pub root: Option<PathBuf>,
}

/// A lint run's options, and the lowest severity that fails it.
#[derive(Debug)]
pub struct Resolved {
    pub options: Options,
    pub fail_on: Severity,
}

/// Reads the configuration file (if any) and merges the command line over it:
/// selection codes case-folded and checked against the registry, the nginx
/// version parsed, the prefix a directory. An error says what is wrong in one
/// line.
pub fn resolve(cli: &Invocation) -> Result<Resolved, String> {
    let path = cli.config.clone().or_else(|| {
        let p = PathBuf::from(".svcgen.yaml");
        p.is_file().then_some(p)
    });
    let config = match &path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            parse(&p.display().to_string(), &text)?.lint
        }
        None => LintConfig::default(),
    };
    let mut opts = Options::default();
    let select = if cli.select.is_empty() {
        &config.select
    } else {
        &cli.select
    };
    opts.selection = Selection::new(
        select,
        config.ignore.iter().chain(&cli.ignore),
        config.severity.iter().map(|(k, v)| (k.as_str(), *v)),
    );
    for code in opts.selection.select.iter().chain(&opts.selection.ignore) {
        if !registry::known_prefix(code) {
            return Err(format!(
                "`{code}` matches no rule code or name; `svcgen rules` lists them"
            ));
        }
    }
    if let Some(v) = cli.nginx_version.as_ref().or(config.nginx_version.as_ref()) {
        opts.settings.nginx_version = parse_version_arg(v)
            .ok_or_else(|| format!("--nginx-version `{v}` is not a version such as 1.22.1"))?;
        opts.nginx_version_fixed = true;
    }
    if let Some(age) = config.hsts_min_age {
        opts.settings.hsts_min_age = age;
    }
    if let Some(max) = config.exposure_max {
        opts.settings.exposure_max = max;
    }
    if let Some(p) = &cli.prefix
        && !p.is_dir()
    {
        return Err(format!("--prefix {} is not a directory", p.display()));
    }
    opts.nginx_prefix = cli.prefix.clone();
    if let Some(r) = &cli.root
        && !r.is_dir()
    {
        return Err(format!("--root {} is not a directory", r.display()));
    }
    opts.nginx_root = cli.root.clone();
    opts.shellcheck_path = cli.shellcheck.clone();
    opts.file_type = cli.file_type.clone();
    opts.templates = cli.templates.clone();
    opts.shellcheck = !cli.no_shellcheck;
    opts.hadolint_path = cli.hadolint.clone();
    opts.hadolint = !cli.no_hadolint;
    opts.together = cli.together;
    let fail_on = cli.fail_on.or(config.fail_on).unwrap_or(Severity::Warning);
    Ok(Resolved {
        options: opts,
        fail_on,
    })
}

/// `X.Y.Z`, three numbers.
pub fn parse_version_arg(v: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = v.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(crate::description::parse_version(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Code;

    fn cli() -> Invocation {
        // A configuration file that does not exist would be an error: point at none.
        Invocation {
            config: Some(PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/.no-such-config.yaml"
            ))),
            ..Invocation::default()
        }
    }

    #[test]
    fn codes_are_case_folded_and_checked() {
        let mut c = cli();
        c.config = None;
        c.select = vec!["ng003".into(), " sc2086 ".into()];
        c.ignore = vec!["Sd".into()];
        let r = resolve(&c).unwrap();
        assert_eq!(r.options.selection.select, ["NG003", "SC2086"]);
        assert_eq!(r.options.selection.ignore, ["SD"]);
        assert!(
            r.options.selection.enabled(Code::Rule("NG003"))
                && !r.options.selection.enabled(Code::Rule("NG004"))
        );
        c.select = vec!["ng999".into()];
        let e = resolve(&c).unwrap_err();
        assert!(e.contains("`NG999` matches no rule code or name"), "{e}");
        c.select = vec!["Alias-Traversal".into()];
        assert_eq!(resolve(&c).unwrap().options.selection.select, ["NG012"]);
    }

    #[test]
    fn the_command_line_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lint.yaml");
        std::fs::write(&file, "lint:\n  select: [NG]\n  fail_on: error\n  nginx_version: 1.18.0\n  severity: {ng004: info}\n").unwrap();
        let mut c = cli();
        c.config = Some(file);
        let r = resolve(&c).unwrap();
        assert_eq!(r.fail_on, Severity::Error);
        assert_eq!(r.options.settings.nginx_version, (1, 18, 0));
        assert_eq!(
            r.options
                .selection
                .severity_of(Code::Rule("NG004"), Severity::Warning),
            Severity::Info
        );
        c.select = vec!["SD".into()];
        c.fail_on = Some(Severity::Info);
        c.nginx_version = Some("1.25.1".into());
        let r = resolve(&c).unwrap();
        assert_eq!(r.options.selection.select, ["SD"]);
        assert_eq!(r.fail_on, Severity::Info);
        assert_eq!(r.options.settings.nginx_version, (1, 25, 1));
        c.nginx_version = Some("1.25".into());
        assert!(resolve(&c).unwrap_err().contains("not a version"));
        c.config = Some(dir.path().join("absent.yaml"));
        assert!(resolve(&c).unwrap_err().starts_with("cannot read"));
    }
}
