//! KS031: an `networking.k8s.io/v1` Ingress written in the v1beta1 form.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS031",
    name: "ingress-v1beta1-form",
    severity: Severity::Error,
    summary: "a `networking.k8s.io/v1` Ingress uses v1beta1 fields (`serviceName`, `servicePort`, `spec.backend`) or a path without `pathType`",
    what: "For an Ingress of `networking.k8s.io/v1`, flags a backend written `serviceName`/`servicePort` (v1 has `service: {name, port: {number|name}}`), a `spec.backend` (v1 calls it `defaultBackend`) and an HTTP path with no `pathType` (required in v1).",
    why: "The API server refuses the Ingress (`pathType: Required value`, `backend: service or resource must be specified`), or with a lenient client drops the unknown fields and keeps a rule that routes nowhere.",
    example: "apiVersion: networking.k8s.io/v1\n...\n- path: /\n  backend:\n    serviceName: api\n    servicePort: 80",
    fix: "- path: /\n  pathType: Prefix\n  backend:\n    service:\n      name: api\n      port: {number: 80}",
    references: &["https://kubernetes.io/docs/reference/using-api/deprecation-guide/#ingress-v122"],
    description_key: None,
};

fn backend(ctx: &Ctx<'_>, doc: &super::Doc, at: &str, b: &serde_json::Value, sink: &mut Sink<'_>) {
    for old in ["serviceName", "servicePort"] {
        if b.get(old).is_some() {
            sink.report(
                ctx.span(doc, &format!("{at}/{old}")),
                format!(
                    "Ingress/{}: `{old}` is the v1beta1 form; networking.k8s.io/v1 refuses it",
                    doc.name()
                ),
                "write `service: {name: …, port: {number: …}}`",
            );
        }
    }
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for doc in ctx.docs.iter().filter(|d| {
        d.kind() == "Ingress" && d.value["apiVersion"].as_str() == Some("networking.k8s.io/v1")
    }) {
        let spec = &doc.value["spec"];
        if spec.get("backend").is_some() {
            sink.report(
                ctx.span(doc, "/spec/backend"),
                format!(
                    "Ingress/{}: `spec.backend` is the v1beta1 name; networking.k8s.io/v1 calls it `defaultBackend`",
                    doc.name()
                ),
                "rename it `defaultBackend` and write its service as `service: {name, port}`",
            );
            backend(ctx, doc, "/spec/backend", &spec["backend"], sink);
        }
        backend(
            ctx,
            doc,
            "/spec/defaultBackend",
            &spec["defaultBackend"],
            sink,
        );
        for (i, rule) in spec["rules"].as_array().into_iter().flatten().enumerate() {
            for (j, path) in rule["http"]["paths"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let at = format!("/spec/rules/{i}/http/paths/{j}");
                if path.get("pathType").is_none() {
                    sink.report(
                        ctx.span(doc, &at),
                        format!(
                            "Ingress/{}: the path {} has no `pathType`, which networking.k8s.io/v1 requires",
                            doc.name(),
                            path["path"].as_str().map_or("(none)".to_string(), |p| format!("`{p}`"))
                        ),
                        "add `pathType: Prefix` (or `Exact`)",
                    );
                }
                backend(ctx, doc, &format!("{at}/backend"), &path["backend"], sink);
            }
        }
    }
}
