//! SD005: secrets in `Environment=`.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::systemd::exec_words;

pub static RULE: Rule = Rule {
    code: "SD005",
    name: "secret-in-environment",
    severity: Severity::Error,
    summary: "a secret in `Environment=` (unit files are world-readable)",
    what: "Flags `Environment=` assignments whose name looks like a secret (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, CREDENTIALS…) or whose value is a URL with a password (`postgres://user:pass@…`).",
    why: "Unit files under /etc/systemd/system are world-readable and `systemctl show` prints the environment to any user.",
    example: "[Service]\nEnvironment=DATABASE_PASSWORD=hunter2",
    fix: "Put secrets in a root-owned file with mode 0600 and reference it: `EnvironmentFile=/etc/app/secrets.env`.",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.exec.html#Environment=",
    ],
    description_key: Some("environment"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for e in ctx.unit.all("Service", "Environment") {
        for word in exec_words(&e.value) {
            if let Some((name, value)) = word.split_once('=')
                && crate::lint::secrets::looks_secret(name, value)
            {
                sink.report(
                    e.value_span,
                    format!("`{name}` looks like a secret in a world-readable unit file"),
                    "move it to an `EnvironmentFile=` with mode 0600",
                );
            }
        }
    }
}
