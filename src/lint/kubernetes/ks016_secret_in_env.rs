//! KS016: a secret written as a plain environment value.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::secrets::looks_secret;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS016",
    name: "secret-in-env-value",
    severity: Severity::Error,
    summary: "a secret is written into the manifest as a plain `env` value",
    what: "Flags a container `env` entry with a literal `value` whose name or value looks like a secret (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, API keys, connection strings with a password), where a `valueFrom.secretKeyRef` belongs (kube-linter env-var-secret).",
    why: "The manifest is in git, in CI logs and readable by everyone who may read Deployments; the value leaks with it and cannot be rotated without a redeploy.",
    example: "env:\n  - name: DB_PASSWORD\n    value: hunter2",
    fix: "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: api-secrets, key: DB_PASSWORD}",
    references: &["kube-linter: env-var-secret"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for c in pod.containers() {
            let Some(env) = c.value["env"].as_array() else {
                continue;
            };
            for (i, e) in env.iter().enumerate() {
                let (Some(name), Some(value)) = (e["name"].as_str(), e["value"].as_str()) else {
                    continue;
                };
                if !value.is_empty() && looks_secret(name, value) {
                    sink.report(
                        ctx.span(pod.doc, &format!("{}/env/{i}/value", c.at)),
                        format!("{}: `{name}` is a secret written into the manifest", pod.what(&c)),
                        "put it in a Secret and use `valueFrom.secretKeyRef` (or `envFrom.secretRef`)",
                    );
                }
            }
        }
    }
}
