//! NG002: weak or non-forward-secret ciphers; server cipher preference with a
//! Mozilla cipher set.

use super::{Ctx, first};
use crate::artifact::nginx::Directive;
use crate::lint::registry::{Check, Rule};
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG002",
    name: "weak-ciphers",
    severity: Severity::Error,
    summary: "ssl_ciphers enables weak or non-forward-secret ciphers",
    what: "Flags `ssl_ciphers` entries that enable broken ciphers (RC4, DES, 3DES, MD5, NULL, EXPORT, anonymous key exchange), cipher classes such as `MEDIUM`, `LOW` or `ALL`, and named ciphers without forward secrecy (RSA key exchange, such as `AES128-SHA`). With a cipher list made only of Mozilla's modern or intermediate ciphers it also flags `ssl_prefer_server_ciphers on`, which Mozilla 6.0 turns off.",
    why: "Broken ciphers can be decrypted; RSA key exchange lets anyone who later obtains the private key decrypt recorded traffic. When every offered cipher is strong, letting the client pick lets it choose what is fastest on its hardware (ChaCha20 on phones).",
    example: "ssl_ciphers HIGH:AES128-SHA:!aNULL;\nssl_prefer_server_ciphers on;",
    fix: "Mozilla intermediate: `ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;` with `ssl_prefer_server_ciphers off;`.",
    references: &[
        "https://ssl-config.mozilla.org/guidelines/6.0.json",
        "https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_ciphers",
    ],
    description_key: Some("site.tls.profile"),
    check: Check::Nginx(check),
};

/// Why a positive cipher-list entry is weak, if it is.
fn weakness(token: &str) -> Option<&'static str> {
    let t = token.to_ascii_uppercase();
    let broken = [
        "RC4", "DES", "MD5", "NULL", "EXPORT", "EXP-", "ANON", "ADH", "AECDH", "IDEA", "SEED",
        "CAMELLIA",
    ];
    if broken.iter().any(|b| t.contains(b)) {
        return Some("a broken or obsolete cipher");
    }
    if matches!(
        t.as_str(),
        "MEDIUM"
            | "LOW"
            | "ALL"
            | "COMPLEMENTOFALL"
            | "DEFAULT"
            | "RSA"
            | "KRSA"
            | "AES"
            | "AES128"
            | "AES256"
            | "SHA"
            | "SHA1"
    ) {
        return Some("a cipher class that includes weak or non-forward-secret ciphers");
    }
    let fs = ["ECDHE-", "DHE-", "EDH-", "TLS_", "TLS13-"];
    if t.contains('-') && !fs.iter().any(|p| t.starts_with(p)) {
        return Some("a cipher without forward secrecy (RSA key exchange)");
    }
    None
}

/// True when the block's own `ssl_protocols` allows TLS 1.3 only: `ssl_ciphers`
/// (TLS 1.2 and below) then configures nothing.
fn tls13_only(block: &[Directive]) -> bool {
    first(block, "ssl_protocols")
        .is_some_and(|p| !p.args.is_empty() && p.args.iter().all(|a| a.value == "TLSv1.3"))
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.every(|d| {
        let block = d.children();
        if tls13_only(block) {
            return;
        }
        for c in block.iter().filter(|c| c.name == "ssl_ciphers") {
            let Some(arg) = c.args.first() else { continue };
            let tokens: Vec<&str> = arg
                .value
                .split([':', ' ', ','])
                .filter(|t| !t.is_empty())
                .collect();
            for t in &tokens {
                if t.starts_with(['!', '-', '+', '@']) {
                    continue;
                }
                if let Some(why) = weakness(t) {
                    sink.report(
                        arg.span,
                        format!("`{t}` in ssl_ciphers is {why}"),
                        "use Mozilla's intermediate cipher list (six ECDHE AEAD ciphers)",
                    );
                }
            }
        }
    });
    // Server preference: Mozilla's intermediate profile leaves the choice to the
    // client (a phone without AES hardware picks ChaCha20), unless OpenSSL is told
    // to prioritise ChaCha20 for such clients.
    ctx.every(|d| {
        let block = d.children();
        let Some(prefer) = first(block, "ssl_prefer_server_ciphers") else {
            return;
        };
        let chacha = block.iter().any(|c| {
            c.name == "ssl_conf_command" && c.args.iter().any(|a| a.value.contains("PrioritizeChaCha"))
        });
        if prefer.arg(0) == Some("on") && !chacha && !tls13_only(block) {
            sink.report(
                prefer.span,
                "`ssl_prefer_server_ciphers on`: the server's order wins, so clients without AES hardware cannot pick ChaCha20",
                "Mozilla 6.0 sets `ssl_prefer_server_ciphers off;` (or keep it on with `ssl_conf_command Options PrioritizeChaCha;`)",
            );
        }
    });
}
