//! NG003: HSTS missing on a TLS server, or with too short a max-age.

use super::{Ctx, is_tls};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "NG003",
    name: "hsts",
    severity: Severity::Error,
    summary: "TLS server without Strict-Transport-Security, or with a short max-age",
    what: "For every TLS server, looks at the `add_header` set in force at server level (its own, or the http block's when it has none) for `Strict-Transport-Security`, — or headers-more's `more_set_headers`, or `security_headers on;` — and checks its `max-age` against the minimum (one year, 31536000 seconds, by default: what browsers' preload lists require; `hsts_min_age: 63072000` in the lint configuration asks for Mozilla's two years, which svcgen renders).",
    why: "Without HSTS a user who types the bare domain, or follows an http:// link, can be downgraded to plain HTTP and have cookies stolen (SSL stripping). A short max-age lets the protection lapse between visits.",
    example: "server {\n    listen 443 ssl;\n    add_header X-Frame-Options DENY always;\n}",
    fix: "`add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;` at server level (and in every location that has its own add_header).",
    references: &[
        "RFC 6797",
        "https://ssl-config.mozilla.org/guidelines/6.0.json",
        "https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header",
    ],
    description_key: Some("site.tls.hsts"),
};

fn max_age(value: &str) -> Option<u64> {
    value.split(';').find_map(|p| {
        let p = p.trim();
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())?
    })
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in ctx.serving_servers().iter().filter(|s| is_tls(s.server)) {
        let headers = ctx.server_headers(s);
        match headers.get("strict-transport-security") {
            None => ctx.report_absent(
                &super::server_chain(s),
                super::HEADER_SETTERS,
                sink,
                s.server.name_span(),
                "TLS server without a Strict-Transport-Security header",
                "add `add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;`",
            ),
            // `security_headers on;` sends its own.
            Some(h) if h.value.is_none() => {}
            Some(h) => {
                let age = h.value.and_then(max_age);
                let min = ctx.settings.hsts_min_age;
                if age.is_none_or(|a| a < min) {
                    sink.report(
                        h.value_span,
                        format!(
                            "HSTS max-age {} is below the minimum of {min} seconds",
                            age.map_or("(missing)".to_string(), |a| a.to_string())
                        ),
                        "use `max-age=63072000` (two years), as Mozilla recommends; browsers' preload lists need at least one year",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_max_age() {
        assert_eq!(
            super::max_age("max-age=63072000; includeSubDomains"),
            Some(63072000)
        );
        assert_eq!(super::max_age("includeSubDomains; Max-Age = 10"), Some(10));
        assert_eq!(super::max_age("preload"), None);
    }
}
