//! NG014: a plain-HTTP server serves content for names that have a TLS server.

use std::borrow::Cow;

use super::{Ctx, each, first, is_tls, server_names};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::nginx::{Block, Directive};

pub static RULE: Rule = Rule {
    code: "NG014",
    name: "plain-http-serves-content",
    severity: Severity::Error,
    summary: "a port-80 server serves content instead of redirecting to HTTPS",
    what: "For every server without TLS whose `server_name`s are also served by a TLS server, checks that it only redirects (a server-level `return 301 https://…`, or locations that all return a redirect, apart from `/.well-known/acme-challenge/`). An `internal` location (error pages, reached only from inside nginx) and one that answers an error status (`return 444`) serve no content.",
    why: "If plain HTTP serves the app, cookies and credentials cross the network in clear text and HSTS is never learned by first-time visitors.",
    example: "server { listen 80; server_name app.example.com; location / { proxy_pass http://app; } }\nserver { listen 443 ssl; server_name app.example.com; }",
    fix: "server {\n    listen 80;\n    server_name app.example.com;\n    location /.well-known/acme-challenge/ { root /var/www/_letsencrypt; }\n    location / { return 301 https://$host$request_uri; }\n}",
    references: &["https://ssl-config.mozilla.org/"],
    description_key: Some("site.redirect_http"),
};

fn redirects(block: Block<'_>) -> bool {
    first(block, "return").is_some_and(|r| {
        matches!(r.arg(0), Some("301" | "302" | "307" | "308"))
            && r.arg(1).is_some_and(|u| u.starts_with("https://"))
    })
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let servers = ctx.servers();
    // A sorted list: a few bytes a name where a hash set of thousands of names
    // would be the largest thing this rule holds.
    let mut tls_names: Vec<Cow<'_, str>> = servers
        .iter()
        .filter(|s| is_tls(s.server))
        .flat_map(|s| server_names(s.server))
        .collect();
    tls_names.sort_unstable();
    tls_names.dedup();
    for s in servers.iter().filter(|s| !is_tls(s.server)) {
        let names = server_names(s.server);
        if !names.iter().any(|n| tls_names.binary_search(n).is_ok()) {
            continue;
        }
        let block = s.server.children();
        if redirects(block) {
            continue;
        }
        let serving: Vec<Directive<'_>> = each(block, "location")
            .filter(|l| {
                !l.args()
                    .next_back()
                    .is_some_and(|a| super::is_acme_path(a.value))
            })
            .filter(|l| !redirects(l.children()))
            // An `internal` location (error pages) is reached only from inside
            // nginx; one that answers an error status serves nothing.
            .filter(|l| first(l.children(), "internal").is_none())
            .filter(|l| !super::answers_error(l.children()))
            .collect();
        let serves_at_server = ["proxy_pass", "root", "alias"]
            .iter()
            .any(|n| first(block, n).is_some());
        if !serving.is_empty() || (serves_at_server && each(block, "location").next().is_none()) {
            let at = serving
                .first()
                .map_or(s.server.name_span(), |l| l.name_span());
            sink.report(
                at,
                format!(
                    "plain HTTP serves content for {} instead of redirecting to HTTPS",
                    names.join(", ")
                ),
                "`return 301 https://$host$request_uri;` (keep only the ACME challenge location)",
            );
        }
    }
}
