//! `kubernetes`: how Kubernetes runs the app (image, manifests, ingress, egress).

use super::*;

/// The `kubernetes` target: the same service as an image and manifests (Namespace,
/// Deployment, Service, HTTPRoute, PodDisruptionBudget, NetworkPolicy, and a
/// HorizontalPodAutoscaler when it scales itself).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kubernetes {
    /// The namespace, labelled for the Pod Security Standard `restricted`.
    /// Default: the service's name.
    #[serde(default)]
    pub namespace: Option<DnsLabel>,
    /// The app's image as the cluster pulls it, with a pinned tag or a digest
    /// (`registry.example.com/shop:1.4.2`; never `latest`).
    pub image: Image,
    /// The image the rendered Dockerfile builds from, pinned; it must hold node
    /// and tini (`/usr/bin/tini`).
    pub base_image: Image,
    /// Pods when it does not scale itself.
    #[serde(default = "default_replicas")]
    #[schemars(range(min = 1, max = 1000))]
    pub replicas: u16,
    /// Scale on CPU between `min` and `max` pods (then the Deployment has no
    /// `replicas`).
    #[serde(default)]
    pub autoscale: Option<Autoscale>,
    /// The numeric user and group the container runs as (10000 or more: no user
    /// of the node's, none a base image names).
    #[serde(default = "default_uid")]
    #[schemars(range(min = 10000, max = 2147483647))]
    pub uid: u32,
    /// The port the app listens on inside the container.
    #[serde(default = "default_container_port")]
    #[schemars(range(min = 1024, max = 65535))]
    pub port: u16,
    /// Memory requested and limited per pod. Default: `host.supervisor.memory_limit`, else 512M.
    #[serde(default)]
    pub memory: Option<Size>,
    /// CPU requested per pod, in millicores (no CPU limit: throttling stalls
    /// Node's event loop).
    #[serde(default = "default_cpu_millis")]
    #[schemars(range(min = 10, max = 64000))]
    pub cpu_millis: u32,
    /// The Gateway the HTTPRoutes attach to (the default way in: Gateway API).
    /// Give this or `ingress_nginx`.
    #[serde(default)]
    pub gateway: Option<GatewayRef>,
    /// Legacy, opt-in: an ingress-nginx Ingress instead of HTTPRoutes, and the
    /// controller ConfigMap settings it depends on. ingress-nginx is retired (best
    /// effort ended March 2026): prefer `gateway`.
    #[serde(default)]
    pub ingress_nginx: Option<IngressNginx>,
    /// What the app connects to besides DNS (databases, APIs): address ranges and ports.
    #[serde(default)]
    pub egress: Vec<Egress>,
}

/// Scaling bounds for the HorizontalPodAutoscaler.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    #[schemars(range(min = 1, max = 1000))]
    pub min: u16,
    #[schemars(range(min = 1, max = 1000))]
    pub max: u16,
    /// Target average CPU use, percent of the request.
    #[serde(default = "default_cpu_percent")]
    #[schemars(range(min = 10, max = 100))]
    pub cpu_percent: u8,
}

/// A Gateway API Gateway and its listeners.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayRef {
    pub name: DnsLabel,
    /// Its namespace (the NetworkPolicy admits traffic from there only).
    pub namespace: DnsLabel,
    /// The HTTPS listener the site's route attaches to.
    #[serde(default = "default_https_listener")]
    pub https_listener: DnsLabel,
    /// The HTTP listener the redirect to HTTPS attaches to.
    #[serde(default = "default_http_listener")]
    pub http_listener: DnsLabel,
}

/// The ingress-nginx controller the legacy Ingress is served by.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressNginx {
    /// The IngressClass (`spec.ingressClassName`).
    #[serde(default = "default_ingress_class")]
    pub class: DnsLabel,
    /// The controller's namespace: its ConfigMap goes there, and the
    /// NetworkPolicy admits traffic from there only.
    #[serde(default = "default_ingress_namespace")]
    pub namespace: DnsLabel,
    /// The controller's ConfigMap (`--configmap` of the controller).
    #[serde(default = "default_ingress_configmap")]
    pub configmap: DnsLabel,
    /// The Secret holding the certificate for the domains (type kubernetes.io/tls).
    /// Default: `NAME-tls`.
    #[serde(default)]
    pub tls_secret: Option<DnsLabel>,
}

pub(super) fn default_ingress_class() -> DnsLabel {
    DnsLabel::known("nginx")
}

pub(super) fn default_ingress_namespace() -> DnsLabel {
    DnsLabel::known("ingress-nginx")
}

pub(super) fn default_ingress_configmap() -> DnsLabel {
    DnsLabel::known("ingress-nginx-controller")
}

impl Kubernetes {
    /// The namespace the way in runs in (the Gateway's or the ingress controller's).
    pub fn ingress_namespace(&self) -> &str {
        match (&self.gateway, &self.ingress_nginx) {
            (Some(g), _) => &g.namespace,
            (None, Some(i)) => &i.namespace,
            (None, None) => "",
        }
    }
}

/// One destination the app may connect to.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Egress {
    /// An IPv4 or IPv6 range (`10.0.3.0/24`).
    pub cidr: Cidr,
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
}

pub(super) fn default_replicas() -> u16 {
    2
}

pub(super) fn default_uid() -> u32 {
    10001
}

pub(super) fn default_container_port() -> u16 {
    3000
}

pub(super) fn default_cpu_millis() -> u32 {
    100
}

pub(super) fn default_cpu_percent() -> u8 {
    70
}

pub(super) fn default_https_listener() -> DnsLabel {
    DnsLabel::known("https")
}

pub(super) fn default_http_listener() -> DnsLabel {
    DnsLabel::known("http")
}
