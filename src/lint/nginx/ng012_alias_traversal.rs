//! NG012: `alias` path traversal through a location prefix without a trailing slash.

use super::{Ctx, first};
use crate::lint::registry::{Check, Rule};
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG012",
    name: "alias-traversal",
    severity: Severity::Error,
    summary: "`location /x` with `alias …/`: `/x../` escapes the directory",
    what: "Flags a prefix location whose path does not end with `/` and that serves an `alias` ending with `/`.",
    why: "nginx replaces the location prefix with the alias: `/assets../etc/passwd` matches `location /assets` and becomes `/srv/public/../etc/passwd`, reading files outside the directory.",
    example: "location /assets {\n    alias /srv/app/public/;\n}",
    fix: "location /assets/ {\n    alias /srv/app/public/;\n}",
    references: &[
        "gixy: alias_traversal",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#alias",
    ],
    description_key: Some("routes"),
    check: Check::Nginx(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.each_location(|chain| {
        let loc = chain[chain.len() - 1];
        if loc.name != "location" {
            return;
        }
        let (modifier, path) = match loc.args.as_slice() {
            [p] => ("", p.value.as_str()),
            [m, p] => (m.value.as_str(), p.value.as_str()),
            _ => return,
        };
        if !matches!(modifier, "" | "^~") || path.ends_with('/') {
            return;
        }
        if let Some(alias) = first(loc.children(), "alias")
            && alias.arg(0).is_some_and(|a| a.ends_with('/'))
        {
            sink.report(
                loc.args.last().map_or(loc.name_span, |a| a.span),
                format!("`location {path}` without a trailing slash serves an alias ending in `/`: `{path}../` escapes it"),
                format!("write `location {path}/`"),
            );
        }
    });
}
