//! shellcheck's findings, joined into the same report (codes `SC####`).

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
    let v: serde_json::Value = serde_json::from_slice(&out).map_err(|e| {
        Failure::Failed(format!("{} printed no JSON report: {e}", program.display()))
    })?;
    let Some(comments) = v["comments"].as_array() else {
        return Err(Failure::Failed(format!(
            "{}'s report has no `comments`",
            program.display()
        )));
    };
    let offset = |line: usize, col: usize| crate::description::yaml::offset_of(text, line, col);
    let mut findings = Vec::new();
    for c in comments {
        let code = c["code"].as_u64().unwrap_or(0);
        let level = c["level"].as_str().unwrap_or("warning");
        let (l1, c1) = (
            c["line"].as_u64().unwrap_or(1) as usize,
            c["column"].as_u64().unwrap_or(1) as usize,
        );
        let (l2, c2) = (
            c["endLine"].as_u64().unwrap_or(l1 as u64) as usize,
            c["endColumn"].as_u64().unwrap_or(c1 as u64) as usize,
        );
        findings.push(Finding {
            code: Code::Tool("SC", u32::try_from(code).unwrap_or(0)),
            severity: match level {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                _ => Severity::Info,
            },
            message: c["message"].as_str().unwrap_or("").to_string(),
            span: Span {
                file,
                start: offset(l1, c1),
                end: offset(l2, c2).max(offset(l1, c1)),
            },
            label: None,
            help: Some(format!("https://www.shellcheck.net/wiki/SC{code}")),
            origin: None,
        });
    }
    Ok(findings)
}
