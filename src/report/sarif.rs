//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, serialised from typed
//! structs (fields in the order the output has always had: alphabetical).

use std::io::Write;

use serde::Serialize;

use super::{all, locate};
use crate::lint::rule::Rule;
use crate::lint::{Report, Severity, registry};

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

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct Run {
    /// The exposure score of every service unit (systemd's 0–10 scale).
    properties: RunProperties,
    results: Vec<SarifResult>,
    tool: Tool,
}

#[derive(Serialize)]
struct RunProperties {
    /// Few entries: through a JSON value, which keeps its keys sorted like the rest.
    exposure: serde_json::Value,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<RuleDescriptor>,
    version: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct Tags {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    default_configuration: Level,
    full_description: Text,
    help: Help,
    help_uri: String,
    id: &'static str,
    name: &'static str,
    properties: Tags,
    short_description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    level: &'static str,
    locations: [Location; 1],
    message: Text,
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

fn descriptor(r: &Rule) -> RuleDescriptor {
    RuleDescriptor {
        default_configuration: Level {
            level: level(r.severity),
        },
        full_description: Text {
            text: r.what.to_string(),
        },
        help: Help {
            markdown: registry::markdown(r),
            text: format!("{}\n\nFix: {}", r.why, r.fix),
        },
        help_uri: super::rule_url(r.code),
        id: r.code,
        name: r.name,
        properties: Tags { tags: ["security"] },
        short_description: Text {
            text: r.summary.to_string(),
        },
    }
}

/// Writes the report as a SARIF log.
pub fn write(report: &Report, w: &mut impl Write) -> std::io::Result<()> {
    let rules = registry::all();
    let results = all(report)
        .map(|f| {
            let l = locate(report, f);
            let (file, region) = match &f.origin {
                Some(o) => (
                    o.description.clone(),
                    Region {
                        start_line: o.line,
                        start_column: o.column,
                        end_line: o.line,
                        end_column: o.column + 1,
                    },
                ),
                None => (
                    l.file.to_string(),
                    Region {
                        start_line: l.start.0,
                        start_column: l.start.1,
                        end_line: l.end.0,
                        end_column: l.end.1.max(if l.end.0 == l.start.0 {
                            l.start.1 + 1
                        } else {
                            1
                        }),
                    },
                ),
            };
            let mut text = f.message.clone();
            if let Some(o) = &f.origin {
                text.push_str(&format!(" (in {}, rendered from `{}`)", l.file, o.key));
            }
            SarifResult {
                level: level(f.severity),
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri(&file) },
                        region,
                    },
                }],
                message: Text { text },
                rule_id: f.code.to_string(),
                rule_index: rules.iter().position(|r| f.code == r.code),
            }
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            properties: RunProperties {
                exposure: serde_json::to_value(&report.exposures)?,
            },
            results,
            tool: Tool {
                driver: Driver {
                    information_uri: super::DOCS_SITE,
                    name: "svcgen",
                    rules: rules.iter().map(|r| descriptor(r)).collect(),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *w, &log)?;
    w.write_all(b"\n")
}

/// The report as one string (what `write` writes).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("SARIF serializes into memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
