//! KS018: a route's backend names no Service port in the files.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS018",
    name: "route-backend-missing",
    severity: Severity::Error,
    summary: "an HTTPRoute or Ingress backend names a Service or port that the files do not define",
    what: "When the files hold Services, checks every HTTPRoute `backendRefs` entry (a Service by default) and every Ingress backend `service`: the Service must be in the files, in the route's namespace (or the one it names), with that port (by number, or by name for an Ingress).",
    why: "The gateway answers 500 or 503 for every request on that route, and nothing in the manifests says why (kube-linter dangling-ingress / dangling-httproute-style checks).",
    example: "backendRefs:\n  - {name: api, port: 8080}   # the Service listens on 80",
    fix: "backendRefs:\n  - {name: api, port: 80}",
    references: &["kube-linter: dangling-ingress"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let services: Vec<&super::Doc> = ctx.docs.iter().filter(|d| d.kind() == "Service").collect();
    if services.is_empty() {
        return;
    }
    let has_port = |ns: &str, name: &str, port: &serde_json::Value| {
        services.iter().any(|s| {
            s.namespace() == ns
                && s.name() == name
                && s.value["spec"]["ports"].as_array().is_some_and(|ps| {
                    ps.iter().any(|p| {
                        port.is_null()
                            || (port.is_u64() && &p["port"] == port)
                            || (port.is_string() && &p["name"] == port)
                    })
                })
        })
    };
    for doc in ctx.docs {
        let ns = doc.namespace().to_string();
        let mut refs: Vec<(String, String, serde_json::Value)> = Vec::new();
        match doc.kind() {
            "HTTPRoute" => {
                for (i, rule) in doc.value["spec"]["rules"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    for (j, b) in rule["backendRefs"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        let kind = b["kind"].as_str().unwrap_or("Service");
                        if kind != "Service" || b["group"].as_str().is_some_and(|g| !g.is_empty()) {
                            continue;
                        }
                        let bns = b["namespace"].as_str().map_or(ns.clone(), str::to_string);
                        let name = b["name"].as_str().unwrap_or("").to_string();
                        refs.push((
                            format!("/spec/rules/{i}/backendRefs/{j}"),
                            format!("{bns}\u{0}{name}"),
                            b["port"].clone(),
                        ));
                    }
                }
            }
            "Ingress" => {
                let mut add = |at: String, svc: &serde_json::Value| {
                    if let Some(name) = svc["name"].as_str() {
                        let port = if svc["port"]["number"].is_u64() {
                            svc["port"]["number"].clone()
                        } else {
                            svc["port"]["name"].clone()
                        };
                        refs.push((at, format!("{ns}\u{0}{name}"), port));
                    }
                };
                add(
                    "/spec/defaultBackend/service".into(),
                    &doc.value["spec"]["defaultBackend"]["service"],
                );
                for (i, r) in doc.value["spec"]["rules"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    for (j, p) in r["http"]["paths"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        add(
                            format!("/spec/rules/{i}/http/paths/{j}/backend/service"),
                            &p["backend"]["service"],
                        );
                    }
                }
            }
            _ => continue,
        }
        for (at, key, port) in refs {
            let (bns, name) = key.split_once('\u{0}').unwrap_or(("", ""));
            if !has_port(bns, name, &port) {
                sink.report(
                    ctx.span(doc, &at),
                    format!("{}/{} sends to Service `{name}` port {port}, which these files do not define", doc.kind(), doc.name()),
                    "name a Service and one of its ports (the Service's `port`, not the container's)",
                );
            }
        }
    }
}
