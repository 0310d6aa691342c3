//! SD010: a directive systemd 252 does not know.

use super::{Ctx, known_directives};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SD010",
    name: "unknown-directive",
    severity: Severity::Warning,
    summary: "a key systemd 252 does not know in `[Unit]`, `[Service]` or `[Install]`",
    what: "Flags keys in the `[Unit]`, `[Service]` and `[Install]` sections that are not directives of systemd 252 (the list is extracted from systemd 252's own directive table). `X-` keys are allowed.",
    why: "systemd only logs a warning and ignores an unknown key: a misspelled `ProtectSytem=strict` silently leaves the service unprotected.",
    example: "[Service]\nProtectSytem=strict",
    fix: "[Service]\nProtectSystem=strict",
    references: &["https://www.freedesktop.org/software/systemd/man/systemd.directives.html"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let known = known_directives();
    for s in &ctx.unit.sections {
        if !matches!(s.name.as_str(), "Unit" | "Service" | "Install") {
            continue;
        }
        for e in &s.entries {
            if e.key.starts_with("X-") || known.contains(format!("{}.{}", s.name, e.key).as_str()) {
                continue;
            }
            let prefix = format!("{}.", s.name);
            let suggestion = crate::suggest::closest(
                &e.key,
                known.iter().filter_map(|k| k.strip_prefix(prefix.as_str())),
            );
            let help = match suggestion {
                Some(k) => format!("did you mean `{k}=`?"),
                None => "check the spelling against systemd.directives(7)".to_string(),
            };
            sink.report(
                e.key_span,
                format!(
                    "`{}=` is not a systemd 252 directive in [{}]: systemd ignores it",
                    e.key, s.name
                ),
                help,
            );
        }
    }
}
