//! Source text as miette reads a snippet of it: lines indexed once, and a line
//! longer than a screen (minified code, a 16 MB single-line file, a column past
//! what miette's drawing takes) shown as a window around the span. Shared by the
//! lint report and the description's errors.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::LineIndex;

/// A source whose line starts were indexed once: a snippet is cut from the index
/// instead of scanning the text from its start for every finding, so the report
/// costs the same per finding however many there are.
#[derive(Debug, Clone)]
pub struct Indexed {
    pub name: String,
    pub text: Arc<String>,
    pub lines: LineIndex,
}

impl Indexed {
    /// Indexes `text` for snippets of `name`.
    pub fn new(name: &str, text: &str) -> Self {
        Self {
            name: name.to_string(),
            text: Arc::new(text.to_string()),
            lines: LineIndex::new(text),
        }
    }
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
        let line_of = |o: usize| self.lines.line_of(o);
        let last_line = self.lines.len() - 1;
        let line_end = |l: usize| self.lines.get(l + 1).unwrap_or(len);
        let (l0, l1) = (line_of(start), line_of(end.saturating_sub(1).max(start)));
        // A very long line (minified code, a 16 MB single-line file) is shown as a
        // window around the span, so a report stays the size of a screen; so is a
        // span whose context lines are that long (then without them).
        let first = l0.saturating_sub(before);
        let last = (l1 + after).min(last_line);
        let long = |l: usize| line_end(l) - self.lines.start(l) > LONG_LINE;
        if line_end(l1) - self.lines.start(l0) > LONG_LINE || (first..=last).any(long) {
            let floor = |mut o: usize| {
                while o > 0 && !self.text.is_char_boundary(o) {
                    o -= 1;
                }
                o
            };
            // With no context asked for, miette reads the column of the span's start
            // from where the data starts (that is its `[file:line:col]` header).
            let lead = if (before == 0 && after == 0) || !long(l0) {
                0
            } else {
                WINDOW
            };
            let from = floor(start.saturating_sub(lead).max(self.lines.start(l0)));
            let to = floor(
                (end + WINDOW)
                    .min(line_end(l1))
                    .min(from + 2 * WINDOW + end - start),
            );
            let to = to.max(end.min(len));
            let column = self.text[self.lines.start(l0)..from].chars().count();
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
        let from = self.lines.start(first);
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
pub const LONG_LINE: usize = 2_000;
pub const WINDOW: usize = 120;
