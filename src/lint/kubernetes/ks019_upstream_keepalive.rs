//! KS019: the ingress-nginx controller keeps idle connections to the app longer
//! than Node does.

use super::{Ctx, Doc};
use crate::description::yaml::escape_pointer_segment;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS019",
    name: "upstream-keepalive-above-app",
    severity: Severity::Warning,
    summary: "ingress-nginx keeps idle upstream connections longer than Node's 5 s keep-alive",
    what: "For an ingress-nginx controller ConfigMap (named `ingress-nginx-controller`, `*-ingress-nginx-controller` or `nginx-configuration`, or holding the controller's keys), checks `upstream-keepalive-timeout`: absent (the controller's default is 60 s) or 5 s and above, while upstream keep-alive is on (`upstream-keepalive-connections` not 0).",
    why: "Node closes an idle keep-alive connection after 5 s (`server.keepAliveTimeout`). A controller that keeps it longer sends the next request on a socket the app has just closed: the client gets a 502 now and then, under light load most of all, and nothing in the app's logs says why.",
    example: "kind: ConfigMap\nmetadata: {name: ingress-nginx-controller, namespace: ingress-nginx}\ndata:\n  use-forwarded-headers: \"false\"",
    fix: "data:\n  upstream-keepalive-timeout: \"4\"   # below the app's keepAliveTimeout",
    references: &[
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#upstream-keepalive-timeout",
        "https://nodejs.org/api/http.html#serverkeepalivetimeout",
    ],
    description_key: None,
};

/// Node's default `server.keepAliveTimeout`, in seconds.
const NODE_KEEPALIVE_SECONDS: u64 = 5;

/// Keys only the ingress-nginx controller's ConfigMap holds.
const CONTROLLER_KEYS: &[&str] = &[
    "allow-snippet-annotations",
    "upstream-keepalive-timeout",
    "upstream-keepalive-connections",
    "use-forwarded-headers",
    "ssl-protocols",
    "ssl-ciphers",
    "hsts-max-age",
    "hide-headers",
    "add-headers",
    "proxy-body-size",
    "enable-real-ip",
    "annotations-risk-level",
];

/// Whether a document is an ingress-nginx controller's ConfigMap.
pub fn is_controller_configmap(doc: &Doc) -> bool {
    if doc.kind() != "ConfigMap" {
        return false;
    }
    let name = doc.name();
    name == "ingress-nginx-controller"
        || name.ends_with("-ingress-nginx-controller")
        || name == "nginx-configuration"
        || doc.value["data"]
            .as_object()
            .is_some_and(|d| d.keys().any(|k| CONTROLLER_KEYS.contains(&k.as_str())))
}

/// A data value as a string (`"4"`, or an unquoted 4).
fn setting(doc: &Doc, key: &str) -> Option<String> {
    match &doc.value["data"][key] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        v => Some(v.to_string()),
    }
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for doc in ctx.docs.iter().filter(|d| is_controller_configmap(d)) {
        if setting(doc, "upstream-keepalive-connections").is_some_and(|v| v.trim() == "0") {
            continue;
        }
        let key = "upstream-keepalive-timeout";
        match setting(doc, key) {
            None => sink.report(
                ctx.span(doc, "/metadata/name"),
                format!(
                    "ConfigMap/{} sets no `{key}`: the controller keeps idle connections to the app 60 s, Node closes them after {NODE_KEEPALIVE_SECONDS} s",
                    doc.name()
                ),
                "add `upstream-keepalive-timeout: \"4\"` (below the app's keepAliveTimeout)",
            ),
            Some(v) => {
                let digits: String = v.trim().chars().take_while(char::is_ascii_digit).collect();
                if let Ok(secs) = digits.parse::<u64>()
                    && secs >= NODE_KEEPALIVE_SECONDS
                {
                    sink.report(
                        ctx.span(doc, &format!("/data/{}", escape_pointer_segment(key))),
                        format!(
                            "ConfigMap/{}: `{key}` is {secs} s, not below Node's {NODE_KEEPALIVE_SECONDS} s keep-alive",
                            doc.name()
                        ),
                        "set it below the app's keepAliveTimeout, such as \"4\"",
                    );
                }
            }
        }
    }
}
