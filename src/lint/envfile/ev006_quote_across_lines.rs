//! EV006: a quoted value that runs across lines.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::envfile::Surprise;

pub static RULE: Rule = Rule {
    code: "EV006",
    name: "quote-across-lines",
    severity: Severity::Warning,
    summary: "a quoted value runs across lines",
    what: "Flags a quoted value whose closing quote is on a later line.",
    why: "systemd keeps the newlines and reads every line up to the closing quote as this value: a quote closed by mistake further down swallows the assignments between. A PEM key written this way works; anything else is usually a typo.",
    example: "MOTD=\"Welcome\nLOG_LEVEL=info\"",
    fix: "MOTD=\"Welcome\"\nLOG_LEVEL=info",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for (a, s) in ctx.surprises() {
        if let Surprise::QuoteAcrossLines(span) = s {
            sink.report(
                *span,
                format!(
                    "the value of `{}` runs across {} lines to its closing quote",
                    a.key,
                    a.value.matches('\n').count() + 1
                ),
                "close the quote on its line, unless the value really holds newlines (a PEM key)",
            );
        }
    }
}
