//! hadolint's findings on a Dockerfile, joined into the same report (codes
//! `DL####`, and `SC####` for the shell in `RUN`).

use serde::Deserialize;

use crate::lint::tool::{self, Failure};
use crate::lint::{Code, Finding, Severity};
use crate::syntax::{FileId, SourceSet, Span};

/// Runs hadolint (`program`, normally `hadolint` from PATH) on one Dockerfile.
pub fn run(
    sources: &SourceSet,
    file: FileId,
    program: &std::path::Path,
) -> Result<Vec<Finding>, Failure> {
    let text = sources.text(file);
    // hadolint exits 0 (clean) or 1 (findings at or above its threshold).
    let out = tool::run(
        program,
        &["--no-color", "--format", "json", "-"],
        text,
        &[0, 1],
    )?;
    let items: Vec<Item> = serde_json::from_slice(&out).map_err(|e| {
        Failure::Failed(format!("{} printed no JSON report: {e}", program.display()))
    })?;
    // DL1000: hadolint could not parse the file (a BuildKit heredoc, a newer
    // syntax): none of its checks ran, which is not a finding about the file.
    if let Some(c) = items.iter().find(|c| c.code == "DL1000") {
        return Err(Failure::Failed(format!(
            "hadolint could not parse this file (line {}: {}): none of its checks ran; svcgen's DF rules did",
            c.line,
            c.message.lines().next().unwrap_or("").trim()
        )));
    }
    let offset = |line: usize, col: usize| crate::description::yaml::offset_of(text, line, col);
    let line_of = |n: usize| text.lines().nth(n.saturating_sub(1)).unwrap_or("");
    let mut findings = Vec::new();
    for c in items {
        // DL3025 asks for the JSON form of CMD and ENTRYPOINT; hadolint also
        // reports it on `HEALTHCHECK CMD …`, whose shell form is the usual one
        // (`curl -f … || exit 1` needs a shell) and sends no signals.
        if c.code == "DL3025"
            && line_of(c.line)
                .trim_start()
                .get(..11)
                .is_some_and(|k| k.eq_ignore_ascii_case("HEALTHCHECK"))
        {
            continue;
        }
        let code = c.code.as_str();
        let (prefix, number) = code.split_at(code.len().min(2));
        let code = match (prefix, number.parse::<u32>()) {
            ("DL", Ok(n)) => Code::Tool("DL", n),
            ("SC", Ok(n)) => Code::Tool("SC", n),
            _ => {
                return Err(Failure::Failed(format!(
                    "{} reported an unknown code `{code}`",
                    program.display()
                )));
            }
        };
        let start = offset(c.line, c.column);
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        let wiki = match code {
            Code::Tool("SC", n) => format!("https://www.shellcheck.net/wiki/SC{n}"),
            _ => format!("https://github.com/hadolint/hadolint/wiki/{code}"),
        };
        findings.push(Finding {
            code,
            severity: match c.level.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                _ => Severity::Info,
            },
            message: c.message,
            span: Span {
                file,
                start,
                end: end.max(start),
            },
            label: None,
            help: Some(wiki),
            origin: None,
        });
    }
    Ok(findings)
}

/// One finding of hadolint's `--format json` report: every field it always
/// writes is required, so a report of another shape is a failure, never a
/// finding at 1:1.
#[derive(Deserialize)]
struct Item {
    code: String,
    line: usize,
    column: usize,
    /// `error`, `warning`, `info` or `style`.
    level: String,
    message: String,
}
