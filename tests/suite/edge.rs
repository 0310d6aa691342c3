//! The edge keys, proven on loopback: the example sites that use them
//! (accounts-api, storefront, admin, notifications) are rendered as they are, loaded
//! together with the host's catch-all into one real nginx, and asked with curl
//! what a client would ask. Behind them, one small node server per app port says
//! which port answered and what it was sent.
//!
//! Only what names this machine changes: ports, certificate, log and served
//! directories, the allow list and trusted proxy (loopback addresses instead of the
//! examples' networks). A missing tool (nginx, node, curl, openssl, the brotli
//! module) fails the test with its name.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use svcgen::description::{self as spec, LoadedSpec};
use svcgen::render::{self, ArtifactKind};

/// The backend: answers every request on every port it is given with a JSON
/// summary (the port, the client address nginx reports, the Host) padded to 2 KB
/// so compression applies; `/stream/` stays open (Server-Sent Events).
pub(crate) const BACKEND: &str = r#"
const http = require('http');
for (const port of process.env.PORTS.split(',').map(Number)) {
  http.createServer((req, res) => {
    if (req.url.startsWith('/stream/')) {
      res.writeHead(200, {'Content-Type': 'text/event-stream'});
      res.write(`data: ${port}\n\n`);
      return;
    }
    const body = JSON.stringify({
      port, method: req.method, url: req.url,
      real_ip: req.headers['x-real-ip'] || null,
      host: req.headers['host'] || null,
      pad: 'x'.repeat(2048),
    });
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(body);
  }).listen(port, '127.0.0.1');
}
"#;

pub(crate) struct Killed(pub(crate) Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One real nginx serving the rendered sites, stopped when dropped.
pub(crate) struct Nginx {
    pub(crate) nginx: PathBuf,
    pub(crate) dir: PathBuf,
}
impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new(&self.nginx)
            .arg("-p")
            .arg(&self.dir)
            .arg("-c")
            .arg(self.dir.join("nginx.conf"))
            .args(["-s", "stop"])
            .output();
    }
}

struct Site {
    spec: LoadedSpec,
    ports: Vec<u16>,
}

/// A fixture made to run here: its listen ports, certificate, logs and app
/// directory moved into `d`, its app on free ports.
fn prepare(file: &str, d: &Path, http: u16, https: u16, cert: &Path, key: &Path) -> Site {
    let text = read(&root().join(file));
    let mut spec = spec::load(file, &text).unwrap_or_else(|e| panic!("{file}: {e:?}"));
    let s = &mut spec.service;
    let per_slot = match s.host.supervisor.kind {
        spec::model::SupervisorKind::Pm2 => 1,
        spec::model::SupervisorKind::Systemd => s.host.supervisor.instances,
    };
    s.host.supervisor.port = free_port_block(2 * per_slot);
    s.site.listen.http = http;
    s.site.listen.https = https;
    s.site.tls.certificate = cert.display().to_string().try_into().unwrap();
    s.site.tls.key = key.display().to_string().try_into().unwrap();
    logs_into(s, d);
    // Static directories move with the app directory.
    let app = d.join(s.name.as_str());
    let old = s.app_dir.trim_end_matches('/').to_string();
    for r in &mut s.routes {
        if let Some(dir) = &mut r.dir {
            *dir = dir
                .replacen(&old, &app.display().to_string(), 1)
                .parse()
                .unwrap();
        }
    }
    s.app_dir = app.display().to_string().try_into().unwrap();
    let ports = s.slot_ports()[0]
        .iter()
        .map(|p| u16::try_from(*p).unwrap())
        .collect();
    Site { spec, ports }
}

/// curl against the sites: the exit code, the status and the response headers
/// and body, for a request to `host` on loopback.
pub(crate) struct Reply {
    pub(crate) code: i32,
    pub(crate) status: String,
    pub(crate) headers: String,
    pub(crate) body: String,
}

pub(crate) fn curl(args: &[&str]) -> Reply {
    let out = Command::new(require("curl"))
        .args(["-sk", "--max-time", "5", "-D", "-", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&out.stdout).to_string();
    let (rest, status) = t.rsplit_once('\n').unwrap_or(("", "000"));
    let (headers, body) = rest.split_once("\r\n\r\n").unwrap_or((rest, ""));
    Reply {
        code: out.status.code().unwrap_or(-1),
        status: status.to_string(),
        headers: headers.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn https(host: &str, port: u16, path: &str, extra: &[&str]) -> Reply {
    let resolve = format!("{host}:{port}:127.0.0.1");
    let url = format!("https://{host}:{port}{path}");
    let mut args = vec!["--resolve", &resolve, &url];
    args.extend_from_slice(extra);
    curl(&args)
}

fn json_field(body: &str, field: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    match &v[field] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn edge_keys_behave_on_loopback() {
    let nginx = require("nginx");
    let node = require("node");
    require("openssl");
    let (tmp, cert, key) = nginx_workdir();
    let d = tmp.path();
    let http = free_port();
    let https_port = free_port();

    let mut sites: Vec<Site> = [
        "fixtures/accounts-api.yaml",
        "fixtures/storefront.yaml",
        "fixtures/admin.yaml",
        "fixtures/notifications.yaml",
        "fixtures/magazine.yaml",
        "fixtures/magazine-search.yaml",
    ]
    .iter()
    .map(|f| prepare(f, d, http, https_port, &cert, &key))
    .collect();

    // accounts: the load balancer is 127.0.0.2 (the example's is 10.0.0.0/16).
    let accounts = &mut sites[0].spec.service;
    accounts.site.real_ip.as_mut().unwrap().from = vec!["127.0.0.2/32".parse().unwrap()];
    // admin: the office is 127.0.0.1 (the example's are documentation networks).
    let admin = &mut sites[2].spec.service;
    admin.routes[0].allow = vec!["127.0.0.1".parse().unwrap()];
    let htpasswd = d.join("htpasswd");
    admin.routes[0].basic_auth.as_mut().unwrap().user_file =
        htpasswd.display().to_string().try_into().unwrap();
    // magazine: an /admin/ behind the office allow list and the password, and the
    // search service mounted on it with /admin/users/ below that prefix. Without
    // the same protection, the set check refuses the pair (nginx's longest prefix
    // would answer /admin/users/ unprotected); with it, nginx enforces both.
    let mut admin_route = sites[4].spec.service.routes[0].clone();
    admin_route.path = "/admin/".parse().unwrap();
    admin_route.allow = vec!["127.0.0.1".parse().unwrap()];
    admin_route.basic_auth = Some(spec::model::BasicAuth {
        realm: "Magazine admin".parse().unwrap(),
        user_file: htpasswd.display().to_string().try_into().unwrap(),
    });
    sites[4].spec.service.routes.push(admin_route.clone());
    let mut users_route = admin_route.clone();
    users_route.path = "/admin/users/".parse().unwrap();
    users_route.allow.clear();
    users_route.basic_auth = None;
    sites[5].spec.service.routes.push(users_route);
    {
        let refs: Vec<&LoadedSpec> = sites.iter().map(|s| &s.spec).collect();
        let clashes = spec::set::clashes(&refs);
        assert!(
            clashes.iter().any(|c| c
                .message
                .contains("`/admin/users/` is below `/admin/` of `magazine`")
                && c.message.contains("`allow`, `basic_auth`")),
            "{clashes:?}"
        );
    }
    let guest_admin = sites[5].spec.service.routes.last_mut().unwrap();
    guest_admin.allow = admin_route.allow.clone();
    guest_admin.basic_auth = admin_route.basic_auth.clone();
    // storefront: error pages and the maintenance switch in the test directory.
    let errors = d.join("errors");
    let flag = errors.join("maintenance.on");
    let store = &mut sites[1].spec.service;
    let pages = store.site.error_pages.as_mut().unwrap();
    pages.dir = errors.display().to_string().try_into().unwrap();
    pages.maintenance_flag = Some(flag.display().to_string().try_into().unwrap());
    // notifications: its one IPv6 address is the loopback's.
    sites[3].spec.service.site.listen.address = Some("::1".parse().unwrap());

    // Files the sites serve and read.
    std::fs::create_dir_all(&errors).unwrap();
    for code in [502, 503, 504] {
        std::fs::write(
            errors.join(format!("{code}.html")),
            format!("svcgen-page-{code}\n"),
        )
        .unwrap();
    }
    let store_app = d.join("storefront/current");
    std::fs::create_dir_all(store_app.join("public")).unwrap();
    std::fs::create_dir_all(store_app.join(".next/static/chunks")).unwrap();
    std::fs::write(store_app.join("public/robots.txt"), "User-agent: *\n").unwrap();
    std::fs::write(store_app.join("public/.env"), "SECRET=1\n").unwrap();
    // A link the deploy user (uid 65534 here) planted in the release to a file
    // another user owns and nginx can read (another site's private file), and,
    // as the control, a link to a file of the deploy user's own.
    let private = d.join("other-site-private.txt");
    std::fs::write(&private, "PRIVATE-OF-ANOTHER-SITE\n").unwrap();
    chown_link_or_file(&private, 1, false);
    let planted = store_app.join("public/planted.txt");
    std::os::unix::fs::symlink(&private, &planted).unwrap();
    chown_link_or_file(&planted, 65534, true);
    let own = store_app.join("own.txt");
    std::fs::write(&own, "deploy user's own\n").unwrap();
    chown_link_or_file(&own, 65534, false);
    let own_link = store_app.join("public/own-link.txt");
    std::os::unix::fs::symlink(&own, &own_link).unwrap();
    chown_link_or_file(&own_link, 65534, true);
    let chunk = "console.log('hashed chunk');\n".repeat(100);
    std::fs::write(store_app.join(".next/static/chunks/app-3f9a.js"), &chunk).unwrap();
    // The prebuilt .gz, made by the real gzip; nginx must send these bytes.
    let gz = run(Command::new(require("gzip"))
        .args(["-k", "-9"])
        .arg(store_app.join(".next/static/chunks/app-3f9a.js")));
    assert!(gz.status.success(), "gzip: {}", text(&gz.stderr));
    let passwd = run(Command::new("openssl").args(["passwd", "-apr1", "s3cret-pass"]));
    assert!(passwd.status.success());
    std::fs::write(&htpasswd, format!("ops:{}", text(&passwd.stdout))).unwrap();

    // Render them together: each site, and the host's one catch-all.
    let env = render::environment(None).unwrap();
    let refs: Vec<&LoadedSpec> = sites.iter().map(|s| &s.spec).collect();
    assert_eq!(spec::set::clashes(&refs), Vec::new());
    for site in &sites {
        let s = &site.spec.service;
        let files = render::render(&site.spec, &env).unwrap();
        let conf = files
            .iter()
            .find(|a| a.kind == ArtifactKind::NginxSite)
            .unwrap();
        let upstream = d.join(format!("{}.upstream.conf", s.name));
        let servers: String = site
            .ports
            .iter()
            .map(|p| format!("server 127.0.0.1:{p} max_fails=0;\n"))
            .collect();
        std::fs::write(&upstream, servers).unwrap();
        let include = format!("include {}/{}.upstream;", s.host.install.nginx_dir, s.name);
        assert!(conf.content.contains(&include), "{}: no {include}", s.name);
        let mut content = conf
            .content
            .replace(&include, &format!("include {};", upstream.display()));
        // A mounted service's locations, where its owner's site includes them.
        for m in &s.site.mounts {
            let include = format!("include {}/{m}.locations;", s.host.install.nginx_dir);
            assert!(content.contains(&include), "{}: no {include}", s.name);
            content = content.replace(
                &include,
                &format!("include {};", d.join(format!("{m}.locations")).display()),
            );
        }
        for a in files
            .iter()
            .filter(|a| a.kind == ArtifactKind("nginx-locations"))
        {
            std::fs::write(d.join(&a.file_name), &a.content).unwrap();
        }
        std::fs::write(d.join("sites").join(&conf.file_name), content).unwrap();
    }
    let set = render::render_set(&refs, &env).unwrap();
    let catch_all = set[0]
        .iter()
        .find(|a| a.kind == ArtifactKind("nginx-catch-all"))
        .unwrap();
    std::fs::write(
        d.join("sites").join(&catch_all.file_name),
        &catch_all.content,
    )
    .unwrap();

    // The apps.
    let all_ports: Vec<String> = sites
        .iter()
        .flat_map(|s| s.ports.iter().map(u16::to_string))
        .collect();
    let mut backend = Killed(
        Command::new(&node)
            .arg("-e")
            .arg(BACKEND)
            .env("PORTS", all_ports.join(","))
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let conf = nginx_conf(d, &d.join("sites/*.conf"), true);
    let out = run(Command::new(&nginx).arg("-p").arg(d).arg("-c").arg(&conf));
    assert!(
        out.status.success(),
        "nginx did not start: {}",
        text(&out.stderr)
    );
    let _nginx = Nginx {
        nginx: nginx.clone(),
        dir: d.to_path_buf(),
    };
    // Ready when every app answers through nginx.
    let start = Instant::now();
    while https("shop.example.com", https_port, "/api/ready", &[]).status != "200" {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the sites never answered"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let shop = |path: &str, extra: &[&str]| https("shop.example.com", https_port, path, extra);

    // Only the host's names are answered: 444 on port 80, no handshake on 443.
    let r = curl(&[
        &format!("http://127.0.0.1:{http}/"),
        "-H",
        "Host: evil.example",
    ]);
    assert_eq!(
        (r.code, r.status.as_str()),
        (52, "000"),
        "port 80, unknown Host"
    );
    let r = https("evil.example", https_port, "/", &[]);
    assert_eq!(r.code, 35, "port 443, unknown name: TLS refused");
    println!(
        "unknown host: port 80 closed without a response (curl 52), port 443 handshake refused (curl 35)"
    );

    // Every service on the host is reachable by its name, each through its own upstream.
    let by_port = |r: &Reply| json_field(&r.body, "port");
    for (host, i) in [("accounts.example.com", 0), ("shop.example.com", 1)] {
        let r = https(host, https_port, "/api/x", &[]);
        assert_eq!(r.status, "200", "{host}");
        assert_eq!(
            by_port(&r),
            sites[i].ports[0].to_string(),
            "{host} answered by its app"
        );
    }

    // Two apps on one domain: the magazine at `/`, its search service (mounted on
    // the magazine's site) at `/search/`, each answered by its own app.
    let mag = |path: &str, extra: &[&str]| https("magazine.example.com", https_port, path, extra);
    let r = mag("/issue/12", &[]);
    assert_eq!(
        (r.status.as_str(), by_port(&r)),
        ("200", sites[4].ports[0].to_string())
    );
    let r = mag("/search/?q=nginx", &[]);
    assert_eq!(r.status, "200");
    assert!(
        sites[5].ports.iter().any(|p| p.to_string() == by_port(&r)),
        "/search/ answered by the search app: {}",
        r.body
    );
    assert_eq!(
        mag("/search/?q=x", &["-X", "POST"]).status,
        "403",
        "search takes GET only"
    );
    println!(
        "by path: magazine.example.com/ → magazine (port {}), /search/ → magazine-search (port {})",
        sites[4].ports[0],
        by_port(&r)
    );
    // The search service's /admin/users/ below the magazine's protected /admin/.
    for path in ["/admin/", "/admin/users/"] {
        let out = |extra: &[&str]| mag(path, extra).status;
        assert_eq!(
            out(&["--interface", "127.0.0.1"]),
            "401",
            "{path} without a password"
        );
        assert_eq!(
            out(&["--interface", "127.0.0.6", "-u", "ops:s3cret-pass"]),
            "403",
            "{path} outside the allow list"
        );
    }
    let r = mag(
        "/admin/users/",
        &["--interface", "127.0.0.1", "-u", "ops:s3cret-pass"],
    );
    assert_eq!(r.status, "200");
    assert!(
        sites[5].ports.iter().any(|p| p.to_string() == by_port(&r)),
        "/admin/users/ answered by the search app: {}",
        r.body
    );
    println!(
        "mounted below a protected prefix: /admin/ and /admin/users/ 401 without the password, 403 outside the allow list; /admin/users/ with both 200 from magazine-search"
    );

    // storefront: the canonical name; www redirected on 80 and 443.
    let r = https("www.shop.example.com", https_port, "/a?b=1", &[]);
    assert_eq!(r.status, "301");
    assert!(
        r.headers.contains(&format!(
            "location: https://shop.example.com:{https_port}/a?b=1"
        )),
        "{}",
        r.headers
    );
    let r = curl(&[
        &format!("http://127.0.0.1:{http}/a"),
        "-H",
        "Host: www.shop.example.com",
    ]);
    assert!(
        r.headers.contains(&format!(
            "location: https://shop.example.com:{https_port}/a"
        )),
        "{}",
        r.headers
    );
    println!("canonical: www → https://shop.example.com (301 on 80 and 443)");

    // Static files at the root, misses to the app, dotfiles never.
    let r = shop("/robots.txt", &[]);
    assert_eq!(
        (r.status.as_str(), r.body.as_str()),
        ("200", "User-agent: *\n")
    );
    let r = shop("/products/42", &[]);
    assert_eq!(r.status, "200");
    assert_eq!(
        json_field(&r.body, "url"),
        "/products/42",
        "a miss goes to the app"
    );
    let r = shop("/.env", &[]);
    assert_eq!(r.status, "404", "dotfile served: {}", r.body);
    assert!(!r.body.contains("SECRET"));
    println!("static: /robots.txt from disk, /products/42 to the app, /.env 404");
    // The route falls back to the app: nginx treats the refused link as no file.
    let r = shop("/planted.txt", &[]);
    assert!(
        !r.body.contains("PRIVATE-OF-ANOTHER-SITE"),
        "a planted link was served"
    );
    assert_eq!(
        (r.status.as_str(), json_field(&r.body, "url").as_str()),
        ("200", "/planted.txt"),
        "the planted link goes to the app as a miss: {}",
        r.body
    );
    let r = shop("/own-link.txt", &[]);
    assert_eq!(
        (r.status.as_str(), r.body.as_str()),
        ("200", "deploy user's own\n"),
        "a link to the deploy user's own file is served"
    );
    println!(
        "static: a planted link to another owner's file is no file (to the app), a link to the owner's own file 200"
    );

    // Hashed assets: immutable, and the prebuilt .gz sent as it is.
    let r = shop(
        "/_next/static/chunks/app-3f9a.js",
        &["-H", "Accept-Encoding: gzip", "-o", "/dev/null"],
    );
    assert_eq!(r.status, "200");
    assert!(
        r.headers
            .contains("cache-control: public, max-age=31536000, immutable"),
        "{}",
        r.headers
    );
    let gz_len = std::fs::metadata(store_app.join(".next/static/chunks/app-3f9a.js.gz"))
        .unwrap()
        .len();
    assert!(
        r.headers.contains("content-encoding: gzip"),
        "{}",
        r.headers
    );
    assert!(
        r.headers.contains(&format!("content-length: {gz_len}")),
        "gzip_static sends the .gz ({gz_len} bytes): {}",
        r.headers
    );
    println!(
        "immutable + gzip_static: the prebuilt .gz, {gz_len} of {} bytes",
        chunk.len()
    );

    // Compression of proxied responses: gzip, and brotli where asked.
    let r = shop(
        "/api/c",
        &["-H", "Accept-Encoding: gzip", "-o", "/dev/null"],
    );
    assert!(
        r.headers.contains("content-encoding: gzip"),
        "{}",
        r.headers
    );
    assert!(r.headers.contains("vary: accept-encoding"), "{}", r.headers);
    let r = shop(
        "/api/c",
        &["-H", "Accept-Encoding: br, gzip", "-o", "/dev/null"],
    );
    assert!(r.headers.contains("content-encoding: br"), "{}", r.headers);
    let r = shop("/api/c", &["-o", "/dev/null"]);
    assert!(!r.headers.contains("content-encoding"), "{}", r.headers);
    println!("compression: gzip and br negotiated on proxied JSON, identity when not asked");

    // Methods: /api/ takes GET and POST.
    assert_eq!(shop("/api/c", &["-X", "POST"]).status, "200");
    assert_eq!(shop("/api/c", &["-X", "DELETE"]).status, "403");

    // Maintenance: the flag file turns every route into 503 with the page.
    std::fs::write(&flag, "").unwrap();
    let r = shop("/api/c", &[]);
    assert_eq!(
        (r.status.as_str(), r.body.as_str()),
        ("503", "svcgen-page-503\n")
    );
    assert!(
        r.headers.contains("strict-transport-security"),
        "{}",
        r.headers
    );
    std::fs::remove_file(&flag).unwrap();
    assert_eq!(shop("/api/c", &[]).status, "200");
    println!("maintenance: flag present → 503 + 503.html; removed → 200");

    // accounts: the client address from the trusted balancer only.
    let accounts =
        |path: &str, extra: &[&str]| https("accounts.example.com", https_port, path, extra);
    let r = accounts(
        "/x",
        &[
            "--interface",
            "127.0.0.2",
            "-H",
            "X-Forwarded-For: 203.0.113.9",
        ],
    );
    assert_eq!(
        json_field(&r.body, "real_ip"),
        "203.0.113.9",
        "from the trusted proxy"
    );
    let r = accounts(
        "/x",
        &[
            "--interface",
            "127.0.0.1",
            "-H",
            "X-Forwarded-For: 203.0.113.9",
        ],
    );
    assert_eq!(
        json_field(&r.body, "real_ip"),
        "127.0.0.1",
        "a client's own header is ignored"
    );
    println!("real IP: 203.0.113.9 via 127.0.0.2 (trusted); 127.0.0.1 claiming it stays 127.0.0.1");

    // The login: POST only, 10r/m with a burst of 5 per client.
    let r = accounts("/auth/login", &["--interface", "127.0.0.3"]);
    assert_eq!(r.status, "403", "GET /auth/login");
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(accounts("/auth/login", &["--interface", "127.0.0.4", "-X", "POST"]).status);
    }
    let ok = statuses.iter().filter(|s| *s == "200").count();
    let limited = statuses.iter().filter(|s| *s == "429").count();
    assert_eq!((ok + limited, limited > 0), (20, true), "{statuses:?}");
    assert!(ok <= 6, "at most 1 + burst 5 got through: {statuses:?}");
    // Another client is not limited by the first one's burst.
    assert_eq!(
        accounts("/auth/login", &["--interface", "127.0.0.5", "-X", "POST"]).status,
        "200"
    );
    println!("limit_req: 20 POSTs in a burst → {ok} × 200, {limited} × 429; another client 200");

    // admin: the allow list and the password, both required.
    let admin = |extra: &[&str]| https("admin.example.com", https_port, "/", extra);
    assert_eq!(
        admin(&["--interface", "127.0.0.6", "-u", "ops:s3cret-pass"]).status,
        "403"
    );
    assert_eq!(admin(&["--interface", "127.0.0.1"]).status, "401");
    assert_eq!(
        admin(&["--interface", "127.0.0.1", "-u", "ops:wrong"]).status,
        "401"
    );
    assert_eq!(
        admin(&["--interface", "127.0.0.1", "-u", "ops:s3cret-pass"]).status,
        "200"
    );
    println!(
        "admin: outside the allow list 403 (with the password); no or wrong password 401; both 200"
    );

    // notifications: on the IPv6 loopback only, and least_conn: with two streams
    // open on two of the three instances, short requests all go to the third.
    let six = |path: &str| {
        let resolve = format!("notify.example.com:{https_port}:[::1]");
        let url = format!("https://notify.example.com:{https_port}{path}");
        curl(&["--resolve", &resolve, &url])
    };
    assert_eq!(six("/x").status, "200", "notify.example.com over IPv6");
    let mut streams = Vec::new();
    for _ in 0..2 {
        streams.push(Killed(
            Command::new("curl")
                .args(["-skN", "--max-time", "30", "--resolve"])
                .arg(format!("notify.example.com:{https_port}:[::1]"))
                .arg(format!("https://notify.example.com:{https_port}/stream/"))
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        ));
        std::thread::sleep(Duration::from_millis(300));
    }
    let third: Vec<String> = (0..10)
        .map(|_| json_field(&six("/x").body, "port"))
        .collect();
    assert!(
        third.iter().all(|p| p == &third[0]),
        "least_conn: {third:?}"
    );
    drop(streams);
    println!(
        "least_conn: 2 streams open → 10 of 10 requests to the idle instance {}",
        third[0]
    );

    // The app down: nginx's own 502 page.
    let _ = backend.0.kill();
    let _ = backend.0.wait();
    let r = shop("/api/c", &[]);
    assert_eq!(
        (r.status.as_str(), r.body.as_str()),
        ("502", "svcgen-page-502\n")
    );
    println!("app down: 502 + 502.html");
}

/// Gives a file, or a link itself, to `uid` (as the deploy user or another user
/// would own it on a server).
fn chown_link_or_file(path: &std::path::Path, uid: u32, link: bool) {
    let result = if link {
        std::os::unix::fs::lchown(path, Some(uid), Some(uid))
    } else {
        std::os::unix::fs::chown(path, Some(uid), Some(uid))
    };
    result.unwrap_or_else(|e| {
        panic!(
            "chown {} to {uid} (the test runs as root): {e}",
            path.display()
        )
    });
}
