//! PM004: secrets written into `env*`.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::pm2::Value;

pub static RULE: Rule = Rule {
    code: "PM004",
    name: "inline-secret",
    severity: Severity::Error,
    summary: "a secret written in the ecosystem file's environment",
    what: "Flags `env`, `env_production` and other `env_*` entries whose name looks like a secret (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY…) with a literal value, or whose value is a URL with a password.",
    why: "Ecosystem files are committed to git and copied to servers; `pm2 show` and `pm2 env` print the environment. Secrets belong in a root-owned file passed by systemd (`EnvironmentFile=`) or a secret store.",
    example: "env: { DATABASE_PASSWORD: 'hunter2' }",
    fix: "Leave it out of the file: systemd's `EnvironmentFile=` gives it to pm2-runtime, and PM2 passes it to the app.",
    references: &["https://pm2.keymetrics.io/docs/usage/environment/"],
    description_key: Some("environment"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for app in ctx.apps() {
        let Value::Object(entries) = &app.value else {
            continue;
        };
        for (key, _, env) in entries
            .iter()
            .filter(|(k, _, _)| k == "env" || k.starts_with("env_"))
        {
            let Value::Object(vars) = &env.value else {
                continue;
            };
            for (name, name_span, v) in vars {
                let Some(value) = v.as_str() else { continue };
                if crate::lint::secrets::looks_secret(name, value) {
                    sink.report(*name_span, format!("`{key}.{name}` holds a secret in the ecosystem file"), "pass it through the environment PM2 inherits (systemd `EnvironmentFile=`), not the file");
                }
            }
        }
    }
}
