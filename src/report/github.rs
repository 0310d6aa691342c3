//! `--format github`: GitHub Actions workflow commands, one annotation a finding.

use super::{all, locate};
use crate::lint::{Report, Severity};

/// Escapes a message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.exposures {
        let worst: Vec<String> = e
            .failing
            .iter()
            .take(5)
            .map(|c| format!("{} (weight {})", c.id, c.weight))
            .collect();
        out.push_str(&format!(
            "::notice file={},title={}::{}\n",
            escape_property(&e.file),
            escape_property(&format!("exposure {:.1} {}", e.score, e.label)),
            escape_data(&format!(
                "systemd exposure {:.1} {}; {} failing checks, worst: {}",
                e.score,
                e.label,
                e.failing.len(),
                worst.join(", ")
            ))
        ));
    }
    for f in all(report) {
        let l = locate(report, f);
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (file, line, col, end_line, end_col) = match &f.origin {
            // A rendered file is not in the repository: annotate the description key.
            Some(o) => (o.description.as_str(), o.line, o.column, o.line, o.column),
            None => (l.file, l.start.0, l.start.1, l.end.0, l.end.1),
        };
        let mut message = f.message.clone();
        if let Some(o) = &f.origin {
            message.push_str(&format!(" (in {}, rendered from `{}`)", l.file, o.key));
        }
        if let Some(h) = &f.help {
            message.push_str(&format!("\n{h}"));
        }
        out.push_str(&format!(
            "::{level} file={},line={line},endLine={end_line},col={col},endColumn={end_col},title={}::{}\n",
            escape_property(file),
            escape_property(&format!("svcgen {}", f.code)),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(super::escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
