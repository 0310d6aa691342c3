//! SD009: a directory the service writes is read-only under its sandbox.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::systemd::within;

pub static RULE: Rule = Rule {
    code: "SD009",
    name: "sandbox-hides-writable-dir",
    severity: Severity::Error,
    summary: "`ProtectSystem=strict`/`ProtectHome=` hide a directory the app writes",
    what: "For directories the service is known to write — `PM2_HOME`, and the description's log and PM2 directories — flags one that `ProtectSystem=strict` makes read-only (not under `ReadWritePaths=`, `StateDirectory=`, `LogsDirectory=`, `CacheDirectory=` or `RuntimeDirectory=`), or that lies in /home or /root while `ProtectHome=` hides it.",
    why: "The app (or PM2) fails with EROFS or EACCES on its first write: PM2 cannot create its sockets and pid files, logs are lost. The classic case is `pm2 startup`'s PM2_HOME in the user's home directory.",
    example: "[Service]\nEnvironment=PM2_HOME=/home/app/.pm2\nProtectSystem=strict\nProtectHome=yes",
    fix: "[Service]\nEnvironment=PM2_HOME=/var/lib/app/pm2\nStateDirectory=app/pm2\nProtectSystem=strict\nProtectHome=yes",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.exec.html#ProtectSystem=",
    ],
    description_key: Some("host.hardening.writable_paths"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let unit = ctx.unit;
    let mut writes: Vec<String> = ctx.writes.clone();
    if let Some(h) = ctx.pm2_home() {
        writes.push(h);
    }
    if writes.is_empty() {
        return;
    }
    let writable = crate::syntax::systemd::writable_dirs(unit);
    let at = unit
        .get("Service", "ProtectSystem")
        .map(|e| e.value_span)
        .or_else(|| unit.section("Service").map(|s| s.span))
        .unwrap_or_default();
    let strict = unit.value("Service", "ProtectSystem") == Some("strict");
    let home = unit
        .get("Service", "ProtectHome")
        .filter(|e| e.value != "no" && e.value != "false");
    for w in writes {
        if strict && !writable.iter().any(|d| within(&w, d)) {
            sink.report(
                at,
                format!(
                    "`{w}` is written by the service but read-only under `ProtectSystem=strict`"
                ),
                format!("add `ReadWritePaths={w}` (or use StateDirectory=/LogsDirectory=)"),
            );
        }
        if let Some(h) = home
            && (within(&w, "/home") || within(&w, "/root"))
            && !writable.iter().any(|d| within(&w, d))
        {
            sink.report(h.value_span, format!("`{w}` is under a home directory that `ProtectHome={}` hides", h.value), "move it out of the home directory, such as PM2_HOME=/var/lib/NAME/pm2 with StateDirectory=NAME/pm2");
        }
    }
}
