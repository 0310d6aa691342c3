//! KS017: sysctls, /proc mount, SELinux or AppArmor options the baseline profile refuses.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS017",
    name: "baseline-options",
    severity: Severity::Error,
    summary: "an unsafe sysctl, an unmasked /proc, a custom SELinux type or user, an AppArmor profile other than the runtime's or a local one, or a probe or hook sent to another host",
    what: "Checks the Pod Security Standard *baseline* items not covered by other rules, as Pod Security Admission v1.37 reads them: `securityContext.sysctls` outside the safe set (v1.37's: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, ip_local_reserved_ports, ip_unprivileged_port_start, ping_group_range, tcp_syncookies, tcp_keepalive_time/_intvl/_probes, tcp_fin_timeout, tcp_rmem, tcp_wmem, tcp_slow_start_after_idle, tcp_notsent_lowat); `procMount` other than `Default`; `seLinuxOptions` with a `user` or `role`, or a `type` other than container_t, container_init_t, container_kvm_t or container_engine_t; an `appArmorProfile.type` other than `RuntimeDefault` or `Localhost`, or a `container.apparmor.security.beta.kubernetes.io/*` annotation other than `runtime/default` or `localhost/…`; a `host` in a probe's or a lifecycle handler's `httpGet` or `tcpSocket` (v1.34 and later).",
    why: "Each one undoes a piece of the isolation the node gives every pod: kernel parameters shared by the node, the host's /proc, an SELinux domain that reaches host files, no AppArmor confinement, and a probe the kubelet sends to any address the pod names (from the node, where the pod itself cannot reach).",
    example: "securityContext:\n  sysctls:\n    - {name: kernel.msgmax, value: \"65536\"}",
    fix: "securityContext:\n  sysctls:\n    - {name: net.ipv4.ip_local_port_range, value: \"1024 65535\"}",
    references: &[PSS],
    description_key: None,
};

/// The safe sysctls of Pod Security Admission v1.37 (`policy/check_sysctls.go`).
const SAFE_SYSCTLS: [&str; 14] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

/// The per-container AppArmor annotation of before Kubernetes 1.30.
const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Where a container sends its probes and lifecycle requests.
const HANDLERS: [&str; 5] = [
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle/postStart",
    "lifecycle/preStop",
];
const SELINUX_TYPES: [&str; 4] = [
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        let what = format!("{}/{}", pod.doc.kind(), pod.doc.name());
        if let Some(sysctls) = pod.spec["securityContext"]["sysctls"].as_array() {
            for (i, s) in sysctls.iter().enumerate() {
                let name = s["name"].as_str().unwrap_or("?");
                if !SAFE_SYSCTLS.contains(&name) {
                    sink.report(
                        ctx.span(pod.doc, &format!("{}/securityContext/sysctls/{i}/name", pod.at)),
                        format!("{what} sets the sysctl {name}, outside the safe set"),
                        "leave kernel parameters to the node; only the namespaced safe sysctls are allowed",
                    );
                }
            }
        }
        let mut contexts = vec![(
            format!("{}/securityContext", pod.at),
            &pod.spec["securityContext"],
        )];
        let containers = pod.containers();
        for c in &containers {
            contexts.push((
                format!("{}/securityContext", c.at),
                &c.value["securityContext"],
            ));
        }
        for (at, sc) in contexts {
            if let Some(p) = sc["procMount"].as_str().filter(|p| *p != "Default") {
                sink.report(
                    ctx.span(pod.doc, &format!("{at}/procMount")),
                    format!("{what} mounts /proc `{p}` (unmasked)"),
                    "remove `procMount`",
                );
            }
            let se = &sc["seLinuxOptions"];
            if !se.is_null() {
                let bad_type = se["type"]
                    .as_str()
                    .is_some_and(|t| !SELINUX_TYPES.contains(&t));
                if bad_type || !se["user"].is_null() || !se["role"].is_null() {
                    sink.report(
                        ctx.span(pod.doc, &format!("{at}/seLinuxOptions")),
                        format!("{what} sets SELinux options the baseline profile refuses"),
                        "remove `seLinuxOptions.user`/`role`; a `type` may only be one of the container_* types",
                    );
                }
            }
            if let Some(t) = sc["appArmorProfile"]["type"]
                .as_str()
                .filter(|t| !matches!(*t, "RuntimeDefault" | "Localhost"))
            {
                sink.report(
                    ctx.span(pod.doc, &format!("{at}/appArmorProfile/type")),
                    format!("{what} runs with AppArmor profile type `{t}`"),
                    "use `appArmorProfile: {type: RuntimeDefault}` or a Localhost profile",
                );
            }
        }
        // The annotation is on the pod's metadata, beside the spec.
        let meta = pod.at.strip_suffix("/spec").unwrap_or("").to_string() + "/metadata/annotations";
        if let Some(notes) = pod.doc.value.pointer(&meta).and_then(|v| v.as_object()) {
            for (key, value) in notes {
                let Some(container) = key.strip_prefix(APPARMOR_ANNOTATION) else {
                    continue;
                };
                let v = value.as_str().unwrap_or("");
                if !(v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")) {
                    sink.report(
                        ctx.span(
                            pod.doc,
                            &format!(
                                "{meta}/{}",
                                crate::description::yaml::escape_pointer_segment(key)
                            ),
                        ),
                        format!("{what}: container `{container}` runs with AppArmor `{v}`"),
                        "use `runtime/default` (or the `appArmorProfile` field, `RuntimeDefault`)",
                    );
                }
            }
        }
        for c in &containers {
            for h in HANDLERS {
                for kind in ["httpGet", "tcpSocket"] {
                    let at = format!("/{h}/{kind}/host");
                    if let Some(host) = c
                        .value
                        .pointer(&at)
                        .and_then(|v| v.as_str())
                        .filter(|h| !h.is_empty())
                    {
                        sink.report(
                            ctx.span(pod.doc, &format!("{}{at}", c.at)),
                            format!(
                                "{}: `{}` is sent to host `{host}`, not the pod",
                                pod.what(c),
                                h.replace('/', ".")
                            ),
                            "remove `host`: the kubelet then checks the pod's own address",
                        );
                    }
                }
            }
        }
    }
}
