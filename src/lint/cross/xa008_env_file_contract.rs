//! XA008, XA009: an env file against the description's `env_required`.

use super::Ctx;
use crate::lint::engine::file_start;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "XA008",
    name: "env-file-lacks-required",
    severity: Severity::Error,
    summary: "the env file lacks a variable the description requires (or leaves it empty)",
    what: "With a description and an env file given together, names each variable of the description's `env_required` that the file does not set (as systemd reads it) or sets empty.",
    why: "The deploy's pre-flight refuses such a file on the server; checked here, a staging or CI copy of the file is caught before it gets there.",
    example: "# shop.svcgen.yaml: env_required: {DATABASE_URL: {form: url}}\n# shop.env\nDATABSE_URL=postgres://db/shop",
    fix: "DATABASE_URL=postgres://db/shop",
    references: &[],
    description_key: Some("env_required"),
};

pub static UNKNOWN: Rule = Rule {
    code: "XA009",
    name: "env-file-name-not-required",
    severity: Severity::Warning,
    summary: "the env file sets a variable the description's env_required does not name",
    what: "With a description that has `env_required` and an env file given together, flags each variable the file sets that the contract does not name.",
    why: "A name the contract does not know is a misspelling of one it does (`DATABSE_URL`), or a variable the app needs that the pre-flight never checks.",
    example: "# env_required: {DATABASE_URL: {}}\nDATABSE_URL=postgres://db/shop",
    fix: "# env_required: {DATABASE_URL: {}}\nDATABASE_URL=postgres://db/shop",
    references: &[],
    description_key: Some("env_required"),
};

pub(super) fn check_required(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(service), Some(env)) = (ctx.service, ctx.env) else {
        return;
    };
    for name in service.env_required.keys() {
        // The last assignment is what systemd passes on.
        match env
            .assignments
            .iter()
            .rev()
            .find(|a| a.key == name.as_str())
        {
            None => sink.report(
                file_start(env.file),
                format!("`{name}` is required by the description (env_required) but not set here"),
                format!("add `{name}=…`"),
            ),
            Some(a) if a.value.is_empty() => sink.report(
                a.key_span,
                format!("`{name}` is required by the description (env_required) but empty here"),
                "give it a value",
            ),
            Some(_) => {}
        }
    }
}

pub(super) fn check_unknown(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(service), Some(env)) = (ctx.service, ctx.env) else {
        return;
    };
    if service.env_required.is_empty() {
        return;
    }
    for a in &env.assignments {
        if !service.env_required.keys().any(|k| k.as_str() == a.key) {
            let near =
                crate::suggest::closest(&a.key, service.env_required.keys().map(|k| k.as_str()));
            sink.report(
                a.key_span,
                format!("`{}` is not among the description's env_required", a.key),
                match near {
                    Some(n) => format!("did you mean `{n}`? else add it to env_required"),
                    None => "add it to env_required, or remove it".to_string(),
                },
            );
        }
    }
}
