//! `routes`: what nginx does with each URL prefix.

use super::*;

/// What nginx does with a URL prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    /// Proxied to the app, buffered.
    Proxy,
    /// Proxied unbuffered with a long read timeout: Server-Sent Events, long responses.
    Streaming,
    /// Proxied with the WebSocket upgrade headers.
    Websocket,
    /// Files served by nginx from `dir`, with a cache lifetime and no access log.
    Static,
}

/// One nginx location.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The URL prefix (an nginx prefix location). Static routes end with `/`.
    pub path: RoutePath,
    /// `proxy`, `streaming`, `websocket` or `static`.
    pub kind: RouteKind,
    /// Proxy routes: time to connect to the app (default 5s).
    #[serde(default)]
    pub connect_timeout: Option<Duration>,
    /// Proxy routes: longest silence while reading the response (default 60s; 1h for
    /// streaming and websocket routes).
    #[serde(default)]
    pub read_timeout: Option<Duration>,
    /// Proxy routes: longest silence while sending the request (default 60s).
    #[serde(default)]
    pub send_timeout: Option<Duration>,
    /// Static routes: the directory served (inside `app_dir` unless `hardening` allows otherwise).
    #[serde(default)]
    pub dir: Option<AbsPath>,
    /// Static routes: how long browsers may cache the files (default 7d; 365d with `immutable`).
    #[serde(default)]
    pub cache: Option<Duration>,
    /// Static routes: the file names carry a content hash and never change
    /// (`Cache-Control: public, max-age=…, immutable`): browsers never revalidate.
    #[serde(default)]
    pub immutable: bool,
    /// Static routes: serve the prebuilt `FILE.gz` (and `FILE.br` with brotli) beside
    /// FILE to clients that accept it (`gzip_static`).
    #[serde(default)]
    pub precompressed: bool,
    /// Static routes: what a missing file gets. `app` passes the request to the app
    /// (Next.js `public/` at `/`); a path such as `/index.html` serves that file of
    /// the route instead (single-page apps). Without it, a 404.
    #[serde(default)]
    pub fallback: Option<Fallback>,
    /// Only these client addresses or networks may use the route; anyone else gets 403.
    #[serde(default)]
    pub allow: Vec<CidrOrAddress>,
    /// HTTP basic authentication (over HTTPS only: the site redirects port 80).
    #[serde(default)]
    pub basic_auth: Option<BasicAuth>,
    /// Requests per client address; a client over the rate and burst gets 429.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// The HTTP methods the route accepts (`GET` also allows `HEAD`); others get 403.
    /// Empty: any method.
    #[serde(default)]
    pub methods: Vec<Method>,
}

/// HTTP basic authentication.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    /// The name browsers show in the login prompt.
    #[serde(default = "default_realm")]
    #[schemars(length(max = 200))]
    pub realm: HeaderValue,
    /// The htpasswd file (`htpasswd -B` or `openssl passwd -6`), outside every
    /// served directory and the app's.
    pub user_file: AbsPath,
}

pub(super) fn default_realm() -> HeaderValue {
    HeaderValue::known("Restricted")
}

/// A request rate limit per client address (`limit_req`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests per second (`10r/s`) or per minute (`30r/m`).
    pub rate: Rate,
    /// Requests over the rate answered at once before 429s start.
    #[serde(default)]
    pub burst: u32,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
        }
    }
}

pub(super) fn default_routes() -> Vec<Route> {
    vec![Route {
        path: RoutePath::known("/"),
        kind: RouteKind::Proxy,
        connect_timeout: None,
        read_timeout: None,
        send_timeout: None,
        dir: None,
        cache: None,
        immutable: false,
        precompressed: false,
        fallback: None,
        allow: Vec::new(),
        basic_auth: None,
        rate_limit: None,
        methods: Vec::new(),
    }]
}
