//! EV005: a quote that is never closed takes the rest of the file.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::envfile::Surprise;

pub static RULE: Rule = Rule {
    code: "EV005",
    name: "unterminated-quote",
    severity: Severity::Error,
    summary: "a quote is never closed: the value takes the rest of the file",
    what: "Flags a value whose opening quote has no closing one.",
    why: "systemd reads to the end of the file for the closing quote: every assignment after it becomes part of this value, and those variables are unset.",
    example: "GREETING=\"hello\nDATABASE_URL=postgres://db/app",
    fix: "GREETING=\"hello\"\nDATABASE_URL=postgres://db/app",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for (a, s) in ctx.surprises() {
        if let Surprise::Unterminated(span) = s {
            sink.report(
                *span,
                format!(
                    "this quote is never closed: `{}` takes the rest of the file ({} more line(s))",
                    a.key,
                    a.value.trim_end_matches('\n').matches('\n').count()
                ),
                "close the quote",
            );
        }
    }
}
