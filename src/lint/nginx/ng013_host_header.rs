//! NG013: `Host` taken from `$http_host`.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG013",
    name: "host-from-http-host",
    severity: Severity::Warning,
    summary: "`proxy_set_header Host $http_host` passes the client's Host unchecked",
    what: "Flags `proxy_set_header Host` whose value uses `$http_host` or a query argument (`$arg_…`).",
    why: "`$http_host` is whatever the client sent, even a name this server does not serve or an empty value; apps that build links, password-reset mails or cache keys from Host can be poisoned. `$host` is the matched server name (or the request line's host), normalised.",
    example: "proxy_set_header Host $http_host;",
    fix: "proxy_set_header Host $host;",
    references: &[
        "gixy: host_spoofing",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#var_host",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    ctx.named("proxy_set_header", |d| {
        if d.arg(0).is_some_and(|h| h.eq_ignore_ascii_case("host"))
            && d.arg(1)
                .is_some_and(|v| v.contains("$http_host") || v.starts_with("$arg_"))
        {
            sink.report(
                d.args().get(1).expect("argument").span,
                "the Host header is taken from the client unchecked",
                "use `$host`",
            );
        }
    });
}
