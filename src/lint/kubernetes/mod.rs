//! Kubernetes manifests as a lint format (rules KS###): the Pod Security
//! Standards (`restricted`, and `baseline` which it includes) and the checks
//! kube-score and kube-linter agree on, on multi-document YAML with positions.

pub mod format;
pub mod ks001_privileged;
pub mod ks002_host_namespaces;
pub mod ks003_volume_types;
pub mod ks004_host_ports;
pub mod ks005_privilege_escalation;
pub mod ks006_run_as_non_root;
pub mod ks007_seccomp;
pub mod ks008_capabilities;
pub mod ks009_resources;
pub mod ks010_identical_probes;
pub mod ks011_image_tag;
pub mod ks012_replicas_without_pdb;
pub mod ks013_hpa_with_replicas;
pub mod ks014_service_selects_nothing;
pub mod ks015_grace_period;
pub mod ks016_secret_in_env;
pub mod ks017_baseline_options;
pub mod ks018_route_backend;
pub mod ks019_upstream_keepalive;
pub mod ks020_snippets;
pub mod ks021_writable_root_filesystem;
pub mod ks022_removed_api_version;
pub mod ks023_service_account_token;
pub mod ks024_network_policy;
pub mod ks025_no_readiness_probe;
pub mod ks026_no_prestop;
pub mod ks027_namespace_pod_security;
pub mod ks028_selector_labels;
pub mod ks029_unknown_port_name;
pub mod ks030_hpa_target;
pub mod ks031_ingress_backend_form;

use std::sync::Arc;

use serde_json::Value;

use crate::description::yaml::PositionIndex;
use crate::lint::Sink;
use crate::lint::rule::Entry;
use crate::syntax::{FileId, Span};

/// One document of the stream.
pub struct Doc {
    pub value: Arc<Value>,
    /// Places relative to the document's own text (shared by every stream that
    /// holds the same document, see `format::Parsed`).
    pub positions: PositionIndex,
    /// Where the document starts in the file (a byte offset).
    pub offset: usize,
}

impl Doc {
    pub fn kind(&self) -> &str {
        self.value["kind"].as_str().unwrap_or("")
    }
    pub fn name(&self) -> &str {
        self.value["metadata"]["name"].as_str().unwrap_or("")
    }
    /// Its `metadata.namespace`, empty when not set (the namespace it is
    /// applied to).
    pub fn namespace(&self) -> &str {
        self.value["metadata"]["namespace"].as_str().unwrap_or("")
    }
}

/// Whether every `matchLabels`-style pair of a selector is among the labels.
/// An empty selector selects everything.
pub fn selects(selector: &serde_json::Map<String, Value>, labels: &Value) -> bool {
    selector.iter().all(|(k, v)| &labels[k] == v)
}

/// What a manifest rule reads.
pub struct Ctx<'a> {
    pub file: FileId,
    pub docs: &'a [Doc],
    /// How long the app drains on SIGTERM, when known (the description, or a
    /// `# svcgen: drain=10s` comment in the file), in milliseconds.
    pub drain_ms: Option<u64>,
}

/// A pod template in a document: the JSON pointer of its `spec` and the spec.
pub struct Pod<'a> {
    pub doc: &'a Doc,
    pub at: String,
    pub spec: &'a Value,
}

/// One container of a pod, with its pointer.
#[derive(Clone)]
pub struct ContainerAt<'a> {
    pub at: String,
    pub value: &'a Value,
}

impl<'a> Ctx<'a> {
    /// Where a pointer's key (a sequence item's value) stands, else its nearest
    /// ancestor's.
    pub fn span(&self, doc: &Doc, pointer: &str) -> Span {
        let place = doc.positions.nearest(pointer);
        let pos = place.key.unwrap_or(place.value);
        let start = doc.offset + pos.offset;
        Span {
            file: self.file,
            start,
            end: start + pos.len.max(1),
        }
    }

    /// Every pod template: workloads' `spec.template.spec`, CronJobs'
    /// `spec.jobTemplate.spec.template.spec`, Pods' `spec`.
    pub fn pods(&self) -> Vec<Pod<'a>> {
        let mut out = Vec::new();
        for doc in self.docs {
            let at = match doc.kind() {
                "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "Job"
                | "ReplicationController" => "/spec/template/spec",
                "CronJob" => "/spec/jobTemplate/spec/template/spec",
                "Pod" => "/spec",
                _ => continue,
            };
            if let Some(spec) = doc.value.pointer(at).filter(|v| v.is_object()) {
                out.push(Pod {
                    doc,
                    at: at.to_string(),
                    spec,
                });
            }
        }
        out
    }
}

impl<'a> Pod<'a> {
    /// The pod template's labels (a Pod's own).
    pub fn labels(&self) -> &'a Value {
        let at = self.at.strip_suffix("/spec").unwrap_or("");
        self.doc
            .value
            .pointer(&format!("{at}/metadata/labels"))
            .unwrap_or(&Value::Null)
    }

    /// Whether the pod declares Windows (`spec.os.name: windows`): the
    /// restricted profile's Linux-only controls (privilege escalation,
    /// seccomp, capabilities) do not apply to it.
    pub fn is_windows(&self) -> bool {
        self.spec["os"]["name"] == "windows"
    }

    /// Whether a workload that keeps pods running (not a Job, CronJob or bare Pod).
    pub fn is_long_running(&self) -> bool {
        matches!(
            self.doc.kind(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
        )
    }

    /// The Services of the same files and namespace whose selector takes this
    /// pod template.
    pub fn services(&self, ctx: &Ctx<'a>) -> Vec<&'a Doc> {
        ctx.docs
            .iter()
            .filter(|d| d.kind() == "Service" && d.namespace() == self.doc.namespace())
            .filter(|d| {
                d.value["spec"]["selector"]
                    .as_object()
                    .is_some_and(|s| !s.is_empty() && selects(s, self.labels()))
            })
            .collect()
    }

    /// The containers that serve: those of `containers` that declare `ports`;
    /// when none does, the only container of a pod a Service selects.
    pub fn serving_containers(&self, ctx: &Ctx<'a>) -> Vec<ContainerAt<'a>> {
        let main: Vec<ContainerAt<'a>> = self
            .containers()
            .into_iter()
            .filter(|c| c.at.starts_with(&format!("{}/containers/", self.at)))
            .collect();
        let with_ports: Vec<ContainerAt<'a>> = main
            .iter()
            .filter(|c| c.value["ports"].as_array().is_some_and(|p| !p.is_empty()))
            .cloned()
            .collect();
        if !with_ports.is_empty() {
            return with_ports;
        }
        if main.len() == 1 && !self.services(ctx).is_empty() {
            return main;
        }
        Vec::new()
    }

    /// Its containers, init containers and ephemeral containers.
    pub fn containers(&self) -> Vec<ContainerAt<'a>> {
        let mut out = Vec::new();
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            if let Some(items) = self.spec[list].as_array() {
                for (i, c) in items.iter().enumerate() {
                    out.push(ContainerAt {
                        at: format!("{}/{list}/{i}", self.at),
                        value: c,
                    });
                }
            }
        }
        out
    }

    /// A security-context field in force for a container: its own, else the pod's.
    pub fn security<'b>(
        &'b self,
        c: &'b ContainerAt<'a>,
        field: &str,
    ) -> Option<(String, &'a Value)> {
        if let Some(v) = c.value["securityContext"].get(field) {
            return Some((format!("{}/securityContext/{field}", c.at), v));
        }
        self.spec["securityContext"]
            .get(field)
            .map(|v| (format!("{}/securityContext/{field}", self.at), v))
    }

    /// The name for messages: `Deployment/api`, container `api`.
    pub fn what(&self, c: &ContainerAt<'_>) -> String {
        format!(
            "{}/{} container `{}`",
            self.doc.kind(),
            self.doc.name(),
            c.value["name"].as_str().unwrap_or("?")
        )
    }
}

/// The check type of manifest rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The manifest rules, in code order (the engine's own findings first).
pub static RULES: &[Entry<Check>] = &[
    Entry::Reported(&format::SYNTAX),
    Entry::Checked(&ks001_privileged::RULE, ks001_privileged::check),
    Entry::Checked(&ks002_host_namespaces::RULE, ks002_host_namespaces::check),
    Entry::Checked(&ks003_volume_types::RULE, ks003_volume_types::check),
    Entry::Checked(&ks004_host_ports::RULE, ks004_host_ports::check),
    Entry::Checked(
        &ks005_privilege_escalation::RULE,
        ks005_privilege_escalation::check,
    ),
    Entry::Checked(&ks006_run_as_non_root::RULE, ks006_run_as_non_root::check),
    Entry::Checked(&ks007_seccomp::RULE, ks007_seccomp::check),
    Entry::Checked(&ks008_capabilities::RULE, ks008_capabilities::check),
    Entry::Checked(&ks009_resources::RULE, ks009_resources::check),
    Entry::Checked(&ks010_identical_probes::RULE, ks010_identical_probes::check),
    Entry::Checked(&ks011_image_tag::RULE, ks011_image_tag::check),
    Entry::Checked(
        &ks012_replicas_without_pdb::RULE,
        ks012_replicas_without_pdb::check,
    ),
    Entry::Checked(
        &ks013_hpa_with_replicas::RULE,
        ks013_hpa_with_replicas::check,
    ),
    Entry::Checked(
        &ks014_service_selects_nothing::RULE,
        ks014_service_selects_nothing::check,
    ),
    Entry::Checked(&ks015_grace_period::RULE, ks015_grace_period::check),
    Entry::Checked(&ks016_secret_in_env::RULE, ks016_secret_in_env::check),
    Entry::Checked(&ks017_baseline_options::RULE, ks017_baseline_options::check),
    Entry::Checked(&ks018_route_backend::RULE, ks018_route_backend::check),
    Entry::Checked(
        &ks019_upstream_keepalive::RULE,
        ks019_upstream_keepalive::check,
    ),
    Entry::Checked(&ks020_snippets::RULE, ks020_snippets::check),
    Entry::Checked(
        &ks021_writable_root_filesystem::RULE,
        ks021_writable_root_filesystem::check,
    ),
    Entry::Checked(
        &ks022_removed_api_version::RULE,
        ks022_removed_api_version::check,
    ),
    Entry::Checked(
        &ks023_service_account_token::RULE,
        ks023_service_account_token::check,
    ),
    Entry::Checked(&ks024_network_policy::RULE, ks024_network_policy::check),
    Entry::Checked(
        &ks025_no_readiness_probe::RULE,
        ks025_no_readiness_probe::check,
    ),
    Entry::Checked(&ks026_no_prestop::RULE, ks026_no_prestop::check),
    Entry::Checked(
        &ks027_namespace_pod_security::RULE,
        ks027_namespace_pod_security::check,
    ),
    Entry::Checked(&ks028_selector_labels::RULE, ks028_selector_labels::check),
    Entry::Checked(
        &ks029_unknown_port_name::RULE,
        ks029_unknown_port_name::check,
    ),
    Entry::Checked(&ks030_hpa_target::RULE, ks030_hpa_target::check),
    Entry::Checked(
        &ks031_ingress_backend_form::RULE,
        ks031_ingress_backend_form::check,
    ),
];

/// The Pod Security Standards' reference, for the rules that check them.
pub const PSS: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
