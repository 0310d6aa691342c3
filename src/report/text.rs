//! `--format text`: miette diagnostics with the source snippet, a label on the
//! span, the rule code and help; colour only on a terminal (and never with NO_COLOR).

use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use thiserror::Error;

use super::{all, docs_pointer, locate};
use crate::lint::{Report, Severity};

/// A source whose line starts were indexed once: a snippet is cut from the index
/// instead of scanning the text from its start for every finding, so the report
/// costs the same per finding however many there are.
#[derive(Debug, Clone)]
struct Indexed {
    name: String,
    text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl SourceCode for Indexed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let len = self.text.len();
        let start = span.offset().min(len);
        let end = (start + span.len()).min(len);
        let line_of = |o: usize| match self.line_starts.binary_search(&o) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let last_line = self.line_starts.len() - 1;
        let line_end = |l: usize| self.line_starts.get(l + 1).copied().unwrap_or(len);
        let (l0, l1) = (line_of(start), line_of(end.saturating_sub(1).max(start)));
        // A very long line (minified code, a 16 MB single-line file) is shown as a
        // window around the span, so a report stays the size of a screen.
        if line_end(l1) - self.line_starts[l0] > LONG_LINE {
            let floor = |mut o: usize| {
                while o > 0 && !self.text.is_char_boundary(o) {
                    o -= 1;
                }
                o
            };
            // With no context asked for, miette reads the column of the span's start
            // from where the data starts (that is its `[file:line:col]` header).
            let lead = if before == 0 && after == 0 { 0 } else { WINDOW };
            let from = floor(start.saturating_sub(lead).max(self.line_starts[l0]));
            let to = floor(
                (end + WINDOW)
                    .min(line_end(l1))
                    .min(from + 2 * WINDOW + end - start),
            );
            let to = to.max(end.min(len));
            let column = self.text[self.line_starts[l0]..from].chars().count();
            let data = &self.text.as_bytes()[from..to];
            let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                data,
                SourceSpan::new(from.into(), to - from),
                l0,
                column,
                lines,
            )));
        }
        let first = l0.saturating_sub(before);
        let last = (l1 + after).min(last_line);
        let from = self.line_starts[first];
        let to = line_end(last);
        let window: &'a [u8] = &self.text.as_bytes()[from..to];
        let rel = SourceSpan::new((start - from).into(), end - start);
        let c = window.read_span(&rel, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            SourceSpan::new((from + c.span().offset()).into(), c.span().len()),
            first + c.line(),
            c.column(),
            c.line_count(),
        )))
    }
}

/// Lines longer than this are shown as a window of about `2 * WINDOW` bytes.
const LONG_LINE: usize = 2_000;
const WINDOW: usize = 120;

#[derive(Debug, Error)]
#[error("{message}")]
struct Shown {
    message: String,
    code: String,
    severity: miette::Severity,
    src: Indexed,
    span: SourceSpan,
    label: String,
    help: Option<String>,
}

impl Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

pub fn render(report: &Report, colour: bool) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    let mut sources: Vec<Option<Indexed>> = Vec::new();
    for f in all(report) {
        let l = locate(report, f);
        let idx = f.span.file.0;
        if sources.len() <= idx {
            sources.resize(idx + 1, None);
        }
        let src = sources[idx]
            .get_or_insert_with(|| {
                let s = report.sources.get(f.span.file);
                Indexed {
                    name: l.file.to_string(),
                    text: Arc::from(s.text.as_str()),
                    line_starts: Arc::from(s.line_starts()),
                }
            })
            .clone();
        let mut help = f.help.clone().unwrap_or_default();
        if let Some(o) = &f.origin {
            help.push_str(&format!(
                "\nrendered from `{}` at {}:{}:{}",
                o.key, o.description, o.line, o.column
            ));
        }
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&format!("see `{}`", docs_pointer(f.code)));
        let shown = Shown {
            message: f.message.clone(),
            code: f.code.to_string(),
            severity: match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            src,
            // A span of many kilobytes is marked at its start.
            span: SourceSpan::new(
                f.span.start.into(),
                f.span.end.saturating_sub(f.span.start).min(200),
            ),
            label: f
                .label
                .clone()
                .unwrap_or_else(|| f.severity.as_str().to_string()),
            help: Some(help),
        };
        let _ = handler.render_report(&mut out, &shown);
        out.push('\n');
    }
    for e in &report.exposures {
        out.push_str(&format!(
            "svcgen: {}: exposure {:.1} {} ({} failing checks)\n",
            e.file,
            e.score,
            e.label,
            e.failing.len()
        ));
    }
    for note in &report.notes {
        out.push_str(&format!("svcgen: note: {note}\n"));
    }
    let count = |s: Severity| all(report).filter(|f| f.severity == s).count();
    let total = report.findings.len() + report.errors.len();
    if total == 0 {
        out.push_str("svcgen: no findings\n");
    } else {
        out.push_str(&format!(
            "svcgen: {} error(s), {} warning(s), {} info\n",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        ));
    }
    out
}
