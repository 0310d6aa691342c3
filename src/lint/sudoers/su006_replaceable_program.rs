//! SU006: a granted program outside the directories only root can write.

use super::Ctx;
use crate::description::trust::in_system_bin_dir;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SU006",
    name: "replaceable-program",
    severity: Severity::Error,
    summary: "a granted program lies outside the system's program directories",
    what: "Flags a granted program whose directory is not one of /usr/sbin, /usr/bin, /sbin, /bin, /usr/local/sbin or /usr/local/bin. svcgen judges by where the file is, not by the machine it runs on: a sudoers file is usually linted far from the server.",
    why: "Whoever can replace the program runs their code as root. A script in the app's directory (`/srv/app/bin/reload`) is the deploy user's to rewrite.",
    example: "deploy ALL=(root) NOPASSWD: /srv/app/bin/reload-nginx \"\"",
    fix: "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl reload nginx.service",
    references: &["https://www.sudo.ws/docs/man/sudoers.man/#SECURITY_NOTES"],
    description_key: Some("deploy.nginx_reload"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for c in ctx.granted() {
        if !c.program.starts_with('/') || c.program.ends_with('/') {
            continue;
        }
        if !in_system_bin_dir(&c.program) {
            sink.report(
                c.span,
                format!(
                    "`{}` is outside the directories only root can write: whoever can replace it runs code as root",
                    c.program
                ),
                "grant a program from /usr/sbin, /usr/bin, /sbin, /bin, /usr/local/sbin or /usr/local/bin",
            );
        }
    }
}
