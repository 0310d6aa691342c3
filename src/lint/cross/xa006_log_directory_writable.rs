//! XA006: PM2 writes logs where the unit's sandbox forbids it.

use super::{Ctx, apps};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "XA006",
    name: "log-directory-writable",
    severity: Severity::Error,
    summary: "PM2 writes logs where the unit's sandbox forbids it",
    what: "With files given together, checks that the directories of the ecosystem file's `out_file`, `error_file` and `pid_file` are writable under the unit's `ProtectSystem=strict` (covered by `ReadWritePaths=`, `LogsDirectory=`, `StateDirectory=`, `CacheDirectory=` or `RuntimeDirectory=`).",
    why: "PM2 cannot open its log files: the app's output is lost, and depending on the PM2 version the app fails to start.",
    example: "ProtectSystem=strict\n// ecosystem: out_file: '/var/log/shop/out.log'  (no LogsDirectory=shop)",
    fix: "LogsDirectory=shop (or ReadWritePaths=/var/log/shop)",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.exec.html#RuntimeDirectory=",
    ],
    description_key: Some("logs.dir"),
};

pub(super) fn check_logs(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(unit), Some(eco)) = (ctx.unit, ctx.ecosystem) else {
        return;
    };
    if unit.value("Service", "ProtectSystem") != Some("strict") {
        return;
    }
    let writable = crate::syntax::systemd::writable_dirs(unit);
    let covered = |p: &str| {
        writable
            .iter()
            .any(|d| p == d || p.starts_with(&format!("{d}/")))
    };
    for app in apps(eco) {
        for key in ["out_file", "error_file", "pid_file", "log_file"] {
            let Some(n) = app.get(key) else { continue };
            let Some(path) = n.as_str() else { continue };
            if path.starts_with('/') && path != "/dev/null" && !covered(path) {
                sink.report(
                    n.span,
                    format!("`{key}` {path} is read-only under the unit's ProtectSystem=strict"),
                    "add its directory to ReadWritePaths= or use LogsDirectory=",
                );
            }
        }
    }
}
