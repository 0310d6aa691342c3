//! PM008: a value svcgen cannot read without running the file.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::pm2::{Node, Value};

pub static RULE: Rule = Rule {
    code: "PM008",
    name: "dynamic-value",
    severity: Severity::Info,
    summary: "a value is an expression svcgen does not evaluate",
    what: "Reports each value in an app that is an expression (`process.env.PORT || 3000`, a function call, a spread) rather than a literal: svcgen reads ecosystem files without running them, so rules skip these values.",
    why: "What svcgen cannot read it cannot check; this says where the check stops. Literal values also make the file reviewable without running it.",
    example: "env: { PORT: process.env.PORT || 3000 }",
    fix: "Write the literal (`PORT: 3000`), or keep the expression and accept that svcgen does not check it.",
    references: &[],
    description_key: None,
};

fn walk(node: &Node, path: &str, sink: &mut Sink<'_>) {
    match &node.value {
        Value::Dynamic(text) => sink.report(
            node.span,
            format!("`{path}` is `{text}`: svcgen reads literal values only and does not check it"),
            "write a literal value if it should be checked",
        ),
        Value::Object(entries) => {
            for (k, _, v) in entries {
                walk(v, &format!("{path}.{k}"), sink);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}[{i}]"), sink);
            }
        }
        _ => {}
    }
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    // The whole `apps` value: an app that is a variable or a `require(…)` is as
    // unread as a value inside one, and is never silently skipped.
    match ctx.root.get("apps") {
        Some(apps) => walk(apps, "apps", sink),
        None => sink.report(
            ctx.root.span,
            "the exported object has no `apps` array: svcgen found no app to check",
            "export `{ apps: [ { name, script, … } ] }` with literal values",
        ),
    }
}
