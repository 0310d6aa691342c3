//! EV004: a backslash at the end of a line joins the next line into the value.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::envfile::Surprise;

pub static RULE: Rule = Rule {
    code: "EV004",
    name: "continued-line",
    severity: Severity::Warning,
    summary: "a backslash at the end of a line joins the next line into the value",
    what: "Flags an unquoted value whose line ends in a backslash.",
    why: "systemd joins the next line to the value (without the newline); the assignment written there is lost into it. A Windows path or a regular expression ending in `\\` does this by accident.",
    example: "SHARE=C:\\data\\\nLOG_LEVEL=info",
    fix: "SHARE='C:\\data\\'\nLOG_LEVEL=info",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for (a, s) in ctx.surprises() {
        if let Surprise::Continued(span) = s {
            sink.report(
                *span,
                format!(
                    "this backslash joins the next line into the value of `{}`",
                    a.key
                ),
                "quote the value (`'…\\'`) or double the backslash",
            );
        }
    }
}
