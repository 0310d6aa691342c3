//! NG011: upstream `keepalive` without HTTP/1.1 and a cleared `Connection` header.

use std::collections::HashSet;

use super::{Ctx, first};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG011",
    name: "upstream-keepalive",
    severity: Severity::Warning,
    summary: "proxying to a keepalive upstream without HTTP/1.1 and `Connection \"\"`",
    what: "For every `proxy_pass` to an upstream that has `keepalive`, checks that `proxy_http_version 1.1` and a `proxy_set_header Connection` (empty, or a variable for websocket routes) are in force.",
    why: "nginx speaks HTTP/1.0 to upstreams and sends `Connection: close` by default, so the keepalive pool is never used: every request opens a new connection to the app, costing latency and ephemeral ports.",
    example: "upstream app { server 127.0.0.1:3000; keepalive 16; }\nserver { location / { proxy_pass http://app; } }",
    fix: "location / {\n    proxy_pass http://app;\n    proxy_http_version 1.1;\n    proxy_set_header Connection \"\";\n}",
    references: &["https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let mut keepalive: HashSet<String> = HashSet::new();
    for (_, block) in ctx.http_blocks() {
        for u in block.iter().filter(|d| d.is("upstream")) {
            if first(u.children(), "keepalive").is_some()
                && let Some(name) = u.arg(0)
            {
                keepalive.insert(name.to_string());
            }
        }
    }
    if keepalive.is_empty() {
        return;
    }
    ctx.each_location(|chain| {
        let loc = chain[chain.len() - 1];
        let Some(pass) = first(loc.children(), "proxy_pass") else {
            return;
        };
        let target = pass.arg(0).unwrap_or("");
        let host = target
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', ':'])
            .next()
            .unwrap_or("");
        if !keepalive.contains(host) {
            return;
        }
        let mut missing = Vec::new();
        if ctx
            .effective(chain, "proxy_http_version")
            .and_then(|d| d.arg(0))
            != Some("1.1")
        {
            missing.push("`proxy_http_version 1.1`");
        }
        let headers = ctx
            .effective_list(chain, "proxy_set_header")
            .map(|(_, h)| h)
            .unwrap_or_default();
        if !headers.iter().any(|d| {
            d.arg(0)
                .is_some_and(|a| a.eq_ignore_ascii_case("connection"))
        }) {
            missing.push("`proxy_set_header Connection \"\"`");
        }
        if !missing.is_empty() {
            ctx.report_absent(
                chain,
                &["proxy_http_version", "proxy_set_header"],
                sink,
                pass.span(),
                format!(
                    "upstream `{host}` keeps connections alive, but this location lacks {}",
                    missing.join(" and ")
                ),
                "without them nginx opens a new connection per request",
            );
        }
    });
}
