//! SD007: `ExecStart=` without an absolute path.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SD007",
    name: "exec-not-absolute",
    severity: Severity::Warning,
    summary: "`ExecStart=` runs a program found on a search path",
    what: "Flags an `ExecStart=` whose program (after the `-@:+!` prefixes) is not an absolute path.",
    why: "systemd then searches a fixed path that differs between versions and distributions (and older systemd refuses the unit); which `node` runs becomes an accident of the machine.",
    example: "[Service]\nExecStart=node /srv/app/server.js",
    fix: "[Service]\nExecStart=/usr/bin/node /srv/app/server.js",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.service.html#Command%20lines",
    ],
    description_key: Some("node.path"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for e in ctx.unit.all("Service", "ExecStart") {
        let words = crate::syntax::systemd::exec_words(&e.value);
        if let Some(program) = words.first()
            && !program.starts_with('/')
        {
            sink.report(
                e.value_span,
                format!("`{program}` is not an absolute path"),
                "write the full path, such as `/usr/bin/node`",
            );
        }
    }
}
