//! NG017: the client address taken from anyone's header.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG017",
    name: "real-ip-from-anyone",
    severity: Severity::Error,
    summary: "`set_real_ip_from` trusts every address: any client chooses its own address",
    what: "Flags `set_real_ip_from 0.0.0.0/0` and `set_real_ip_from ::/0` (a network holding every address).",
    why: "nginx replaces the client's address (`$remote_addr`: logs, `allow`/`deny`, `limit_req` keys, the `X-Real-IP` the app gets) with the header's value only for requests from trusted addresses. Trusting all of them lets any client send `X-Forwarded-For: 127.0.0.1` or `CF-Connecting-IP: …` and pass an allow list, escape rate limits and forge the logs.",
    example: "set_real_ip_from 0.0.0.0/0;\nreal_ip_header CF-Connecting-IP;",
    fix: "List the proxies' own networks (the load balancer's subnet, the CDN's published ranges): `set_real_ip_from 10.0.0.0/16;`.",
    references: &[
        "https://nginx.org/en/docs/http/ngx_http_realip_module.html",
        "https://www.cloudflare.com/ips/",
    ],
    description_key: Some("site.real_ip.from"),
};

/// True for a network that holds every address (`0.0.0.0/0`, `::/0`).
fn is_everyone(value: &str) -> bool {
    value
        .split_once('/')
        .is_some_and(|(addr, len)| len == "0" && addr.parse::<std::net::IpAddr>().is_ok())
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.named("set_real_ip_from", |d| {
        if let Some(a) = d.args().next().filter(|a| is_everyone(a.value)) {
            sink.report(
                a.span,
                format!(
                    "`set_real_ip_from {}` trusts every client to say who it is",
                    a.value
                ),
                "list only the proxies' addresses, such as `10.0.0.0/16` or the CDN's ranges",
            );
        }
    });
}
