//! `site`: the public nginx site (domains, TLS, headers, compression, client addresses).

use super::*;

/// The public nginx site.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The names nginx answers to (`server_name`); the first is the canonical one.
    #[schemars(length(min = 1))]
    pub domains: Vec<HostName>,
    /// The nginx version the site targets: `http2 on;` from 1.25.1, `listen … http2` below.
    #[serde(default = "default_nginx_version")]
    pub nginx_version: Version,
    /// Listening ports and address.
    #[serde(default)]
    pub listen: Listen,
    /// TLS termination.
    pub tls: Tls,
    /// Security headers, sent with `always` from every location.
    #[serde(default)]
    pub headers: SecurityHeaders,
    /// Largest request body nginx accepts (`client_max_body_size`).
    #[serde(default = "default_body_size")]
    pub client_max_body_size: Size,
    /// Redirect plain HTTP to HTTPS (an ACME challenge location stays on HTTP).
    #[serde(default = "yes")]
    pub redirect_http: bool,
    /// The directory served at `/.well-known/acme-challenge/` on port 80.
    #[serde(default = "default_acme_root")]
    pub acme_root: AbsPath,
    /// Other services served under this site's domains by path: their routes are
    /// locations of this site's HTTPS server, included from `NAME.locations` (which
    /// each renders), each proxied to its own app. Each names this one in
    /// `site.mounted_on`.
    #[serde(default)]
    pub mounts: Vec<ServiceName>,
    /// The service whose site serves this one's routes (listing it in its
    /// `site.mounts`): this service renders no server of its own, only its upstream
    /// and `NAME.locations`. `domains` and `tls` must be that site's.
    #[serde(default)]
    pub mounted_on: Option<ServiceName>,
    /// Send requests for the other domains to the first one (`www` ↔ apex) with a
    /// 301, on HTTPS as on HTTP, so each page has one address.
    #[serde(default)]
    pub canonical_redirect: bool,
    /// Response compression.
    #[serde(default)]
    pub compression: Compression,
    /// The client's address as told by a load balancer or CDN in front of nginx
    /// (`set_real_ip_from` + `real_ip_header`). Without it nginx sees the proxy's address.
    #[serde(default)]
    pub real_ip: Option<RealIp>,
    /// How requests are spread over the app's instances.
    #[serde(default)]
    pub balance: Balance,
    /// Pages nginx serves when the app cannot answer, and a maintenance switch.
    #[serde(default)]
    pub error_pages: Option<ErrorPages>,
}

/// Response compression by nginx.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compression {
    /// gzip text responses (`gzip on`, `gzip_vary`, proxied responses too).
    #[serde(default = "yes")]
    pub gzip: bool,
    /// Brotli as well, preferred by browsers that accept it. Needs nginx's brotli
    /// module (Debian: `libnginx-mod-http-brotli-filter`; `-static` for precompressed files).
    #[serde(default)]
    pub brotli: bool,
    /// The MIME types compressed besides `text/html` (always compressed).
    #[serde(default = "default_compress_types")]
    pub types: Vec<MimeType>,
}

impl Default for Compression {
    fn default() -> Self {
        Self {
            gzip: true,
            brotli: false,
            types: default_compress_types(),
        }
    }
}

pub(super) fn default_compress_types() -> Vec<MimeType> {
    [
        MimeType::known("text/css"),
        MimeType::known("text/plain"),
        MimeType::known("text/xml"),
        MimeType::known("text/javascript"),
        MimeType::known("application/javascript"),
        MimeType::known("application/json"),
        MimeType::known("application/manifest+json"),
        MimeType::known("application/xml"),
        MimeType::known("image/svg+xml"),
    ]
    .to_vec()
}

/// The header a trusted proxy puts the client's address in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
pub enum RealIpHeader {
    /// `X-Forwarded-For`: the last address not in `from` is the client
    /// (`real_ip_recursive on`).
    #[default]
    #[serde(rename = "X-Forwarded-For")]
    XForwardedFor,
    /// `X-Real-IP`: one address, set by the proxy.
    #[serde(rename = "X-Real-IP")]
    XRealIp,
    /// `CF-Connecting-IP`: Cloudflare's.
    #[serde(rename = "CF-Connecting-IP")]
    CfConnectingIp,
}

impl RealIpHeader {
    pub fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "X-Forwarded-For",
            Self::XRealIp => "X-Real-IP",
            Self::CfConnectingIp => "CF-Connecting-IP",
        }
    }
}

/// Trusted proxies in front of nginx.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealIp {
    /// The proxies' addresses or networks (CIDR). Only a request from one of them
    /// may say who the client is; anyone else's header is ignored.
    #[schemars(length(min = 1))]
    pub from: Vec<CidrOrAddress>,
    /// The header they put the client's address in.
    #[serde(default)]
    pub header: RealIpHeader,
}

/// How nginx picks an app instance for each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    /// In turn.
    #[default]
    RoundRobin,
    /// The instance with the fewest open connections: long-lived streams and
    /// WebSockets spread evenly.
    LeastConn,
}

/// Custom error pages.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorPages {
    /// A directory holding `502.html`, `503.html` and `504.html`, served when the app
    /// is down, in maintenance or too slow (outside the release, so every release and
    /// a failed deploy show the same pages).
    pub dir: AbsPath,
    /// While this file exists, every route answers 503 with `503.html` (the ACME
    /// challenge still works): `touch` it to start maintenance, remove it to end.
    #[serde(default)]
    pub maintenance_flag: Option<AbsPath>,
}

/// Where nginx listens.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Listen {
    /// The plain-HTTP port.
    #[serde(default = "default_http_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub http: u16,
    /// The HTTPS port.
    #[serde(default = "default_https_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub https: u16,
    /// Bind to one address instead of all: IPv4 (`127.0.0.1`) or IPv6 (`2001:db8::10`).
    #[serde(default)]
    pub address: Option<IpAddress>,
    /// Also listen on IPv6 (`[::]`). Ignored when `address` is set.
    #[serde(default = "yes")]
    pub ipv6: bool,
}

impl Default for Listen {
    fn default() -> Self {
        Self {
            http: default_http_port(),
            https: default_https_port(),
            address: None,
            ipv6: true,
        }
    }
}

/// The Mozilla server-side TLS 6.0 configuration to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum TlsProfile {
    /// TLS 1.2 and 1.3, six ECDHE AEAD ciphers: general-purpose servers.
    #[default]
    Intermediate,
    /// TLS 1.3 only: modern clients.
    Modern,
}

/// TLS termination in nginx.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// `intermediate` (default) or `modern`.
    #[serde(default)]
    pub profile: TlsProfile,
    /// The certificate chain (PEM).
    pub certificate: AbsPath,
    /// The private key (PEM).
    pub key: AbsPath,
    /// Strict-Transport-Security.
    #[serde(default)]
    pub hsts: Hsts,
    /// OCSP stapling. Off by default: Let's Encrypt ended OCSP in 2025.
    #[serde(default)]
    pub ocsp_stapling: bool,
    /// The CA chain used to verify stapled OCSP responses (needed with `ocsp_stapling`).
    #[serde(default)]
    pub trusted_certificate: Option<AbsPath>,
    /// DNS resolvers nginx uses to reach the OCSP responder (needed with `ocsp_stapling`).
    #[serde(default)]
    pub resolver: Vec<Resolver>,
    /// Add the post-quantum hybrid group `X25519MLKEM768` (needs nginx built with OpenSSL ≥ 3.5).
    #[serde(default)]
    pub post_quantum: bool,
}

/// Strict-Transport-Security.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hsts {
    /// Send the header at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `max-age`; Mozilla recommends two years.
    #[serde(default = "default_hsts_age")]
    pub max_age: Duration,
    /// `includeSubDomains`.
    #[serde(default = "yes")]
    pub include_subdomains: bool,
    /// `preload` (only once you have submitted the domain to the preload list).
    #[serde(default)]
    pub preload: bool,
}

impl Default for Hsts {
    fn default() -> Self {
        Self {
            enabled: true,
            max_age: default_hsts_age(),
            include_subdomains: true,
            preload: false,
        }
    }
}

/// `X-Frame-Options` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum FrameOptions {
    #[serde(rename = "DENY")]
    Deny,
    #[serde(rename = "SAMEORIGIN")]
    SameOrigin,
}

/// `Referrer-Policy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReferrerPolicy {
    NoReferrer,
    NoReferrerWhenDowngrade,
    Origin,
    OriginWhenCrossOrigin,
    SameOrigin,
    StrictOrigin,
    StrictOriginWhenCrossOrigin,
    UnsafeUrl,
}

impl ReferrerPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferrerPolicy::NoReferrer => "no-referrer",
            ReferrerPolicy::NoReferrerWhenDowngrade => "no-referrer-when-downgrade",
            ReferrerPolicy::Origin => "origin",
            ReferrerPolicy::OriginWhenCrossOrigin => "origin-when-cross-origin",
            ReferrerPolicy::SameOrigin => "same-origin",
            ReferrerPolicy::StrictOrigin => "strict-origin",
            ReferrerPolicy::StrictOriginWhenCrossOrigin => "strict-origin-when-cross-origin",
            ReferrerPolicy::UnsafeUrl => "unsafe-url",
        }
    }
}

/// Security headers. Each is sent with `always` from the server and repeated in every
/// location, so nginx's replace-not-merge inheritance never drops one.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityHeaders {
    /// `Content-Security-Policy`; `null` leaves it out (the app sets its own).
    #[serde(default = "default_csp")]
    pub content_security_policy: Option<HeaderValue>,
    /// `X-Frame-Options`: `DENY` or `SAMEORIGIN`.
    #[serde(default = "default_frame_options")]
    pub frame_options: FrameOptions,
    /// `X-Content-Type-Options: nosniff`.
    #[serde(default = "yes")]
    pub nosniff: bool,
    /// `Referrer-Policy`.
    #[serde(default = "default_referrer_policy")]
    pub referrer_policy: ReferrerPolicy,
    /// `Permissions-Policy`; `null` leaves it out.
    #[serde(default = "default_permissions_policy")]
    pub permissions_policy: Option<HeaderValue>,
    /// More headers, sent the same way.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, HeaderValue>",
        extend("propertyNames" = HeaderName::KIND.schema())
    )]
    pub extra: BTreeMap<HeaderName, HeaderValue>,
}

impl Default for SecurityHeaders {
    fn default() -> Self {
        Self {
            content_security_policy: default_csp(),
            frame_options: default_frame_options(),
            nosniff: true,
            referrer_policy: default_referrer_policy(),
            permissions_policy: default_permissions_policy(),
            extra: BTreeMap::new(),
        }
    }
}

pub(super) fn default_nginx_version() -> Version {
    Version::known("1.22.1")
}

pub(super) fn default_body_size() -> Size {
    Size::from_bytes(1 << 20)
}

pub(super) fn default_acme_root() -> AbsPath {
    AbsPath::known("/var/www/_letsencrypt")
}

pub(super) fn default_http_port() -> u16 {
    80
}

pub(super) fn default_https_port() -> u16 {
    443
}

pub(super) fn default_hsts_age() -> Duration {
    Duration::from_secs(63_072_000)
}

pub(super) fn default_csp() -> Option<HeaderValue> {
    Some(HeaderValue::known(
        "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ))
}

pub(super) fn default_frame_options() -> FrameOptions {
    FrameOptions::Deny
}

pub(super) fn default_referrer_policy() -> ReferrerPolicy {
    ReferrerPolicy::StrictOriginWhenCrossOrigin
}

pub(super) fn default_permissions_policy() -> Option<HeaderValue> {
    Some(HeaderValue::known(
        "camera=(), microphone=(), geolocation=()",
    ))
}
