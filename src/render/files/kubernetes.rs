//! The Kubernetes manifests, one multi-document stream: Namespace (Pod Security
//! Standard `restricted` enforced), ConfigMap (plain environment), Deployment,
//! Service, HTTPRoutes (the site, and the redirect to HTTPS), PodDisruptionBudget,
//! NetworkPolicy, and a HorizontalPodAutoscaler when the app scales itself.
//! Serialised from the API's own types (k8s-openapi; HTTPRoute from the Gateway
//! API v1 schema), never from a text template.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMap, ConfigMapEnvSource, Container, ContainerPort, EmptyDirVolumeSource,
    EnvFromSource, EnvVar, EnvVarSource, HTTPGetAction, Lifecycle, LifecycleHandler, Namespace,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SeccompProfile,
    SecretEnvSource, SecretKeySelector, SecurityContext, Service, ServicePort, ServiceSpec,
    SleepAction, TCPSocketAction, TopologySpreadConstraint, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use super::{ArtifactKind, Descriptor, Placement, Plan, Scope, Source, Target};
use crate::description::Service as Description;
use crate::description::model::{GatewayRef, Kubernetes};

pub mod ingress_nginx;
pub mod kustomize;

pub static FILE: Descriptor = Descriptor {
    kind: ArtifactKind("kubernetes-manifests"),
    target: Target::Kubernetes,
    source: Source::Built(build),
    lint: Some("kubernetes"),
    mode: 0o644,
    scope: Scope::Service(|plan, s| {
        if s.kubernetes.is_none() {
            return Vec::new();
        }
        if !s.resolved_environments.is_empty() {
            return kustomize::manifest_files(plan, s);
        }
        vec![Placement {
            file_name: format!("{}.k8s.yaml", s.name),
            install_dir: None,
            installed_as: None,
            context: None,
        }]
    }),
};

/// Seconds the pod keeps serving after it is marked for deletion, while the
/// endpoint removal reaches every gateway (the preStop pause).
const PRE_STOP_SECONDS: i64 = 5;
/// Slack above preStop + drain before the kubelet sends SIGKILL.
const GRACE_MARGIN_SECONDS: i64 = 5;

pub(super) fn labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), name.to_string()),
        (
            "app.kubernetes.io/managed-by".to_string(),
            "svcgen".to_string(),
        ),
    ])
}

fn selector(name: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(
            "app.kubernetes.io/name".to_string(),
            name.to_string(),
        )])),
        ..Default::default()
    }
}

pub(super) fn meta(name: &str, namespace: &str, app: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        labels: Some(labels(app)),
        ..Default::default()
    }
}

/// The memory per pod, in bytes: the target's, else the host supervisor's, else 512 MiB.
fn memory_bytes(s: &Description, k: &Kubernetes) -> u64 {
    k.memory
        .or(s.host.supervisor.memory_limit)
        .map_or(512 << 20, |m| m.bytes())
}

/// One object of the stream: its YAML (fields in the API's order) and its JSON
/// value, each written when first read (a stream reads the YAML, an
/// environment's overlay the values).
pub struct Object {
    typed: Box<dyn erased::Yaml + Send + Sync>,
    yaml: OnceLock<String>,
    value: OnceLock<serde_json::Value>,
}

impl Object {
    fn new<T: serde::Serialize + Send + Sync + 'static>(typed: T) -> Object {
        Object {
            typed: Box::new(typed),
            yaml: OnceLock::new(),
            value: OnceLock::new(),
        }
    }

    pub fn yaml(&self) -> &str {
        self.yaml.get_or_init(|| self.typed.yaml())
    }

    pub fn value(&self) -> &serde_json::Value {
        self.value.get_or_init(|| self.typed.json())
    }
}

/// The manifests file: the stream of the service's objects, or under
/// environments the kustomize base's stream and each overlay's added objects.
fn build(plan: &Plan, s: &Description, file_name: &str) -> String {
    match kustomize::part(s, file_name) {
        Some(part) => kustomize::manifests(plan, s, &part),
        None => stream(plan, &objects(plan, s)),
    }
}

/// A generated stream of objects.
pub fn stream<'a>(plan: &Plan, objects: impl IntoIterator<Item = &'a Object>) -> String {
    let mut out = format!(
        "# Generated by svcgen from {}. Do not edit: change the description and render again.\n",
        plan.source.replace(['\n', '\r'], " ")
    );
    for d in objects {
        out.push_str("---\n");
        out.push_str(d.yaml());
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The service's objects, in the order they are applied.
pub fn objects(plan: &Plan, s: &Description) -> Vec<Object> {
    let Some(k) = &s.kubernetes else {
        return Vec::new();
    };
    let name = s.name.as_str();
    let ns = k
        .namespace
        .as_ref()
        .map_or_else(|| s.name.to_string(), |n| n.to_string());
    let drain = i64::try_from(s.shutdown.drain.secs_ceil()).unwrap_or(i64::MAX / 4);
    let mut docs: Vec<Object> = Vec::new();

    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(ns.to_string()),
            labels: Some(BTreeMap::from([
                (
                    "pod-security.kubernetes.io/enforce".to_string(),
                    "restricted".to_string(),
                ),
                (
                    "pod-security.kubernetes.io/enforce-version".to_string(),
                    "latest".to_string(),
                ),
                (
                    "pod-security.kubernetes.io/warn".to_string(),
                    "restricted".to_string(),
                ),
                (
                    "pod-security.kubernetes.io/audit".to_string(),
                    "restricted".to_string(),
                ),
            ])),
            ..Default::default()
        },
        ..Default::default()
    };
    docs.push(Object::new(namespace));

    let env_name = format!("{name}-env");
    let mut env_from = Vec::new();
    if !s.environment.is_empty() {
        let data: BTreeMap<String, String> = plan.env.iter().cloned().collect();
        docs.push(Object::new(ConfigMap {
            metadata: meta(&env_name, &ns, name),
            data: Some(data),
            ..Default::default()
        }));
        env_from.push(EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource {
                name: env_name.clone(),
                optional: Some(false),
            }),
            ..Default::default()
        });
    }
    if s.env_file.is_some() {
        // The env file's variables: a Secret made from it on the cluster
        // (`kubectl create secret generic NAME-secrets --from-env-file=…`); its
        // values are never written here.
        env_from.push(EnvFromSource {
            secret_ref: Some(SecretEnvSource {
                name: format!("{name}-secrets"),
                optional: Some(false),
            }),
            ..Default::default()
        });
    }

    // Each variable the description requires, by name from that Secret and not
    // optional: a Secret without the key stops the rollout naming it
    // (CreateContainerConfigError: couldn't find key NAME) instead of starting a
    // pod that crashes on the first request that reads it.
    let required: Vec<EnvVar> = match &s.env_file {
        Some(_) => plan
            .env_required
            .iter()
            .map(|r| EnvVar {
                name: r.name.clone(),
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: format!("{name}-secrets"),
                        key: r.name.clone(),
                        optional: Some(false),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect(),
        None => Vec::new(),
    };

    let port = i32::from(k.port);
    let memory = Quantity(format!("{}Mi", memory_bytes(s, k).div_ceil(1 << 20)));
    let health = HTTPGetAction {
        path: Some(plan.health.path.to_string()),
        port: IntOrString::String("http".into()),
        ..Default::default()
    };
    let container = Container {
        name: name.to_string(),
        image: Some(k.image.to_string()),
        image_pull_policy: Some("IfNotPresent".into()),
        ports: Some(vec![ContainerPort {
            name: Some("http".into()),
            container_port: port,
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        env: Some(
            vec![
                EnvVar {
                    name: "NODE_ENV".into(),
                    value: Some(super::dockerfile::node_env(plan)),
                    ..Default::default()
                },
                EnvVar {
                    name: "PORT".into(),
                    value: Some(k.port.to_string()),
                    ..Default::default()
                },
                EnvVar {
                    name: "HOST".into(),
                    value: Some("0.0.0.0".into()),
                    ..Default::default()
                },
            ]
            .into_iter()
            .chain(required)
            .collect(),
        ),
        env_from: (!env_from.is_empty()).then_some(env_from),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_string(), Quantity(format!("{}m", k.cpu_millis))),
                ("memory".to_string(), memory.clone()),
            ])),
            limits: Some(BTreeMap::from([("memory".to_string(), memory)])),
            ..Default::default()
        }),
        // Started: the health endpoint answers (up to 60 s for a cold start).
        startup_probe: Some(Probe {
            http_get: Some(health.clone()),
            period_seconds: Some(2),
            failure_threshold: Some(30),
            timeout_seconds: Some(2),
            ..Default::default()
        }),
        // Ready for traffic: the health endpoint answers (it fails while draining).
        readiness_probe: Some(Probe {
            http_get: Some(health),
            period_seconds: Some(5),
            failure_threshold: Some(2),
            timeout_seconds: Some(2),
            ..Default::default()
        }),
        // Alive: the process accepts connections. Not the readiness check: a
        // dependency that is down makes the pod unready, never restarts it.
        liveness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::String("http".into()),
                ..Default::default()
            }),
            period_seconds: Some(10),
            failure_threshold: Some(3),
            timeout_seconds: Some(2),
            ..Default::default()
        }),
        lifecycle: Some(Lifecycle {
            // Keep serving while the endpoint removal reaches the gateways.
            pre_stop: Some(LifecycleHandler {
                sleep: Some(SleepAction {
                    seconds: PRE_STOP_SECONDS,
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            privileged: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            run_as_user: Some(i64::from(k.uid)),
            run_as_group: Some(i64::from(k.uid)),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".into()]),
                ..Default::default()
            }),
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        volume_mounts: Some(vec![VolumeMount {
            name: "tmp".into(),
            mount_path: "/tmp".into(),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let replicas = i32::from(k.replicas);
    let spread = (k.autoscale.is_some() || replicas >= 2).then(|| {
        vec![TopologySpreadConstraint {
            max_skew: 1,
            topology_key: "kubernetes.io/hostname".into(),
            when_unsatisfiable: "ScheduleAnyway".into(),
            label_selector: Some(selector(name)),
            ..Default::default()
        }]
    });
    docs.push(Object::new(Deployment {
        metadata: meta(name, &ns, name),
        spec: Some(DeploymentSpec {
            // Scaled by the HorizontalPodAutoscaler when there is one.
            replicas: k.autoscale.is_none().then_some(replicas),
            selector: selector(name),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(IntOrString::Int(1)),
                    max_unavailable: Some(IntOrString::Int(0)),
                }),
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels(name)),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    automount_service_account_token: Some(false),
                    enable_service_links: Some(false),
                    termination_grace_period_seconds: Some(
                        PRE_STOP_SECONDS + drain + GRACE_MARGIN_SECONDS,
                    ),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(i64::from(k.uid)),
                        run_as_group: Some(i64::from(k.uid)),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".into(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    containers: vec![container],
                    volumes: Some(vec![Volume {
                        name: "tmp".into(),
                        empty_dir: Some(EmptyDirVolumeSource {
                            size_limit: Some(Quantity("64Mi".into())),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }]),
                    topology_spread_constraints: spread,
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }));
    docs.push(Object::new(Service {
        metadata: meta(name, &ns, name),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            selector: Some(selector(name).match_labels.unwrap_or_default()),
            ports: Some(vec![ServicePort {
                name: Some("http".into()),
                port: 80,
                target_port: Some(IntOrString::String("http".into())),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }));
    if let Some(g) = &k.gateway {
        for route in routes(plan, s, g, &ns) {
            docs.push(Object::new(route));
        }
    } else if let Some(i) = &k.ingress_nginx {
        for ingress in ingress_nginx::ingresses(plan, s, i, &ns) {
            docs.push(Object::new(ingress));
        }
    }
    if k.autoscale.is_some() || replicas >= 2 {
        docs.push(Object::new(PodDisruptionBudget {
            metadata: meta(name, &ns, name),
            spec: Some(PodDisruptionBudgetSpec {
                max_unavailable: Some(IntOrString::Int(1)),
                selector: Some(selector(name)),
                // A pod that never became ready may be evicted (a drain does not hang on it).
                unhealthy_pod_eviction_policy: Some("AlwaysAllow".into()),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    docs.push(Object::new(network_policy(name, &ns, k)));
    if let Some(a) = &k.autoscale {
        docs.push(Object::new(HorizontalPodAutoscaler {
            metadata: meta(name, &ns, name),
            spec: Some(HorizontalPodAutoscalerSpec {
                scale_target_ref: CrossVersionObjectReference {
                    api_version: Some("apps/v1".into()),
                    kind: "Deployment".into(),
                    name: name.to_string(),
                },
                min_replicas: Some(i32::from(a.min)),
                max_replicas: i32::from(a.max),
                metrics: Some(vec![MetricSpec {
                    type_: "Resource".into(),
                    resource: Some(ResourceMetricSource {
                        name: "cpu".into(),
                        target: MetricTarget {
                            type_: "Utilization".into(),
                            average_utilization: Some(i32::from(a.cpu_percent)),
                            ..Default::default()
                        },
                    }),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    docs
}

fn network_policy(name: &str, ns: &str, k: &Kubernetes) -> NetworkPolicy {
    let dns = NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "kubernetes.io/metadata.name".to_string(),
                    "kube-system".to_string(),
                )])),
                ..Default::default()
            }),
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "k8s-app".to_string(),
                    "kube-dns".to_string(),
                )])),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ports: Some(
            ["UDP", "TCP"]
                .iter()
                .map(|p| NetworkPolicyPort {
                    protocol: Some((*p).into()),
                    port: Some(IntOrString::Int(53)),
                    ..Default::default()
                })
                .collect(),
        ),
    };
    let mut egress = vec![dns];
    for e in &k.egress {
        egress.push(NetworkPolicyEgressRule {
            to: Some(vec![NetworkPolicyPeer {
                ip_block: Some(IPBlock {
                    cidr: e.cidr.to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            }]),
            ports: Some(vec![NetworkPolicyPort {
                protocol: Some("TCP".into()),
                port: Some(IntOrString::Int(i32::from(e.port))),
                ..Default::default()
            }]),
        });
    }
    NetworkPolicy {
        metadata: meta(name, ns, name),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(name)),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            // Only the gateway's pods reach the app, on its port.
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![NetworkPolicyPeer {
                    namespace_selector: Some(LabelSelector {
                        match_labels: Some(BTreeMap::from([(
                            "kubernetes.io/metadata.name".to_string(),
                            k.ingress_namespace().to_string(),
                        )])),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
                ports: Some(vec![NetworkPolicyPort {
                    protocol: Some("TCP".into()),
                    port: Some(IntOrString::Int(i32::from(k.port))),
                    ..Default::default()
                }]),
            }]),
            egress: Some(egress),
        }),
    }
}

/// Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1), the fields svcgen sets.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpRoute {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: HttpRouteSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpRouteSpec {
    parent_refs: Vec<ParentRef>,
    hostnames: Vec<String>,
    rules: Vec<RouteRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ParentRef {
    name: String,
    namespace: String,
    section_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RouteRule {
    matches: Vec<RouteMatch>,
    filters: Vec<Filter>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    backend_refs: Vec<BackendRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeouts: Option<Timeouts>,
}

#[derive(Serialize)]
struct RouteMatch {
    path: PathMatch,
}

#[derive(Serialize)]
struct PathMatch {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Filter {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_header_modifier: Option<HeaderModifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_redirect: Option<Redirect>,
}

#[derive(Clone, Serialize)]
struct HeaderModifier {
    set: Vec<Header>,
    remove: Vec<String>,
}

#[derive(Clone, Serialize)]
struct Header {
    name: String,
    value: String,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Redirect {
    scheme: &'static str,
    status_code: u16,
}

#[derive(Serialize)]
struct BackendRef {
    name: String,
    port: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Timeouts {
    request: String,
    backend_request: String,
}

fn routes(plan: &Plan, s: &Description, g: &GatewayRef, ns: &str) -> Vec<HttpRoute> {
    let parent = |section: &str| ParentRef {
        name: g.name.to_string(),
        namespace: g.namespace.to_string(),
        section_name: section.to_string(),
    };
    let headers = Filter {
        kind: "ResponseHeaderModifier",
        response_header_modifier: Some(HeaderModifier {
            set: plan
                .site
                .headers
                .iter()
                .map(|(n, v)| Header {
                    name: n.clone(),
                    value: v.clone(),
                })
                .collect(),
            // What nginx hides from the app's responses on the host.
            remove: vec!["X-Powered-By".into()],
        }),
        request_redirect: None,
    };
    let rules = plan
        .routes
        .iter()
        .map(|r| {
            let long_lived = r.kind == "streaming" || r.kind == "websocket";
            RouteRule {
                matches: vec![RouteMatch {
                    path: PathMatch {
                        kind: "PathPrefix",
                        value: r.path.trim_end_matches('/').to_string().max("/".into()),
                    },
                }],
                filters: vec![headers.clone()],
                backend_refs: vec![BackendRef {
                    name: s.name.to_string(),
                    port: 80,
                }],
                // A stream or a WebSocket lasts as long as the client stays: no
                // request timeout. Other routes: nginx's connect + read timeouts.
                timeouts: Some(if long_lived {
                    Timeouts {
                        request: "0s".into(),
                        backend_request: "0s".into(),
                    }
                } else {
                    let t = format!("{}s", r.connect_timeout + r.read_timeout);
                    Timeouts {
                        request: t.clone(),
                        backend_request: t,
                    }
                }),
            }
        })
        .collect();
    let route_meta = |suffix: &str| meta(&format!("{}{suffix}", s.name), ns, &s.name);
    let mut out = vec![HttpRoute {
        api_version: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: route_meta(""),
        spec: HttpRouteSpec {
            parent_refs: vec![parent(&g.https_listener)],
            hostnames: s.site.domains.iter().map(|v| v.to_string()).collect(),
            rules,
        },
    }];
    if s.site.redirect_http {
        out.push(HttpRoute {
            api_version: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: route_meta("-redirect"),
            spec: HttpRouteSpec {
                parent_refs: vec![parent(&g.http_listener)],
                hostnames: s.site.domains.iter().map(|v| v.to_string()).collect(),
                rules: vec![RouteRule {
                    matches: vec![RouteMatch {
                        path: PathMatch {
                            kind: "PathPrefix",
                            value: "/".into(),
                        },
                    }],
                    filters: vec![Filter {
                        kind: "RequestRedirect",
                        response_header_modifier: None,
                        request_redirect: Some(Redirect {
                            scheme: "https",
                            status_code: 301,
                        }),
                    }],
                    backend_refs: Vec::new(),
                    timeouts: None,
                }],
            },
        });
    }
    out
}

/// Serialisation of the differently typed objects into one stream.
mod erased {
    pub trait Yaml {
        fn yaml(&self) -> String;
        fn json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> Yaml for T {
        fn yaml(&self) -> String {
            serde_saphyr::to_string(self).unwrap_or_else(|e| format!("# not serialisable: {e}\n"))
        }
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}
