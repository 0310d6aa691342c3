//! SU005: sudoedit granted.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SU005",
    name: "grants-sudoedit",
    severity: Severity::Error,
    summary: "`sudoedit` is granted",
    what: "Flags `sudoedit` as a granted command.",
    why: "sudoedit writes the named files as root: `sudoedit /etc/shadow`, or `/etc/sudoers.d/x`, is root. A deploy never needs it.",
    example: "deploy ALL=(root) NOPASSWD: sudoedit /etc/nginx/sites-available/app.conf",
    fix: "# Install configuration with `svcgen render --write` as root, or a package.",
    references: &["https://www.sudo.ws/docs/man/sudoers.man/#sudoedit"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for c in ctx.granted() {
        if c.program == "sudoedit" {
            sink.report(
                c.span,
                "`sudoedit` lets the user write the files it names as root",
                "remove it; install files as root another way",
            );
        }
    }
}
