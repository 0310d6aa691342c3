//! NG012: `alias` path traversal through a location prefix without a trailing slash.

use super::{Ctx, first};
use crate::lint::registry::{Check, Rule};
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG012",
    name: "alias-traversal",
    severity: Severity::Error,
    summary: "`alias` in a prefix location without a trailing slash: `/x../` escapes the directory",
    what: "Flags `alias` in a prefix location (no modifier, or `^~`) whose path does not end with `/`. With an alias that ends in `/` the request can climb out of the directory; without one it can still reach sibling paths that share the alias's prefix.",
    why: "nginx replaces the location prefix with the alias: `/assets../etc/passwd` matches `location /assets` and becomes `/srv/public/../etc/passwd`, reading files outside the directory; with `alias /srv/files`, `/files-old/x` becomes `/srv/files-old/x`.",
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
        let Some(alias) = first(loc.children(), "alias").and_then(|a| a.arg(0)) else {
            return;
        };
        let at = loc.args.last().map_or(loc.name_span, |a| a.span);
        if alias.ends_with('/') {
            sink.report(
                at,
                format!("`location {path}` without a trailing slash serves an alias ending in `/`: `{path}../` escapes it"),
                format!("write `location {path}/`"),
            );
        } else {
            sink.report(
                at,
                format!("`location {path}` without a trailing slash: `{path}-x/…` reaches `{alias}-x/…` beside the aliased path"),
                format!("write `location {path}/` with `alias {alias}/`, or `location = {path}` for a single file"),
            );
        }
    });
}
