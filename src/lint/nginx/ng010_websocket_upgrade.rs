//! NG010: a websocket location without HTTP/1.1 and the Upgrade/Connection headers.

use super::{Ctx, RouteKind};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG010",
    name: "websocket-upgrade",
    severity: Severity::Error,
    summary: "a websocket location lacks `proxy_http_version 1.1` or the Upgrade/Connection headers",
    what: "For locations known to carry WebSockets — from the description's `websocket` routes, a `# svcgen: websocket` comment above the location, or a location that passes an `Upgrade` header — checks for `proxy_http_version 1.1`, `proxy_set_header Upgrade $http_upgrade` and a `Connection` header that carries the upgrade.",
    why: "The WebSocket handshake is an HTTP/1.1 Upgrade; nginx proxies with HTTP/1.0 and drops hop-by-hop headers unless told otherwise, so the handshake fails with 400 or hangs.",
    example: "# svcgen: websocket\nlocation /ws/ {\n    proxy_pass http://app;\n}",
    fix: "map $http_upgrade $connection_upgrade { default upgrade; '' close; }\nlocation /ws/ {\n    proxy_pass http://app;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $connection_upgrade;\n}",
    references: &["https://nginx.org/en/docs/http/websocket.html"],
    description_key: Some("routes"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.each_location(|chain| {
        let loc = chain[chain.len() - 1];
        if !loc.is("location") {
            return;
        }
        let headers = ctx
            .effective_list(chain, "proxy_set_header")
            .map(|(_, h)| h)
            .unwrap_or_default();
        let header = |n: &str| {
            headers
                .iter()
                .find(|d| d.arg(0).is_some_and(|a| a.eq_ignore_ascii_case(n)))
                .copied()
        };
        let websocket =
            ctx.route_kind(loc) == Some(RouteKind::Websocket) || header("upgrade").is_some();
        if !websocket {
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
        if header("upgrade")
            .and_then(|d| d.arg(1))
            .is_none_or(|v| !v.contains("$http_upgrade"))
        {
            missing.push("`proxy_set_header Upgrade $http_upgrade`");
        }
        let conn = header("connection").and_then(|d| d.arg(1)).unwrap_or("");
        if !(conn.starts_with('$') || conn.eq_ignore_ascii_case("upgrade")) {
            missing.push("`proxy_set_header Connection $connection_upgrade` (or `upgrade`)");
        }
        if !missing.is_empty() {
            ctx.report_absent(
                chain,
                &["proxy_http_version", "proxy_set_header"],
                sink,
                loc.name_span(),
                format!("websocket location without {}", missing.join(", ")),
                "add the missing directives; see `svcgen explain NG010`",
            );
        }
    });
}
