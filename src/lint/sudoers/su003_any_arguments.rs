//! SU003: a command without arguments, which sudo reads as any arguments.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SU003",
    name: "any-arguments",
    severity: Severity::Error,
    summary: "a command with no argument list allows any arguments",
    what: "Flags a granted program written without arguments. sudo then lets the user add any arguments; `\"\"` says none are allowed.",
    why: "`/usr/sbin/nginx` alone allows `nginx -c /home/deploy/evil.conf`, and an nginx configuration runs code as root (`load_module`, logs written anywhere). Most programs have such an option.",
    example: "deploy ALL=(root) NOPASSWD: /usr/sbin/nginx",
    fix: "deploy ALL=(root) NOPASSWD: /usr/sbin/nginx -t -q",
    references: &["https://www.sudo.ws/docs/man/sudoers.man/#Cmnd_List"],
    description_key: Some("deploy.nginx_test"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for c in ctx.granted() {
        let program = c.program.starts_with('/') && !c.program.ends_with('/');
        if program && c.args.is_none() {
            sink.report(
                c.span,
                format!("`{}` is granted with any arguments", c.program),
                "write the exact arguments after it, or `\"\"` when it takes none",
            );
        }
    }
}
