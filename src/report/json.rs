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

use serde_json::{Value, json};

use super::{all, docs_pointer, locate};
use crate::lint::{Report, Severity};

pub fn render(report: &Report) -> String {
    let diagnostics: Vec<Value> = all(report)
        .map(|f| {
            let l = locate(report, f);
            json!({
                "file": l.file,
                "start": {"line": l.start.0, "column": l.start.1},
                "end": {"line": l.end.0, "column": l.end.1},
                "byte_range": [f.span.start, f.span.end],
                "code": f.code,
                "severity": f.severity.as_str(),
                "message": f.message,
                "help": f.help,
                "docs": docs_pointer(f.code),
                "origin": f.origin.as_ref().map(|o| json!({
                    "description": o.description, "key": o.key, "line": o.line, "column": o.column
                })),
            })
        })
        .collect();
    let count = |s: Severity| all(report).filter(|f| f.severity == s).count();
    let mut files: Vec<&str> = all(report)
        .map(|f| report.sources.name(f.span.file))
        .collect();
    files.sort();
    files.dedup();
    let doc = json!({
        "version": 1,
        "summary": {
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "infos": count(Severity::Info),
            "files": files.len(),
        },
        "diagnostics": diagnostics,
        "notes": report.notes,
        "exposure": report.exposures,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON serializes");
    s.push('\n');
    s
}
