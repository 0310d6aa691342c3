//! NG001: weak TLS protocols, or no `ssl_protocols` where nginx's default is weak.

use super::{Ctx, is_tls, server_chain};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG001",
    name: "weak-tls-protocols",
    severity: Severity::Error,
    summary: "TLS server allows SSLv2/SSLv3/TLSv1/TLSv1.1, or relies on a default that does",
    what: "Flags `ssl_protocols` that lists SSLv2, SSLv3, TLSv1 or TLSv1.1, and TLS servers with no `ssl_protocols` at all when the target nginx is older than 1.23.4 (whose default still enables TLSv1 and TLSv1.1).",
    why: "SSLv3, TLS 1.0 and TLS 1.1 are deprecated (RFC 8996) and vulnerable to downgrade and padding-oracle attacks. Mozilla's 6.0 guidelines allow TLS 1.2 and 1.3 (intermediate) or 1.3 only (modern).",
    example: "server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n}",
    fix: "`ssl_protocols TLSv1.2 TLSv1.3;` (Mozilla intermediate) or `ssl_protocols TLSv1.3;` (modern).",
    references: &[
        "https://ssl-config.mozilla.org/guidelines/6.0.json",
        "https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_protocols",
        "RFC 8996",
    ],
    description_key: Some("site.tls.profile"),
};

const WEAK: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.named("ssl_protocols", |d| {
        for a in d.args().filter(|a| WEAK.contains(&a.value)) {
            sink.report(
                a.span,
                format!("`{}` is a deprecated, attackable protocol", a.value),
                "allow only TLSv1.2 and TLSv1.3 (Mozilla intermediate) or TLSv1.3 (modern)",
            );
        }
    });
    if ctx.settings.nginx_version >= (1, 23, 4) {
        return;
    }
    for s in ctx.serving_servers().iter().filter(|s| is_tls(s.server)) {
        let chain = server_chain(s);
        if ctx.effective(&chain, "ssl_protocols").is_none() {
            ctx.report_absent(
                &chain,
                &["ssl_protocols"],
                sink,
                s.server.name_span(),
                "TLS server without `ssl_protocols`: nginx before 1.23.4 then enables TLSv1 and TLSv1.1",
                "add `ssl_protocols TLSv1.2 TLSv1.3;` to the server or the http block",
            );
        }
    }
}
