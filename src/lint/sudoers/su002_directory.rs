//! SU002: a command that is a directory (every program in it).

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SU002",
    name: "grants-a-directory",
    severity: Severity::Error,
    summary: "a command ends in `/`: every program in the directory is granted",
    what: "Flags a command path that ends with `/`. sudo reads it as every file in that directory (not its subdirectories).",
    why: "`/usr/sbin/` grants `visudo`, `useradd`, `chroot` and every other administration program as root.",
    example: "deploy ALL=(root) NOPASSWD: /usr/sbin/",
    fix: "deploy ALL=(root) NOPASSWD: /usr/sbin/nginx -t -q",
    references: &["https://www.sudo.ws/docs/man/sudoers.man/#Cmnd_List"],
    description_key: Some("deploy.nginx_test"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for c in ctx.granted() {
        if c.program.starts_with('/') && c.program.ends_with('/') {
            sink.report(
                c.span,
                format!(
                    "`{}` grants every program in the directory as root",
                    c.program
                ),
                "name the one program, with its arguments",
            );
        }
    }
}
