//! EV007: text after a closing quote is appended to the value.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::envfile::Surprise;

pub static RULE: Rule = Rule {
    code: "EV007",
    name: "text-after-quote",
    severity: Severity::Warning,
    summary: "text after a closing quote is appended to the value",
    what: "Flags a value with text after its closing quote on the same line (`\"…\" # note`, `\"a\"b`).",
    why: "systemd appends it to the value (blanks between dropped): `\"secret\" # rotated` becomes `secret# rotated`.",
    example: "API_KEY=\"3f9a\" # rotated in May",
    fix: "# rotated in May\nAPI_KEY=\"3f9a\"",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for (a, s) in ctx.surprises() {
        if let Surprise::AfterQuote(span) = s {
            sink.report(
                *span,
                format!(
                    "this text after the closing quote is appended to the value of `{}`",
                    a.key
                ),
                "put a comment on a line of its own; put the whole value inside the quotes",
            );
        }
    }
}
