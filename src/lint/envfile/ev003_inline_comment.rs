//! EV003: ` # …` after an unquoted value is part of the value.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::envfile::Surprise;

pub static RULE: Rule = Rule {
    code: "EV003",
    name: "inline-comment",
    severity: Severity::Warning,
    summary: "` # …` after a value is kept in the value: systemd has no comments after a value",
    what: "Flags an unquoted value with ` #` in it.",
    why: "A comment in a systemd env file is a whole line starting with `#` or `;`. `PORT=3000 # api` sets PORT to `3000 # api`; a dotenv library would have dropped the comment.",
    example: "POOL_SIZE=10 # per worker",
    fix: "# per worker\nPOOL_SIZE=10",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for (a, s) in ctx.surprises() {
        if let Surprise::InlineComment(span) = s {
            sink.report(
                *span,
                format!(
                    "the value of `{}` keeps this `#…`: systemd has no comments after a value",
                    a.key
                ),
                "move the comment to a line of its own, above",
            );
        }
    }
}
