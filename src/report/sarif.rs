//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning.

use serde_json::{Value, json};

use super::{all, locate};
use crate::lint::registry;
use crate::lint::{Report, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A repository-relative URI for a path as given.
fn uri(path: &str) -> String {
    let p = std::path::Path::new(path);
    let rel = if p.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| p.strip_prefix(cwd).ok().map(|r| r.to_path_buf()))
            .unwrap_or_else(|| p.to_path_buf())
    } else {
        p.to_path_buf()
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").to_string();
    s.replace(' ', "%20")
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = registry::all()
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.what},
                "help": {"text": format!("{}\n\nFix: {}", r.why, r.fix), "markdown": registry::markdown(r)},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": ["security"]},
            })
        })
        .collect();
    let results: Vec<Value> = all(report)
        .map(|f| {
            let l = locate(report, f);
            let (file, region) = match &f.origin {
                Some(o) => (
                    o.description.clone(),
                    json!({"startLine": o.line, "startColumn": o.column, "endLine": o.line, "endColumn": o.column + 1}),
                ),
                None => (
                    l.file.to_string(),
                    json!({"startLine": l.start.0, "startColumn": l.start.1, "endLine": l.end.0, "endColumn": l.end.1.max(if l.end.0 == l.start.0 { l.start.1 + 1 } else { 1 })}),
                ),
            };
            let mut text = f.message.clone();
            if let Some(o) = &f.origin {
                text.push_str(&format!(" (in {}, rendered from `{}`)", l.file, o.key));
            }
            let mut result = json!({
                "ruleId": f.code,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&file)}, "region": region}}],
            });
            if let Some(i) = registry::all().iter().position(|r| r.code == f.code) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "svcgen",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/svcgen",
                "rules": rules,
            }},
            "results": results,
            // The exposure score of every service unit (systemd's 0–10 scale).
            "properties": {"exposure": report.exposures},
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}
