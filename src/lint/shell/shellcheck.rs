//! shellcheck's findings, joined into the same report (codes `SC####`).

use serde::Deserialize;

use crate::lint::tool::{self, Failure};
use crate::lint::{Code, Finding, Severity};
use crate::syntax::{FileId, SourceSet, Span};

/// Runs shellcheck (`program`, normally `shellcheck` from PATH) on one script.
pub fn run(
    sources: &SourceSet,
    file: FileId,
    program: &std::path::Path,
) -> Result<Vec<Finding>, Failure> {
    let text = sources.text(file);
    // shellcheck exits 0 (clean) or 1 (findings); anything else is a failure.
    let out = tool::run(
        program,
        &["--format=json1", "--shell=bash", "-"],
        text,
        &[0, 1],
    )?;
    let report: Report = serde_json::from_slice(&out).map_err(|e| {
        Failure::Failed(format!("{} printed no JSON report: {e}", program.display()))
    })?;
    let offset = |line: usize, col: usize| crate::description::yaml::offset_of(text, line, col);
    let mut findings = Vec::new();
    for c in report.comments {
        let start = offset(c.line, c.column);
        findings.push(Finding {
            code: Code::Tool("SC", c.code),
            severity: match c.level {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Info | Level::Style => Severity::Info,
            },
            message: c.message,
            span: Span {
                file,
                start,
                end: offset(c.end_line, c.end_column).max(start),
            },
            label: None,
            help: Some(format!("https://www.shellcheck.net/wiki/SC{}", c.code)),
            origin: None,
        });
    }
    Ok(findings)
}

/// shellcheck's `--format=json1` report: every field it always writes is
/// required, so a report of another shape is a failure, never a finding at 1:1.
#[derive(Deserialize)]
struct Report {
    comments: Vec<Comment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    level: Level,
    code: u32,
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Error,
    Warning,
    Info,
    Style,
}
