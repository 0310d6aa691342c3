//! XA010: the unit does not read the env file the description's contract is about.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    code: "XA010",
    name: "unit-reads-env-file",
    severity: Severity::Error,
    summary: "the unit does not read the env file the description requires variables from, or may start without it",
    what: "With a description that has `env_required` and a unit given together, checks that the unit's `EnvironmentFile=` names the description's `env_file`, without the `-` that lets systemd start the app when the file is missing. Under PM2 the unit is the one that runs `pm2-runtime`: the app inherits its environment, so this is where both supervisors get the variables.",
    why: "The deploy's pre-flight checks the file the description names; a unit that reads another file, or none, starts the app without those variables, and `EnvironmentFile=-…` does so silently when the file is missing.",
    example: "# env_file: /etc/shop/env, env_required: {DATABASE_URL: {}}\n[Service]\nEnvironmentFile=-/etc/shop/env",
    fix: "[Service]\nEnvironmentFile=/etc/shop/env",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: Some("env_file"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(service), Some(unit)) = (ctx.service, ctx.unit) else {
        return;
    };
    let Some(env_file) = &service.env_file else {
        return;
    };
    if service.env_required.is_empty() {
        return;
    }
    let names: Vec<&str> = service.env_required.keys().map(|k| k.as_str()).collect();
    let files = unit.all("Service", "EnvironmentFile");
    let read = files
        .iter()
        .find(|e| e.value.trim_start_matches('-') == env_file.as_str());
    match read {
        Some(e) if e.value.starts_with('-') => sink.report(
            e.value_span,
            format!(
                "`-{env_file}`: systemd starts the app without the file when it is missing, and {} would be unset",
                names.join(", ")
            ),
            format!("write `EnvironmentFile={env_file}`: the unit then fails to start without it"),
        ),
        Some(_) => {}
        None => {
            let (span, said) = match files.first() {
                Some(e) => (e.value_span, format!("the unit reads `{}`", e.value)),
                None => (
                    unit.sections
                        .iter()
                        .find(|s| s.name == "Service")
                        .map_or(Span::default(), |s| s.span),
                    "the unit reads no EnvironmentFile=".to_string(),
                ),
            };
            sink.report(
                span,
                format!(
                    "{said}, but the description requires {} from `{env_file}`",
                    names.join(", ")
                ),
                format!("add `EnvironmentFile={env_file}` to [Service]"),
            );
        }
    }
}
