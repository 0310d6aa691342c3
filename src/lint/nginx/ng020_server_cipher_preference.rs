//! NG020: the server's cipher order wins over the client's.

use super::ng002_weak_ciphers::tls13_only_blocks;
use super::{Ctx, first};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG020",
    name: "server-cipher-preference",
    severity: Severity::Info,
    summary: "`ssl_prefer_server_ciphers on`: the server's cipher order wins (a preference, not a weakness)",
    what: "Flags `ssl_prefer_server_ciphers on` without `ssl_conf_command Options PrioritizeChaCha`, where TLS 1.2 is enabled; Mozilla's intermediate profile (6.0) turns it off. Whether the ciphers themselves are weak is NG002's question.",
    why: "When every offered cipher is strong, letting the client pick lets it choose what is fastest on its hardware (ChaCha20 on phones without AES instructions). The connection is as safe either way: this is a matter of speed on some clients, which is why it is info.",
    example: "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;\nssl_prefer_server_ciphers on;",
    fix: "ssl_prefer_server_ciphers off;",
    references: &[
        "https://ssl-config.mozilla.org/guidelines/6.0.json",
        "https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_prefer_server_ciphers",
    ],
    description_key: Some("site.tls.profile"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let tls13 = tls13_only_blocks(ctx.config.directives());
    // Server preference: Mozilla's intermediate profile leaves the choice to the
    // client (a phone without AES hardware picks ChaCha20), unless OpenSSL is told
    // to prioritise ChaCha20 for such clients.
    ctx.every(|d| {
        let block = d.children();
        let Some(prefer) = first(block, "ssl_prefer_server_ciphers") else {
            return;
        };
        let chacha = block.iter().any(|c| {
            c.is("ssl_conf_command") && c.args().any(|a| a.value.contains("PrioritizeChaCha"))
        });
        if prefer.arg(0) == Some("on") && !chacha && !tls13.contains(&d.id()) {
            sink.report(
                prefer.span(),
                "`ssl_prefer_server_ciphers on`: the server's order wins, so clients without AES hardware cannot pick ChaCha20",
                "Mozilla 6.0 sets `ssl_prefer_server_ciphers off;` (or keep it on with `ssl_conf_command Options PrioritizeChaCha;`)",
            );
        }
    });
}
