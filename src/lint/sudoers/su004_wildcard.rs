//! SU004: a wildcard in a granted command.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SU004",
    name: "wildcard-command",
    severity: Severity::Error,
    summary: "a granted command has a wildcard (`*`, `?`, `[`)",
    what: "Flags an unescaped `*`, `?` or `[` in a granted program or its arguments.",
    why: "sudo matches wildcards with fnmatch, across spaces: `/usr/bin/systemctl restart app*` also allows `systemctl restart app x --no-block` and `/bin/cat /var/log/*` allows `/bin/cat /var/log/../../etc/shadow`.",
    example: "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl * app.service",
    fix: "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl start app.service, /usr/bin/systemctl stop app.service",
    references: &["https://www.sudo.ws/docs/man/sudoers.man/#Wildcards"],
    description_key: None,
};

/// True when `w` has an unescaped wildcard character.
fn wild(w: &str) -> bool {
    let b = w.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'*' | b'?' | b'[' => return true,
            _ => i += 1,
        }
    }
    false
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for c in ctx.granted() {
        let args = c.args.iter().flatten();
        if wild(&c.program) || args.clone().any(|a| wild(a)) {
            sink.report(
                c.span,
                "a wildcard in a granted command matches more than it shows",
                "list each exact command instead",
            );
        }
    }
}
