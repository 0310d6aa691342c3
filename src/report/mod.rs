//! Output formats for lint results: one module per format. This is the only part
//! of the library that produces text for people or CI systems.

pub mod concise;
pub mod diff;
pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use crate::lint::{Finding, Report};

/// Whether to colour what is written to `stream`: a terminal, and the user has
/// not said otherwise (`NO_COLOR`, `CLICOLOR=0`, `TERM=dumb`; `CLICOLOR_FORCE`
/// forces it).
pub fn colour_for(stream: &impl anstream::stream::RawStream) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// A finding's position, resolved to lines and columns (1-based).
pub struct Located<'a> {
    pub finding: &'a Finding,
    pub file: &'a str,
    pub start: (usize, usize),
    pub end: (usize, usize),
}

pub fn locate<'a>(report: &'a Report, f: &'a Finding) -> Located<'a> {
    let src = report.sources.get(f.span.file);
    Located {
        finding: f,
        file: &src.name,
        start: src.line_col(f.span.start),
        end: src.line_col(f.span.end.max(f.span.start)),
    }
}

/// Every finding and error, errors first.
pub fn all(report: &Report) -> impl Iterator<Item = &Finding> {
    report.errors.iter().chain(report.findings.iter())
}

/// How to read more about a code.
pub fn docs_pointer(code: crate::lint::Code) -> String {
    format!("svcgen explain {code}")
}
