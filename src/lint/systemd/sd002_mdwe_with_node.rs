//! SD002: `MemoryDenyWriteExecute=yes` with Node.js.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::systemd::parse_bool;

pub static RULE: Rule = Rule {
    code: "SD002",
    name: "memory-deny-write-execute-with-node",
    severity: Severity::Error,
    summary: "`MemoryDenyWriteExecute=yes` kills Node.js (V8's JIT)",
    what: "Flags `MemoryDenyWriteExecute=yes` on a service that runs Node.js without `--jitless`.",
    why: "V8 compiles JavaScript to machine code in writable, executable memory; with the flag the first JIT compilation fails and node dies with SIGTRAP in `v8::base::OS::SetPermissions`.",
    example: "[Service]\nExecStart=/usr/bin/node /srv/app/server.js\nMemoryDenyWriteExecute=yes",
    fix: "Remove it, or run node with `--jitless` (much slower JavaScript).",
    references: &["https://github.com/nodejs/node/issues/36927"],
    description_key: Some("host.hardening.memory_deny_write_execute"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if let Some(e) = ctx.unit.get("Service", "MemoryDenyWriteExecute")
        && parse_bool(&e.value) == Some(true)
        && ctx.runs_node()
        && !ctx.exec_start().iter().any(|w| w == "--jitless")
    {
        sink.report(
            e.value_span,
            "`MemoryDenyWriteExecute=yes` crashes node: V8's JIT needs writable, executable memory",
            "remove it, or add `--jitless` to the node command line",
        );
    }
}
