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
        let first = line_of(start).saturating_sub(before);
        let last =
            (line_of(end.saturating_sub(1).max(start)) + after).min(self.line_starts.len() - 1);
        let from = self.line_starts[first];
        let to = self.line_starts.get(last + 1).copied().unwrap_or(len);
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
            span: SourceSpan::new(f.span.start.into(), f.span.end.saturating_sub(f.span.start)),
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
