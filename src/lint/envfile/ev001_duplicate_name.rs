//! EV001: a variable assigned twice.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "EV001",
    name: "duplicate-name",
    severity: Severity::Warning,
    summary: "a variable is assigned twice: systemd keeps the later value",
    what: "Flags the second (and each later) assignment of a name in one env file.",
    why: "systemd keeps the last value without a word. The first one, often the one a reader sees, is not what the app gets; two values for one secret usually mean one of them is stale.",
    example: "DATABASE_URL=postgres://db-old/app\nDATABASE_URL=postgres://db/app",
    fix: "DATABASE_URL=postgres://db/app",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for (i, a) in ctx.assignments.iter().enumerate() {
        if let Some(first) = ctx.assignments[..i].iter().find(|b| b.key == a.key) {
            sink.report(
                a.key_span,
                format!(
                    "`{}` is assigned again (first on line {}): systemd keeps this later value",
                    a.key,
                    first.line + 1
                ),
                "keep one assignment of each name",
            );
        }
    }
}
