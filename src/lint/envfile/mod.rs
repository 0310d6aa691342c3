//! Env files (`EnvironmentFile=`): what systemd reads differently from what a
//! dotenv-minded author meant — an assignment it drops, a value that keeps a
//! "comment", joins the next line, or runs on from a quote — and a name assigned
//! twice. Findings name variables, never values, and a report shows the file with
//! every value masked.

pub mod ev001_duplicate_name;
pub mod ev002_invalid_name;
pub mod ev003_inline_comment;
pub mod ev004_continued_line;
pub mod ev005_unterminated_quote;
pub mod ev006_quote_across_lines;
pub mod ev007_text_after_quote;
pub mod format;

use crate::lint::Sink;
use crate::lint::rule::Entry;
use crate::syntax::envfile::{Assignment, Surprise};

/// What an env-file rule reads.
pub struct Ctx<'a> {
    pub assignments: &'a [Assignment],
    /// Lines systemd ignores whole: no `=`.
    pub ignored: &'a [crate::syntax::Span],
}

impl Ctx<'_> {
    /// Every surprise of every assignment, with the assignment.
    pub fn surprises(&self) -> impl Iterator<Item = (&Assignment, &Surprise)> {
        self.assignments
            .iter()
            .flat_map(|a| a.surprises.iter().map(move |s| (a, s)))
    }
}

/// The check type of env-file rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The env-file rules, in code order.
pub static RULES: &[Entry<Check>] = &[
    Entry::Checked(&ev001_duplicate_name::RULE, ev001_duplicate_name::check),
    Entry::Checked(&ev002_invalid_name::RULE, ev002_invalid_name::check),
    Entry::Checked(&ev003_inline_comment::RULE, ev003_inline_comment::check),
    Entry::Checked(&ev004_continued_line::RULE, ev004_continued_line::check),
    Entry::Checked(
        &ev005_unterminated_quote::RULE,
        ev005_unterminated_quote::check,
    ),
    Entry::Checked(
        &ev006_quote_across_lines::RULE,
        ev006_quote_across_lines::check,
    ),
    Entry::Checked(&ev007_text_after_quote::RULE, ev007_text_after_quote::check),
];
