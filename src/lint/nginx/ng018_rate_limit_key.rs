//! NG018: a rate limit keyed on what the client sends.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG018",
    name: "rate-limit-spoofable-key",
    severity: Severity::Warning,
    summary: "`limit_req_zone`/`limit_conn_zone` keyed on a request header, argument or cookie",
    what: "Flags a `limit_req_zone` or `limit_conn_zone` whose key uses `$http_…`, `$arg_…` or `$cookie_…` (for example `$http_x_forwarded_for`).",
    why: "The key decides whose budget a request spends. A header, argument or cookie is whatever the client sends: a new value on every request is a new, empty budget, so a login endpoint's limit stops no one. Behind a proxy, `set_real_ip_from` makes `$binary_remote_addr` the client's address, taken only from trusted proxies.",
    example: "limit_req_zone $http_x_forwarded_for zone=login:10m rate=10r/m;",
    fix: "limit_req_zone $binary_remote_addr zone=login:10m rate=10r/m;  (with `set_real_ip_from` + `real_ip_header` behind a proxy)",
    references: &[
        "https://nginx.org/en/docs/http/ngx_http_limit_req_module.html#limit_req_zone",
        "https://nginx.org/en/docs/http/ngx_http_realip_module.html",
    ],
    description_key: Some("routes[].rate_limit"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for name in ["limit_req_zone", "limit_conn_zone"] {
        ctx.named(name, |d| {
            let Some(key) = d.args().next() else {
                return;
            };
            let spoofable = [
                "$http_",
                "$arg_",
                "$cookie_",
                "${http_",
                "${arg_",
                "${cookie_",
            ]
            .iter()
            .any(|p| key.value.contains(p));
            if spoofable {
                sink.report(
                    key.span,
                    format!(
                        "`{}` is keyed on `{}`, which the client chooses",
                        name, key.value
                    ),
                    "key on `$binary_remote_addr` (with `set_real_ip_from` behind a proxy)",
                );
            }
        });
    }
}
