//! `--format json`: a stable, documented schema (version 1).
//!
//! ```text
//! { "version": 1,
//!   "summary": { "errors": n, "warnings": n, "infos": n, "files": n },
//!   "diagnostics": [ { "file", "start": {"line","column"}, "end": {"line","column"},
//!                      "byte_range": [start, end], "code", "severity", "message",
//!                      "help", "docs", "origin": null | {"description","key","line","column"} } ],
//!   "notes": [ "…" ],
//!   "exposure": [ { "file", "score" (0–10, one decimal), "label",
//!                   "failing": [ {"id","description","weight","badness","range"} ] } ] }
//! ```

use serde::Serialize;

use super::{all, locate};
use crate::lint::{Code, Report, Severity};

// Fields in alphabetical order: the order the documented output has always had.

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Vec<Diagnostic<'a>>,
    /// Few entries: through a JSON value, which keeps its keys sorted like the rest.
    exposure: serde_json::Value,
    notes: &'a [String],
    summary: Summary,
    version: u32,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    files: usize,
    infos: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Position {
    column: usize,
    line: usize,
}

#[derive(Serialize)]
struct Origin<'a> {
    column: usize,
    description: &'a str,
    key: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    byte_range: [usize; 2],
    code: Code,
    docs: Docs,
    end: Position,
    file: &'a str,
    help: Option<&'a str>,
    message: &'a str,
    origin: Option<Origin<'a>>,
    severity: &'static str,
    start: Position,
}

/// The address of the rule's page, written without building the string.
struct Docs(Code);

impl Serialize for Docs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}rules/{}.html", super::DOCS_SITE, self.0))
    }
}

/// The report as one string (what `write` writes).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("JSON serializes into memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Serialised straight from these structs into `w`: no intermediate JSON tree and
/// no copy of the whole document, so a report of tens of thousands of findings
/// costs little more than writing its bytes.
pub fn write(report: &Report, w: &mut impl std::io::Write) -> std::io::Result<()> {
    let diagnostics: Vec<Diagnostic<'_>> = all(report)
        .map(|f| {
            let l = locate(report, f);
            Diagnostic {
                byte_range: [f.span.start, f.span.end],
                code: f.code,
                docs: Docs(f.code),
                end: Position {
                    column: l.end.1,
                    line: l.end.0,
                },
                file: l.file,
                help: f.help.as_deref(),
                message: &f.message,
                origin: f.origin.as_ref().map(|o| Origin {
                    column: o.column,
                    description: &o.description,
                    key: &o.key,
                    line: o.line,
                }),
                severity: f.severity.as_str(),
                start: Position {
                    column: l.start.1,
                    line: l.start.0,
                },
            }
        })
        .collect();
    let count = |s: Severity| all(report).filter(|f| f.severity == s).count();
    let mut files: Vec<&str> = all(report)
        .map(|f| report.sources.name(f.span.file))
        .collect();
    files.sort_unstable();
    files.dedup();
    let doc = Document {
        diagnostics,
        exposure: serde_json::to_value(&report.exposures).expect("exposures serialize"),
        notes: &report.notes,
        summary: Summary {
            errors: count(Severity::Error),
            files: files.len(),
            infos: count(Severity::Info),
            warnings: count(Severity::Warning),
        },
        version: 1,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}
