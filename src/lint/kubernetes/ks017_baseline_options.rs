//! KS017: sysctls, /proc mount, SELinux or AppArmor options the baseline profile refuses.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS017",
    name: "baseline-options",
    severity: Severity::Error,
    summary: "an unsafe sysctl, an unmasked /proc, a custom SELinux type or user, or an AppArmor profile other than the runtime's or a local one",
    what: "Checks the Pod Security Standard *baseline* items not covered by other rules: `securityContext.sysctls` outside the safe set; `procMount` other than `Default`; `seLinuxOptions` with a `user` or `role`, or a `type` other than container_t, container_init_t, container_kvm_t or container_engine_t; an `appArmorProfile` (or the older annotation) that is `Unconfined`.",
    why: "Each one undoes a piece of the isolation the node gives every pod: kernel parameters shared by the node, the host's /proc, an SELinux domain that reaches host files, no AppArmor confinement.",
    example: "securityContext:\n  sysctls:\n    - {name: kernel.msgmax, value: \"65536\"}",
    fix: "securityContext:\n  sysctls:\n    - {name: net.ipv4.ip_local_port_range, value: \"1024 65535\"}",
    references: &[PSS],
    description_key: None,
};

const SAFE_SYSCTLS: [&str; 9] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
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
                if !SAFE_SYSCTLS.contains(&name)
                    && !name.starts_with("net.ipv4.tcp_keepalive_probes")
                {
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
            if sc["appArmorProfile"]["type"].as_str() == Some("Unconfined") {
                sink.report(
                    ctx.span(pod.doc, &format!("{at}/appArmorProfile/type")),
                    format!("{what} runs without AppArmor confinement"),
                    "use `appArmorProfile: {type: RuntimeDefault}` or a Localhost profile",
                );
            }
        }
    }
}
