//! `--format github`: GitHub Actions workflow commands, one annotation a finding.

use std::io::Write;

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

/// The report as one string (what `write` writes).
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing into memory");
    String::from_utf8(out).expect("annotations are UTF-8")
}

/// Writes one annotation per exposure score and per finding.
pub fn write(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    for e in &report.exposures {
        let worst: Vec<String> = e
            .failing
            .iter()
            .take(5)
            .map(|c| format!("{} (weight {})", c.id, c.weight))
            .collect();
        writeln!(
            out,
            "::notice file={},title={}::{}",
            escape_property(&e.file),
            escape_property(&format!("exposure {:.1} {}", e.score, e.label)),
            escape_data(&format!(
                "systemd exposure {:.1} {}; {} failing checks, worst: {}",
                e.score,
                e.label,
                e.failing.len(),
                worst.join(", ")
            ))
        )?;
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
        writeln!(
            out,
            "::{level} file={},line={line},endLine={end_line},col={col},endColumn={end_col},title={}::{}",
            escape_property(file),
            escape_property(&format!("svcgen {}", f.code)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(super::escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
