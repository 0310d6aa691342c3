//! Errors in a service description: each one points at a span of the YAML text.

use std::sync::Arc;

use miette::{Diagnostic, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use thiserror::Error;

use super::yaml::Pos;

/// How much of a line a snippet shows: a longer line is cut to this many bytes
/// around the error (a 16 MB line would otherwise be printed whole, and a column
/// past 65,535 is more than the drawing code takes).
pub const SNIPPET_WIDTH: usize = 160;

/// The YAML text an error points into, shared by all errors of one file. Its
/// snippets are the lines around the error as they are, or, when one of them is
/// longer than a screen, the error's own line cut to [`SNIPPET_WIDTH`].
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    text: Arc<str>,
}

impl Source {
    fn new(name: &str, text: &str) -> Self {
        Self {
            name: name.to_string(),
            text: Arc::from(text),
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = &*self.text;
        let whole = text.as_bytes().read_span(span, before, after)?;
        let short = whole
            .data()
            .split(|b| *b == b'\n')
            .all(|l| l.len() <= SNIPPET_WIDTH);
        if short {
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                whole.data(),
                *whole.span(),
                whole.line(),
                whole.column(),
                whole.line_count(),
            )));
        }
        let start = span.offset().min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let from = floor_boundary(
            text,
            start.saturating_sub(SNIPPET_WIDTH / 2).max(line_start),
        );
        let to = ceil_boundary(text, (from + SNIPPET_WIDTH).min(line_end));
        let line = text[..line_start].bytes().filter(|b| *b == b'\n').count();
        let column = text[line_start..from].chars().count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            line,
            column,
            1,
        )))
    }
}

/// One problem at one place in the description.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error("{message}")]
pub struct SpecError {
    pub message: String,
    #[source_code]
    pub src: Source,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// 1-based line and column of `span`'s start (0 when the file has no position).
    pub line: usize,
    pub column: usize,
    /// The JSON pointer of the value (`/routes/1/path`), empty for the whole file.
    pub pointer: String,
}

/// Every problem found in one description, reported together.
#[derive(Debug, Error, Diagnostic)]
#[error("{file}: {} in the service description", plural(self.errors.len()))]
#[diagnostic(code(svcgen::description))]
pub struct SpecErrors {
    pub file: String,
    #[related]
    pub errors: Vec<SpecError>,
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 error".into()
    } else {
        format!("{n} errors")
    }
}

/// Builds errors that share one source text.
pub struct ErrorSink {
    pub file: String,
    src: Source,
    text_len: usize,
    pub errors: Vec<SpecError>,
}

impl ErrorSink {
    pub fn new(file: &str, text: &str) -> Self {
        Self {
            file: file.to_string(),
            src: Source::new(file, text),
            text_len: text.len(),
            errors: Vec::new(),
        }
    }

    pub fn push(
        &mut self,
        pos: Option<Pos>,
        pointer: &str,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        let pos = pos.unwrap_or_default();
        let offset = pos.offset.min(self.text_len);
        // A label no longer than a snippet shows, and within its line.
        let rest = &self.src.text[offset..];
        let line_len = rest.find('\n').unwrap_or(rest.len()).max(1);
        let len = pos
            .len
            .min(self.text_len - offset)
            .min(if pos.len > line_len {
                pos.len
            } else {
                line_len
            })
            .min(SNIPPET_WIDTH / 2);
        self.errors.push(SpecError {
            message: message.into(),
            src: self.src.clone(),
            span: SourceSpan::new(offset.into(), len),
            label: label.into(),
            help,
            line: pos.line,
            column: pos.column,
            pointer: pointer.to_string(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many errors have been pushed.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Says which environment the errors pushed since the `from`-th are about.
    pub fn in_environment(&mut self, from: usize, environment: &str) {
        for e in &mut self.errors[from..] {
            e.message = format!("in environment `{environment}`: {}", e.message);
        }
    }

    pub fn into_result(mut self) -> Result<(), SpecErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            self.errors.sort_by_key(|e| (e.line, e.column));
            Err(SpecErrors {
                file: self.file,
                errors: self.errors,
            })
        }
    }
}
