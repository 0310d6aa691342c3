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

/// The docs site (Cargo.toml's homepage; the release workflow publishes the docs
/// there and refuses a repository whose Pages address differs).
pub const DOCS_SITE: &str = env!("CARGO_PKG_HOMEPAGE");

/// The address of a rule's page on the docs site (docs/src/rules/CODE.md).
pub fn rule_url(code: impl std::fmt::Display) -> String {
    format!("{DOCS_SITE}rules/{code}.html")
}

/// How to read more about a code: the command and the rule's page.
pub fn docs_pointer(code: crate::lint::Code) -> String {
    format!("see `svcgen explain {code}` or {}", rule_url(code))
}
