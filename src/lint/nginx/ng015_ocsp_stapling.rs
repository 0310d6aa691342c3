//! NG015: OCSP stapling that cannot work.

use super::{Ctx, is_tls, server_chain};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG015",
    name: "ocsp-stapling",
    severity: Severity::Warning,
    summary: "OCSP stapling with a Let's Encrypt certificate, or without a resolver",
    what: "For every server with `ssl_stapling on` in force, flags a certificate from Let's Encrypt (its path contains `letsencrypt`) and the absence of a `resolver`.",
    why: "Let's Encrypt stopped running OCSP responders in 2025, so stapling does nothing but log errors. Without a resolver nginx cannot reach any OCSP responder and staples nothing.",
    example: "ssl_certificate /etc/letsencrypt/live/a.example/fullchain.pem;\nssl_stapling on;",
    fix: "Remove `ssl_stapling` for Let's Encrypt certificates; for other CAs add `resolver 127.0.0.53 valid=300s;` and `ssl_trusted_certificate`.",
    references: &[
        "https://letsencrypt.org/2024/12/05/ending-ocsp/",
        "https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_stapling",
    ],
    description_key: Some("site.tls.ocsp_stapling"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    // Stapling only happens in a TLS handshake: a plain-HTTP server (a redirect on
    // port 80) is not affected by an http-level `ssl_stapling on`.
    for s in ctx.servers().iter().filter(|s| is_tls(s.server)) {
        let chain = server_chain(s);
        let Some(stapling) = ctx
            .effective(&chain, "ssl_stapling")
            .filter(|d| d.arg(0) == Some("on"))
        else {
            continue;
        };
        if ctx
            .effective(&chain, "ssl_certificate")
            .and_then(|d| d.arg(0))
            .is_some_and(|c| c.contains("letsencrypt"))
        {
            sink.report(stapling.span(), "OCSP stapling with a Let's Encrypt certificate: Let's Encrypt has no OCSP responder since 2025", "remove `ssl_stapling on;`");
        }
        if ctx.effective(&chain, "resolver").is_none() {
            ctx.report_absent(
                &chain,
                &["resolver"],
                sink,
                stapling.span(),
                "OCSP stapling without a `resolver`: nginx cannot reach the responder",
                "add `resolver 127.0.0.53 valid=300s;` (your DNS servers)",
            );
        }
    }
}
