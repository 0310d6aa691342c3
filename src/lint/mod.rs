//! The lint engine: rules with stable codes run on parsed artifacts and produce
//! findings; suppressions, selection and severities are applied here. Nothing in
//! this module prints: `report/` turns findings into text, JSON, SARIF or GitHub
//! annotations.

pub mod config;
pub mod cross;
pub mod description;
pub mod dockerfile;
pub mod driver;
pub mod engine;
pub mod envfile;
pub mod format;
pub mod input;
pub mod kubernetes;
pub mod nginx;
pub mod pm2;
pub mod registry;
pub mod rule;
pub mod secrets;
pub mod shell;
pub mod sudoers;
pub mod suppress;
pub mod systemd;
pub mod tool;

use std::fmt;
use std::path::PathBuf;

pub use driver::lint;

use serde::{Deserialize, Serialize};

use crate::syntax::{SourceSet, Span};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding's code: one of svcgen's rules (`NG003`), or a code of a tool whose
/// findings are joined into the report (`SC2086`). Codes order, compare and
/// match prefixes as the text they print as; they are upper case (user input is
/// folded with [`fold_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Rule(&'static str),
    /// The tool's prefix and number (`SC`, 2086).
    Tool(&'static str, u32),
}

impl Code {
    /// The code as text, without allocating: a buffer and its used length.
    fn text(&self) -> ([u8; 16], usize) {
        let mut buf = [0u8; 16];
        let mut w = &mut buf[..];
        let _ = std::io::Write::write_fmt(&mut w, format_args!("{self}"));
        let len = 16 - w.len();
        (buf, len)
    }

    /// Whether the code starts with `prefix` (`NG`, `NG00`, `SC20`).
    pub fn starts_with(&self, prefix: &str) -> bool {
        match self {
            Code::Rule(c) => c.starts_with(prefix),
            Code::Tool(..) => {
                let (buf, len) = self.text();
                buf[..len].starts_with(prefix.as_bytes())
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Code::Rule(c) => f.write_str(c),
            Code::Tool(prefix, n) => write!(f, "{prefix}{n}"),
        }
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Code::Rule(a), Code::Rule(b)) => a.cmp(b),
            _ => {
                let ((a, la), (b, lb)) = (self.text(), other.text());
                a[..la].cmp(&b[..lb])
            }
        }
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        match self {
            Code::Rule(c) => c == other,
            Code::Tool(..) => {
                let (buf, len) = self.text();
                &buf[..len] == other.as_bytes()
            }
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Code::Rule(c) => s.serialize_str(c),
            Code::Tool(..) => s.collect_str(self),
        }
    }
}

/// One problem found by one rule at one span.
#[derive(Debug, Clone)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub label: Option<String>,
    pub help: Option<String>,
    /// The description key the rendered text came from (`site.tls.hsts`), when the
    /// file was rendered from a description.
    pub origin: Option<Origin>,
}

/// Where in a description a rendered file's problem comes from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub description: String,
    pub key: String,
    pub line: usize,
    pub column: usize,
}

/// Findings are collected through this, which knows the rule's code and severity.
pub struct Sink<'a> {
    pub code: Code,
    pub severity: Severity,
    pub out: &'a mut Vec<Finding>,
}

impl Sink<'_> {
    pub fn report(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.out.push(Finding {
            code: self.code,
            severity: self.severity,
            message: message.into(),
            span,
            label: None,
            help: Some(help.into()),
            origin: None,
        });
    }

    /// A finding that rests on something the linter could not read (an include
    /// it did not open): reported as info, whatever the rule's severity, so it
    /// never fails a run on a guess.
    pub fn report_uncertain(
        &mut self,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let severity = self.severity;
        self.severity = self.severity.min(Severity::Info);
        self.report(span, message, help);
        self.severity = severity;
    }
}

/// Which findings are kept, and at what severity.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Codes or prefixes to keep (empty: all).
    pub select: Vec<String>,
    /// Codes or prefixes to drop.
    pub ignore: Vec<String>,
    /// Per-code (or prefix) severity overrides.
    pub severity: Vec<(String, Severity)>,
}

fn matches(code: Code, pattern: &str) -> bool {
    code.starts_with(pattern)
}

/// A code or prefix as the user wrote it, in the case codes have (`ng003` is
/// `NG003`): the one place codes are case-folded.
pub fn fold_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// A rule's name (`alias-traversal`) as its code; a code or prefix case-folded.
fn code_of(word: &str) -> String {
    let name = word.trim().to_ascii_lowercase();
    match registry::all().iter().find(|r| r.name == name) {
        Some(rule) => rule.code.to_string(),
        None => fold_code(word),
    }
}

impl Selection {
    /// A selection from codes, prefixes or rule names as written (any case).
    pub fn new<'a>(
        select: impl IntoIterator<Item = &'a String>,
        ignore: impl IntoIterator<Item = &'a String>,
        severity: impl IntoIterator<Item = (&'a str, Severity)>,
    ) -> Selection {
        Selection {
            select: select.into_iter().map(|c| code_of(c)).collect(),
            ignore: ignore.into_iter().map(|c| code_of(c)).collect(),
            severity: severity.into_iter().map(|(c, s)| (code_of(c), s)).collect(),
        }
    }

    pub fn enabled(&self, code: Code) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| matches(code, p)))
            && !self.ignore.iter().any(|p| matches(code, p))
    }
    /// Whether any code of a family (`SC`, a joined tool's) may be reported: a
    /// selected code inside it (`--select SC2086`) or a selected prefix over it
    /// (`--select S`), and the family not ignored as a whole. Decides whether the
    /// tool runs at all.
    pub fn family_enabled(&self, family: &str) -> bool {
        (self.select.is_empty()
            || self
                .select
                .iter()
                .any(|p| p.starts_with(family) || family.starts_with(p.as_str())))
            && !self.ignore.iter().any(|p| family.starts_with(p.as_str()))
    }

    pub fn severity_of(&self, code: Code, default: Severity) -> Severity {
        // The longest matching pattern wins.
        self.severity
            .iter()
            .filter(|(p, _)| matches(code, p))
            .max_by_key(|(p, _)| p.len())
            .map_or(default, |(_, s)| *s)
    }
}

/// The smallest HSTS max-age NG003 accepts by default, in seconds (one year:
/// what browsers' preload lists require). A description is held to it too, so
/// svcgen never renders a site its own lint flags.
pub const HSTS_MIN_AGE: u64 = 31_536_000;

/// Settings rules read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The nginx version the configuration targets.
    pub nginx_version: (u32, u32, u32),
    /// The smallest acceptable HSTS max-age, in seconds.
    pub hsts_min_age: u64,
    /// The highest acceptable systemd exposure score (0–10).
    pub exposure_max: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            nginx_version: (1, 22, 1),
            hsts_min_age: HSTS_MIN_AGE,
            exposure_max: 2.0,
        }
    }
}

/// How a lint run reads its inputs and which findings it keeps.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub selection: Selection,
    pub settings: Settings,
    /// Set when the nginx version came from the command line or configuration, so a
    /// description's own `site.nginx_version` does not replace it.
    pub nginx_version_fixed: bool,
    /// Every input is of this format (a name or alias of a registered format).
    pub file_type: Option<String>,
    pub templates: Option<PathBuf>,
    /// Run shellcheck on deploy scripts when it is installed.
    pub shellcheck: bool,
    /// The shellcheck to run (default: `shellcheck` on PATH, a note when absent).
    pub shellcheck_path: Option<PathBuf>,
    /// Run hadolint on Dockerfiles when it is installed.
    pub hadolint: bool,
    /// The hadolint to run (default: `hadolint` on PATH, a note when absent).
    pub hadolint_path: Option<PathBuf>,
    /// The hand-written files given belong to one service: run the cross-file rules.
    pub together: bool,
    /// nginx's conf prefix: the directory relative include paths start from. When
    /// unset: the nearest directory above the linted file that holds `nginx.conf`
    /// (as in `/etc/nginx/`), else the linted file's own directory.
    pub nginx_prefix: Option<PathBuf>,
    /// `--root`: absolute nginx include paths are read beneath this directory
    /// (a copy of a server's files) instead of from this machine.
    pub nginx_root: Option<PathBuf>,
}

/// A lint run's result for reporting.
#[derive(Debug, Default)]
pub struct Report {
    pub sources: SourceSet,
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed (exit 2).
    pub errors: Vec<Finding>,
    /// Things the user should know that are not findings (a tool that is missing).
    pub notes: Vec<String>,
    /// The exposure score of every service unit linted.
    pub exposures: Vec<UnitExposure>,
}

/// One unit's exposure, for the reports.
#[derive(Debug, Clone, Serialize)]
pub struct UnitExposure {
    pub file: String,
    /// systemd's 0–10 scale, one decimal.
    pub score: f64,
    pub label: &'static str,
    pub failing: Vec<crate::analysis::exposure::CheckResult>,
}

impl Report {
    pub fn sort(&mut self) {
        self.findings
            .sort_by_key(|f| (f.span.file.0, f.span.start, f.code));
        self.errors.sort_by_key(|f| (f.span.file.0, f.span.start));
    }
}

/// `n` copies of `fixtures/handwritten/shop.conf` in one http block, each with its
/// names numbered (17 findings a copy): the input of the tests that hold a parallel
/// path to its sequential one.
#[cfg(test)]
pub(crate) fn shop_copies(n: usize) -> String {
    let site = include_str!("../../fixtures/handwritten/shop.conf");
    let mut text = String::from("events {}\nhttp {\n");
    for i in 0..n {
        text.push_str(&site.replace("shop", &format!("shop{i}")));
    }
    text.push_str("}\n");
    text
}

#[cfg(test)]
mod tests {
    use super::Code;

    /// Codes compare, order and match prefixes as the text they print as, tools'
    /// codes among rules' (`SC2086` between `NG…` and `SD…`), without a leaked
    /// string per code.
    #[test]
    fn codes_behave_as_their_text() {
        let sc = Code::Tool("SC", 2086);
        assert_eq!(sc.to_string(), "SC2086");
        assert!(sc == "SC2086" && sc.starts_with("SC20") && !sc.starts_with("SD"));
        let mut codes = [
            Code::Rule("SD001"),
            sc,
            Code::Rule("NG003"),
            Code::Tool("SC", 1090),
        ];
        codes.sort();
        let text: Vec<String> = codes.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["NG003", "SC1090", "SC2086", "SD001"]);
        assert_eq!(serde_json::to_string(&sc).unwrap(), "\"SC2086\"");
        assert!(Code::Rule("NG003").starts_with("NG") && Code::Rule("NG003") == "NG003");
    }

    /// A joined tool runs when any of its codes may be reported: `--select SC2086`
    /// must run shellcheck (it was skipped, and the run said "no findings").
    #[test]
    fn a_tool_runs_when_one_of_its_codes_is_selected() {
        let sel = |select: &[&str], ignore: &[&str]| {
            let s: Vec<String> = select.iter().map(|x| x.to_string()).collect();
            let i: Vec<String> = ignore.iter().map(|x| x.to_string()).collect();
            super::Selection::new(&s, &i, [])
        };
        assert!(sel(&[], &[]).family_enabled("SC"));
        assert!(sel(&["SC2086"], &[]).family_enabled("SC"));
        assert!(sel(&["S"], &[]).family_enabled("SC"));
        assert!(!sel(&["NG"], &[]).family_enabled("SC"));
        assert!(!sel(&[], &["SC"]).family_enabled("SC"));
        assert!(sel(&[], &["SC2086"]).family_enabled("SC"));
    }
}
