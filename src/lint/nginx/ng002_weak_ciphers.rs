//! NG002: weak or non-forward-secret ciphers.

use std::collections::{HashMap, HashSet};

use super::cipher_string::{Cipher, expand, weakness};
use super::{Ctx, first};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::nginx::Block;

pub static RULE: Rule = Rule {
    code: "NG002",
    name: "weak-ciphers",
    severity: Severity::Error,
    summary: "ssl_ciphers enables weak or non-forward-secret ciphers",
    what: "Expands each `ssl_ciphers` string as OpenSSL does (classes such as `HIGH`, `A+B`, `!`, `-`, `+`; the cipher table comes from OpenSSL 3.0 itself) and flags what it selects: broken or obsolete encryption (RC4, DES, 3DES, IDEA, SEED, NULL), MD5 MACs, anonymous suites, and suites without forward secrecy (RSA key exchange — nginx's default `HIGH:!aNULL:!MD5` selects some). A string that selects no cipher at all is flagged too (nginx refuses it). Nothing is flagged where `ssl_protocols` is TLS 1.3 only (ssl_ciphers does not apply).",
    why: "Broken ciphers can be decrypted; RSA key exchange lets anyone who later obtains the private key decrypt recorded traffic.",
    example: "ssl_ciphers HIGH:AES128-SHA:!aNULL;",
    fix: "Mozilla intermediate: `ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;`.",
    references: &[
        "https://ssl-config.mozilla.org/guidelines/6.0.json",
        "https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_ciphers",
    ],
    description_key: Some("site.tls.profile"),
};

/// True when the block's own `ssl_protocols` allows TLS 1.3 only: `ssl_ciphers`
/// (TLS 1.2 and below) then configures nothing.
fn tls13_only(block: Block<'_>) -> bool {
    first(block, "ssl_protocols")
        .is_some_and(|p| p.args().len() != 0 && p.args().all(|a| a.value == "TLSv1.3"))
}

/// The blocks whose `ssl_protocols` in force — their own, else inherited from the
/// levels above, as nginx inherits it — is TLS 1.3 only.
pub(super) fn tls13_only_blocks(ds: Block<'_>) -> HashSet<u32> {
    fn walk(ds: Block<'_>, inherited: bool, out: &mut HashSet<u32>) {
        for d in ds.iter().filter(|d| d.block().is_some()) {
            let own = first(d.children(), "ssl_protocols");
            let here = if own.is_some() {
                tls13_only(d.children())
            } else {
                inherited
            };
            if here {
                out.insert(d.id());
            }
            walk(d.children(), here, out);
        }
    }
    let mut out = HashSet::new();
    walk(ds, false, &mut out);
    out
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let tls13 = tls13_only_blocks(ctx.config.directives());
    // Each distinct cipher string is expanded once (a large configuration repeats
    // the same few in every server).
    let mut expanded: HashMap<&str, Vec<&'static Cipher>> = HashMap::new();
    ctx.every(|d| {
        let block = d.children();
        if tls13.contains(&d.id()) {
            return;
        }
        for c in block.iter().filter(|c| c.is("ssl_ciphers")) {
            let Some(arg) = c.args().next() else { continue };
            let selected = expanded
                .entry(arg.value)
                .or_insert_with(|| expand(arg.value));
            if selected.is_empty() {
                sink.report(
                    arg.span,
                    format!(
                        "`{}` selects no cipher: nginx refuses to start (\"no cipher match\")",
                        arg.value
                    ),
                    "use Mozilla's intermediate cipher list (six ECDHE AEAD ciphers)",
                );
                continue;
            }
            // One finding per kind of weakness, naming a few of the ciphers.
            let mut kinds: Vec<(&str, Vec<&str>)> = Vec::new();
            for cipher in selected.iter() {
                if let Some(why) = weakness(cipher) {
                    match kinds.iter_mut().find(|(w, _)| *w == why) {
                        Some((_, names)) => names.push(cipher.name),
                        None => kinds.push((why, vec![cipher.name])),
                    }
                }
            }
            for (why, names) in kinds {
                let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
                let more = if names.len() > 3 {
                    format!(" and {} more", names.len() - 3)
                } else {
                    String::new()
                };
                sink.report(
                    arg.span,
                    format!(
                        "ssl_ciphers selects {} cipher(s) with {why}: {}{more}",
                        names.len(),
                        shown.join(", ")
                    ),
                    "use Mozilla's intermediate cipher list (six ECDHE AEAD ciphers)",
                );
            }
        }
    });
}
