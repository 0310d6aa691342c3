//! Errors in a service description: each one points at a span of the YAML text.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::yaml::Pos;

/// The YAML text an error points into, shared by all errors of one file: its
/// snippets are cut as the lint report cuts them (a line longer than a screen is
/// shown as a window around the error).
pub type Source = crate::syntax::snippet::Indexed;

/// How long a label may be: a value of many kilobytes is marked at its start.
const LABEL_MAX: usize = 200;

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

    /// An empty sink for the same text (errors found apart, joined by `extend`).
    pub fn fork(&self) -> Self {
        Self {
            file: self.file.clone(),
            src: self.src.clone(),
            text_len: self.text_len,
            errors: Vec::new(),
        }
    }

    /// Adds the errors a fork found.
    pub fn extend(&mut self, other: ErrorSink) {
        self.errors.extend(other.errors);
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
        let len = pos.len.min(self.text_len - offset).min(LABEL_MAX);
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

    /// `push` for a value that must not be shown (a secret): the error's snippet
    /// is the text with the value's characters replaced by `*`.
    pub fn push_masked(
        &mut self,
        pos: Option<Pos>,
        pointer: &str,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(pos, pointer, message, label, help);
        let Some(p) = pos else {
            return;
        };
        let start = p.offset.min(self.text_len);
        let end = (p.offset + p.len).min(self.text_len);
        let mut bytes = self.src.text.as_bytes().to_vec();
        for b in &mut bytes[start..end] {
            if *b != b'\n' {
                *b = b'*';
            }
        }
        let masked = String::from_utf8(bytes).expect("ASCII replaced whole UTF-8 sequences' bytes");
        if let Some(e) = self.errors.last_mut() {
            e.src = Source::new(&self.file, &masked);
        }
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
