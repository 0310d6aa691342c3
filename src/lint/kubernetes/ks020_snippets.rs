//! KS020: ingress-nginx snippet annotations, used or allowed.

use super::Ctx;
use super::ks019_upstream_keepalive::is_controller_configmap;
use crate::description::yaml::escape_pointer_segment;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS020",
    name: "ingress-nginx-snippet",
    severity: Severity::Error,
    summary: "an ingress-nginx snippet annotation is used or allowed",
    what: "Flags an Ingress annotation `nginx.ingress.kubernetes.io/*-snippet` (configuration-, server-, auth-, stream-, modsecurity-snippet) and a controller ConfigMap with `allow-snippet-annotations: \"true\"`.",
    why: "A snippet is raw nginx configuration from whoever may write an Ingress: it can read the controller's service-account token and so every Secret in the cluster (CVE-2021-25742). The controller refuses snippets by default since v1.9; turning them back on reopens the hole for every namespace.",
    example: "metadata:\n  annotations:\n    nginx.ingress.kubernetes.io/configuration-snippet: |\n      more_set_headers \"X-Frame-Options: DENY\";",
    fix: "data:                # the controller's ConfigMap\n  add-headers: ingress-nginx/security-headers\n  allow-snippet-annotations: \"false\"",
    references: &[
        "https://github.com/kubernetes/ingress-nginx/issues/7837",
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#allow-snippet-annotations",
    ],
    description_key: None,
};

const PREFIX: &str = "nginx.ingress.kubernetes.io/";

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for doc in ctx.docs {
        if doc.kind() == "Ingress"
            && let Some(annotations) = doc.value["metadata"]["annotations"].as_object()
        {
            for key in annotations.keys() {
                if key.starts_with(PREFIX) && key.ends_with("-snippet") {
                    sink.report(
                        ctx.span(
                            doc,
                            &format!("/metadata/annotations/{}", escape_pointer_segment(key)),
                        ),
                        format!(
                            "Ingress/{}: `{key}` puts raw nginx configuration in the controller",
                            doc.name()
                        ),
                        "use the controller's settings (`add-headers`, annotations without snippets) instead",
                    );
                }
            }
        }
        if is_controller_configmap(doc) {
            let allowed = &doc.value["data"]["allow-snippet-annotations"];
            if allowed.as_str() == Some("true") || allowed.as_bool() == Some(true) {
                sink.report(
                    ctx.span(doc, "/data/allow-snippet-annotations"),
                    format!(
                        "ConfigMap/{}: snippet annotations are allowed for every Ingress",
                        doc.name()
                    ),
                    "set `allow-snippet-annotations: \"false\"`",
                );
            }
        }
    }
}
