//! KS003: a volume type the restricted profile does not allow.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS003",
    name: "volume-type",
    severity: Severity::Error,
    summary: "a volume that is not one of the types the restricted profile allows (hostPath above all)",
    what: "Flags pod volumes other than configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret (Pod Security Standard *restricted*, Volume Types; `hostPath` is already refused by *baseline*).",
    why: "A hostPath volume mounts the node's files into the pod: the container runtime socket or /etc is a write away from the node.",
    example: "volumes:\n  - name: logs\n    hostPath: {path: /var/log}",
    fix: "volumes:\n  - name: logs\n    emptyDir: {}",
    references: &[PSS],
    description_key: None,
};

const ALLOWED: [&str; 8] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        let Some(volumes) = pod.spec["volumes"].as_array() else {
            continue;
        };
        for (i, v) in volumes.iter().enumerate() {
            let Some(obj) = v.as_object() else { continue };
            for key in obj.keys().filter(|k| *k != "name") {
                if !ALLOWED.contains(&key.as_str()) {
                    sink.report(
                        ctx.span(pod.doc, &format!("{}/volumes/{i}/{key}", pod.at)),
                        format!(
                            "volume `{}` of {}/{} is a `{key}` volume",
                            v["name"].as_str().unwrap_or("?"),
                            pod.doc.kind(),
                            pod.doc.name()
                        ),
                        "use an emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret",
                    );
                }
            }
        }
    }
}
