//! shellcheck's findings, joined into the same report (codes `SC####`).

use std::process::Command;

use crate::artifact::{FileId, SourceSet, Span};
use crate::lint::{Finding, Severity};

/// A `'static` code string for each distinct shellcheck code (few, reused).
fn intern(code: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = CODES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(c) = set.get(code) {
        return c;
    }
    let leaked: &'static str = Box::leak(code.to_string().into_boxed_str());
    set.insert(leaked);
    leaked
}

/// Runs shellcheck on one script; `None` when shellcheck is not installed.
pub fn run(sources: &SourceSet, file: FileId) -> Option<Vec<Finding>> {
    let text = sources.text(file);
    let mut child = Command::new("shellcheck")
        .args(["--format=json1", "--shell=bash", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take()?;
        let _ = stdin.write_all(text.as_bytes());
    }
    let out = child.wait_with_output().ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let offset = |line: usize, col: usize| crate::spec::yaml::offset_of(text, line, col);
    let mut findings = Vec::new();
    for c in v["comments"].as_array()? {
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
        let code_str = intern(&format!("SC{code}"));
        findings.push(Finding {
            code: code_str,
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
    Some(findings)
}
