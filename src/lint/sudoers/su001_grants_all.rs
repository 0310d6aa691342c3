//! SU001: a rule that grants `ALL` commands.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SU001",
    name: "grants-all-commands",
    severity: Severity::Error,
    summary: "a rule grants every command (`ALL`)",
    what: "Flags `ALL` as a command of a user specification, written there or through a `Cmnd_Alias`.",
    why: "`deploy ALL=(root) NOPASSWD: ALL` makes the deploy user root: whoever holds its key or runs code as it (a build step, a compromised dependency) owns the machine.",
    example: "deploy ALL=(root) NOPASSWD: ALL",
    fix: "deploy ALL=(root) NOPASSWD: /usr/sbin/nginx -t -q\ndeploy ALL=(root) NOPASSWD: /usr/bin/systemctl reload nginx.service",
    references: &["https://www.sudo.ws/docs/man/sudoers.man/#User_specification"],
    description_key: Some("deploy.nginx_test"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for c in ctx.granted() {
        if c.program == "ALL" {
            sink.report(
                c.span,
                "the rule grants every command as root",
                "list each command with its exact arguments",
            );
        }
    }
}
