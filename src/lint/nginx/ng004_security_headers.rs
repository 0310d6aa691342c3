//! NG004: missing security headers on a server that serves content.

use super::{Ctx, serves_no_content};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG004",
    name: "missing-security-headers",
    severity: Severity::Warning,
    summary: "server lacks nosniff, frame protection, a CSP or a Referrer-Policy",
    what: "For every server that serves content (not one that only redirects, or answers every request with a redirect or an error status, as certbot's port-80 server does), checks the `add_header` set in force at server level for `X-Content-Type-Options: nosniff`, frame protection (`X-Frame-Options` or a `Content-Security-Policy` with `frame-ancestors`), `Content-Security-Policy` and `Referrer-Policy`, and names the ones missing. A Content-Security-Policy that is the only one missing is info: its sources are the app's to know, and many apps send their own.",
    why: "Without nosniff browsers may execute an upload as script; without frame protection the site can be framed for clickjacking; a CSP limits what injected markup can do; a Referrer-Policy keeps URLs with tokens from leaking to other sites.",
    example: "server {\n    listen 443 ssl;\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n}",
    fix: "add_header X-Content-Type-Options nosniff always;\nadd_header X-Frame-Options DENY always;\nadd_header Content-Security-Policy \"default-src 'self'; frame-ancestors 'none'\" always;\nadd_header Referrer-Policy strict-origin-when-cross-origin always;",
    references: &[
        "https://owasp.org/www-project-secure-headers/",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/frame-ancestors",
    ],
    description_key: Some("site.headers"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in ctx.serving_servers() {
        if serves_no_content(s.server) {
            continue;
        }
        let headers = ctx.server_headers(&s);
        let csp = headers
            .get("content-security-policy")
            .and_then(|h| h.value)
            .unwrap_or("");
        let mut missing = Vec::new();
        if headers
            .get("x-content-type-options")
            .and_then(|h| h.value)
            .is_none_or(|v| !v.eq_ignore_ascii_case("nosniff"))
        {
            missing.push("X-Content-Type-Options: nosniff");
        }
        if !headers.contains_key("x-frame-options") && !csp.contains("frame-ancestors") {
            missing.push("X-Frame-Options (or CSP frame-ancestors)");
        }
        if !headers.contains_key("content-security-policy") {
            missing.push("Content-Security-Policy");
        }
        if !headers.contains_key("referrer-policy") {
            missing.push("Referrer-Policy");
        }
        // A Content-Security-Policy alone is the app's as often as nginx's: its
        // sources are the app's to know, and many apps send their own. Missing
        // alone, it is info.
        if missing == ["Content-Security-Policy"] {
            sink.report_uncertain(
                s.server.name_span(),
                "nginx adds no Content-Security-Policy (the app behind it may send its own)",
                "add one with `add_header Content-Security-Policy \"…\" always;` unless the app sends it",
            );
            continue;
        }
        if !missing.is_empty() {
            ctx.report_absent(
                &super::server_chain(&s),
                super::HEADER_SETTERS,
                sink,
                s.server.name_span(),
                format!("server is missing security headers: {}", missing.join(", ")),
                "add them with `add_header … always;` at server level",
            );
        }
    }
}
