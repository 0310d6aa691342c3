//! SD003: an allow-list `SystemCallFilter=` without `SystemCallErrorNumber=`.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SD003",
    name: "syscall-filter-kills",
    severity: Severity::Error,
    summary: "allow-list `SystemCallFilter=` without `SystemCallErrorNumber=`",
    what: "Flags a `SystemCallFilter=` allow list (its first entry is not `~…`) with no `SystemCallErrorNumber=`.",
    why: "Without an error number, a filtered system call kills the process with SIGSYS. Node 20 probes `pkey_alloc`, which `@system-service` does not allow, and dies at start; other runtimes probe new calls on upgrades.",
    example: "[Service]\nSystemCallFilter=@system-service",
    fix: "[Service]\nSystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.exec.html#SystemCallFilter=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let filters = ctx.unit.all("Service", "SystemCallFilter");
    let Some(first) = filters.first() else { return };
    if !first.value.starts_with('~') && ctx.unit.get("Service", "SystemCallErrorNumber").is_none() {
        sink.report(
            first.value_span,
            "an allow-list system call filter kills the process with SIGSYS on any call outside it",
            "add `SystemCallErrorNumber=EPERM`",
        );
    }
}
