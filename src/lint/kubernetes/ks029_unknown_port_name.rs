//! KS029: a probe, hook or Service names a port the container does not have.

use super::{Ctx, selects};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS029",
    name: "unknown-port-name",
    severity: Severity::Error,
    summary: "a probe, a lifecycle hook or a Service's `targetPort` names a port no container declares",
    what: "Checks every port given by name: a probe's or a lifecycle handler's `httpGet.port`, `tcpSocket.port` or `grpc.port` against its container's `ports[].name`, and a Service's `targetPort` against the ports of the containers of the pod templates it selects in the same files.",
    why: "A named port is looked up when it is used: the kubelet fails a probe on a name it cannot find (the pod is never ready, or a liveness probe restarts it for ever), and a Service whose target port no pod declares gets no endpoints for it — every request fails although the pods run.",
    example: "ports: [{name: http, containerPort: 3000}]\nreadinessProbe:\n  httpGet: {path: /health, port: web}",
    fix: "readinessProbe:\n  httpGet: {path: /health, port: http}",
    references: &[
        "https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports",
    ],
    description_key: None,
};

const HANDLERS: &[&str] = &[
    "/livenessProbe",
    "/readinessProbe",
    "/startupProbe",
    "/lifecycle/postStart",
    "/lifecycle/preStop",
];

fn port_names(c: &serde_json::Value) -> Vec<&str> {
    c["ports"]
        .as_array()
        .map(|ps| ps.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default()
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let pods = ctx.pods();
    for pod in &pods {
        for c in pod.containers() {
            let names = port_names(c.value);
            for h in HANDLERS {
                for kind in ["httpGet", "tcpSocket", "grpc"] {
                    let at = format!("{h}/{kind}/port");
                    if let Some(name) = c.value.pointer(&at).and_then(|v| v.as_str())
                        && !names.contains(&name)
                    {
                        sink.report(
                            ctx.span(pod.doc, &format!("{}{at}", c.at)),
                            format!(
                                "{}: `{}` uses port `{name}`, which the container does not declare",
                                pod.what(&c),
                                h.trim_start_matches('/').replace('/', ".")
                            ),
                            if names.is_empty() {
                                "name the port in the container's `ports`, or give the number"
                                    .to_string()
                            } else {
                                format!("use one of its ports: {}", names.join(", "))
                            },
                        );
                    }
                }
            }
        }
    }
    for svc in ctx.docs.iter().filter(|d| d.kind() == "Service") {
        let Some(sel) = svc.value["spec"]["selector"]
            .as_object()
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let selected: Vec<_> = pods
            .iter()
            .filter(|p| p.doc.namespace() == svc.namespace() && selects(sel, p.labels()))
            .collect();
        if selected.is_empty() {
            continue;
        }
        let Some(ports) = svc.value["spec"]["ports"].as_array() else {
            continue;
        };
        for (i, port) in ports.iter().enumerate() {
            let Some(name) = port["targetPort"].as_str() else {
                continue;
            };
            let declared = selected.iter().any(|p| {
                p.containers()
                    .iter()
                    .any(|c| port_names(c.value).contains(&name))
            });
            if !declared {
                sink.report(
                    ctx.span(svc, &format!("/spec/ports/{i}/targetPort")),
                    format!(
                        "Service/{}: `targetPort: {name}` is no port of the pods it selects",
                        svc.name()
                    ),
                    "use the name the container gives the port in its `ports`",
                );
            }
        }
    }
}
