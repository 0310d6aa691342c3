//! `svcgen import`, proven on loopback: for four hand-written sites of public
//! shapes (fixtures/import/), one real nginx serves the original site and
//! another the site rendered from the imported description (with the host's
//! catch-all beside it, as svcgen installs it). Both are asked the same
//! requests (paths, methods, Host names, plain HTTP and HTTPS, static files);
//! each answer is its status and who answered (which app port, which file).
//! Every difference must be one the import's report names, and nothing else
//! may differ.
//!
//! Only what names this machine changes, the same way in both sites: ports
//! (listen and app), the certificate, log and served directories. certbot's
//! `ssl_dhparam` file is not made here (it changes no answer), its TLS
//! options file is written as certbot ships it, and `http2 on;` is left out
//! for an nginx older than 1.25.1 (HTTP/2 changes no status). nginx runs one
//! worker, so its round-robin over an upstream is the same every run.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;

use crate::common::*;
use crate::edge::{BACKEND, Killed, Nginx, curl};

/// certbot's options-ssl-nginx.conf, as its nginx plugin installs it.
const CERTBOT_OPTIONS: &str = "ssl_session_cache shared:le_nginx_SSL:10m;\nssl_session_timeout 1440m;\nssl_session_tickets off;\nssl_protocols TLSv1.2 TLSv1.3;\nssl_prefer_server_ciphers off;\nssl_ciphers \"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384\";\n";

/// A difference the report must explain: the request (`https www.x.org GET /`,
/// `*` for any host, method or path; a fifth word: only where the original's
/// answer came from that app port), and a piece of the report that says why
/// (an entry's `file:line category`, a `disagreement:` or what svcgen `added:`).
struct Differs {
    request: &'static str,
    explained_by: &'static str,
}

struct Case {
    dir: &'static str,
    site: &'static str,
    hosts: &'static [&'static str],
    paths: &'static [&'static str],
    /// Files the site serves, relative to the test directory's copy of `/`.
    files: &'static [&'static str],
    differs: &'static [Differs],
}

const CASES: &[Case] = &[
    Case {
        dir: "certbot-systemd",
        site: "notes.conf",
        hosts: &[
            "notes.example.org",
            "www.notes.example.org",
            "unknown.invalid",
        ],
        paths: &["/", "/app?x=1", "/.well-known/acme-challenge/tok"],
        files: &["var/www/_letsencrypt/.well-known/acme-challenge/tok"],
        differs: &[
            // A name the site does not serve: the first server answered it
            // before; svcgen's catch-all closes the connection.
            Differs {
                request: "http unknown.invalid * *",
                explained_by: "notes.conf:34 dropped",
            },
            Differs {
                request: "https unknown.invalid * *",
                explained_by: "added: a catch-all server",
            },
            // The challenge is answered on port 80 instead of redirected.
            Differs {
                request: "http notes.example.org GET /.well-known/acme-challenge/tok",
                explained_by: "added: an ACME challenge location",
            },
            Differs {
                request: "http www.notes.example.org GET /.well-known/acme-challenge/tok",
                explained_by: "added: an ACME challenge location",
            },
        ],
    },
    Case {
        dir: "pm2-cluster",
        site: "shop.conf",
        hosts: &["shop.example.com", "unknown.invalid"],
        paths: &[
            "/",
            "/api/items",
            "/static/app.css",
            "/static/missing.css",
            "/socket.io/?EIO=4",
            "/.well-known/acme-challenge/tok",
        ],
        files: &[
            "var/www/shop/current/public/app.css",
            "var/www/certbot/.well-known/acme-challenge/tok",
        ],
        differs: &[
            // nginx balanced over 4000 and 4001, where the app does not
            // listen: the rendered site proxies to the app's port only.
            Differs {
                request: "https shop.example.com * * app:4001",
                explained_by: "disagreement: port(s) 4001",
            },
            Differs {
                request: "http unknown.invalid * *",
                explained_by: "added: a catch-all server",
            },
            Differs {
                request: "https unknown.invalid * *",
                explained_by: "added: a catch-all server",
            },
        ],
    },
    Case {
        dir: "spa-api",
        site: "board.conf",
        hosts: &["board.example.net", "unknown.invalid"],
        paths: &[
            "/",
            "/app.js",
            "/deep/link",
            "/api/users",
            "/admin/",
            "/old-login",
            "/missing.css",
        ],
        files: &[
            "srv/board/current/dist/index.html",
            "srv/board/current/dist/app.js",
        ],
        differs: &[
            Differs {
                request: "https board.example.net GET /old-login",
                explained_by: "board.conf:61 not-expressible",
            },
            Differs {
                request: "https board.example.net POST /old-login",
                explained_by: "board.conf:61 not-expressible",
            },
            // The regex location for assets answered a missing one with 404;
            // without it, the / route's fallback answers with the page.
            Differs {
                request: "https board.example.net GET /missing.css",
                explained_by: "board.conf:40 not-expressible",
            },
            Differs {
                request: "http unknown.invalid * *",
                explained_by: "added: a catch-all server",
            },
            Differs {
                request: "https unknown.invalid * *",
                explained_by: "added: a catch-all server",
            },
        ],
    },
    Case {
        dir: "nextjs-npm",
        site: "storefront.conf",
        hosts: &["shop.example.io", "www.shop.example.io", "unknown.invalid"],
        paths: &[
            "/",
            "/_next/static/chunk.js",
            "/_next/image?url=a.png",
            "/.well-known/acme-challenge/tok",
        ],
        files: &[
            "opt/shop/.next/static/chunk.js",
            "opt/shop/current/.next/static/chunk.js",
            "var/www/certbot/.well-known/acme-challenge/tok",
        ],
        differs: &[
            // The hashed assets come from the serving release (current/).
            Differs {
                request: "https * GET /_next/static/chunk.js",
                explained_by: "storefront.conf:45 changed",
            },
            Differs {
                request: "http unknown.invalid * *",
                explained_by: "added: a catch-all server",
            },
            Differs {
                request: "https unknown.invalid * *",
                explained_by: "added: a catch-all server",
            },
        ],
    },
];

/// The answer to one request: its status (`000`: no answer) and who answered
/// it (`app:PORT`, `file:PATH`, or `-`).
fn answer(
    scheme: &str,
    port: u16,
    host: &str,
    method: &str,
    path: &str,
    ports: &BTreeMap<u16, u16>,
) -> String {
    let resolve = format!("{host}:{port}:127.0.0.1");
    let url = format!("{scheme}://{host}:{port}{path}");
    let r = curl(&["--resolve", &resolve, "-X", method, &url]);
    let who = if let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.body) {
        let real = v["port"].as_u64().unwrap_or(0) as u16;
        format!("app:{}", ports.get(&real).copied().unwrap_or(real))
    } else if let Some(f) = r.body.strip_prefix("file ") {
        format!("file:{}", f.trim())
    } else {
        "-".to_string()
    };
    format!("{} {who}", r.status)
}

/// Moves what names this machine into `d`: listen ports, app ports (by the
/// map), certificate, logs and served directories.
fn localise(
    text: &str,
    d: &Path,
    http: u16,
    https: u16,
    apps: &BTreeMap<u16, u16>,
    cert: &Path,
    key: &Path,
) -> String {
    let listen = Regex::new(r"(?m)^(\s*)listen\s+([^;]*);").unwrap();
    let text = listen.replace_all(text, |c: &regex::Captures| {
        let mut words = c[2].split_whitespace();
        let addr = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        if addr.starts_with("[::]") {
            return String::new();
        }
        let port = if addr.ends_with("443") { https } else { http };
        format!(
            "{}listen 127.0.0.1:{port}{}{};",
            &c[1],
            if rest.is_empty() { "" } else { " " },
            rest.join(" ")
        )
    });
    let app = Regex::new(r"(127\.0\.0\.1|localhost):(\d+)").unwrap();
    let by_real: BTreeMap<u16, u16> = apps.iter().map(|(f, p)| (*p, *f)).collect();
    let text = app.replace_all(&text, |c: &regex::Captures| {
        let p: u16 = c[2].parse().unwrap();
        match by_real.get(&p) {
            Some(f) => format!("127.0.0.1:{f}"),
            None => c[0].to_string(),
        }
    });
    let text = Regex::new(r"ssl_certificate\s+[^;]+;")
        .unwrap()
        .replace_all(&text, format!("ssl_certificate {};", cert.display()));
    let text = Regex::new(r"ssl_certificate_key\s+[^;]+;")
        .unwrap()
        .replace_all(&text, format!("ssl_certificate_key {};", key.display()));
    let text = Regex::new(r"ssl_dhparam\s+[^;]+;")
        .unwrap()
        .replace_all(&text, "");
    // `http2 on;` (nginx >= 1.25.1) changes no answer; older nginx refuses it.
    text.replace("http2 on;", "")
        .replace(
            "/etc/letsencrypt/options-ssl-nginx.conf",
            &d.join("options-ssl-nginx.conf").display().to_string(),
        )
        .replace("/var/log/nginx/", &format!("{}/logs/", d.display()))
        .replace("/var/www/", &format!("{}/var/www/", d.display()))
        .replace("/var/cache/nginx/", &format!("{}/cache/", d.display()))
        .replace("/opt/", &format!("{}/opt/", d.display()))
        .replace("/srv/", &format!("{}/srv/", d.display()))
}

/// Whether a difference (`scheme host method path: original A, rendered B`)
/// is the one a pattern names.
fn matches(pattern: &str, difference: &str) -> bool {
    let (request, answers) = difference.split_once(": ").unwrap();
    let words: Vec<&str> = request.splitn(4, ' ').collect();
    let want: Vec<&str> = pattern.split(' ').collect();
    let same = want
        .iter()
        .take(4)
        .zip(&words)
        .all(|(w, got)| *w == "*" || w == got);
    let from = match want.get(4) {
        Some(app) => answers
            .split(", rendered")
            .next()
            .is_some_and(|a| a.ends_with(&format!(" {app}"))),
        None => true,
    };
    same && from
}

fn start(nginx: &Path, dir: &Path, sites: &[(String, String)]) -> Nginx {
    std::fs::create_dir_all(dir.join("sites")).unwrap();
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    for (name, text) in sites {
        std::fs::write(dir.join("sites").join(name), text).unwrap();
    }
    let conf = nginx_conf(dir, &dir.join("sites/*.conf"), true);
    let out = run(Command::new(nginx).arg("-p").arg(dir).arg("-c").arg(&conf));
    assert!(
        out.status.success(),
        "nginx did not start in {}: {}",
        dir.display(),
        text(&out.stderr)
    );
    Nginx {
        nginx: nginx.to_path_buf(),
        dir: dir.to_path_buf(),
    }
}

#[test]
fn imported_sites_answer_as_the_originals_except_where_the_report_says() {
    let (nginx, node) = (require("nginx"), require("node"));
    require("curl");
    let app = Regex::new(r"(?:127\.0\.0\.1|localhost):(\d+)").unwrap();
    for case in CASES {
        let (tmp, cert, key) = nginx_workdir();
        let d = tmp.path();
        std::fs::write(d.join("options-ssl-nginx.conf"), CERTBOT_OPTIONS).unwrap();
        std::fs::create_dir_all(d.join("cache")).unwrap();
        for f in case.files {
            let path = d.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("file {f}\n")).unwrap();
        }
        // The import, its report, and the rendered site for this nginx.
        let base = root().join("fixtures/import").join(case.dir);
        let mut inputs: Vec<String> = std::fs::read_dir(&base)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        inputs.sort();
        let description = d.join("imported.svcgen.yaml");
        let mut args = vec![
            "import",
            "--format",
            "json",
            "-o",
            description.to_str().unwrap(),
        ];
        args.extend(inputs.iter().map(String::as_str));
        let out = svcgen(&args);
        assert!(out.status.success(), "{}: {}", case.dir, said(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut spec = load(description.to_str().unwrap());
        let files = crate::import::render_for_installed_nginx(&mut spec);
        let s = &spec.service;
        let find = |name: &str| {
            files
                .iter()
                .find(|a| a.file_name == name)
                .unwrap_or_else(|| panic!("{}: no {name}", case.dir))
                .content
                .clone()
        };
        let original = read(&base.join(case.site));
        let rendered = find(&format!("{}.conf", s.name));
        let upstream = find(&format!("{}.upstream-blue", s.name));
        let catch_all = find("svcgen-catch-all.conf");

        // The app ports both sites name, each moved to a free port.
        let mut apps: BTreeMap<u16, u16> = BTreeMap::new();
        for t in [&original, &upstream] {
            for c in app.captures_iter(t) {
                let p: u16 = c[1].parse().unwrap();
                if !apps.values().any(|v| *v == p) {
                    apps.insert(free_port(), p);
                }
            }
        }
        let _backend = Killed(
            Command::new(&node)
                .arg("-e")
                .arg(BACKEND)
                .env(
                    "PORTS",
                    apps.keys()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                )
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let (o_http, o_https, n_http, n_https) =
            (free_port(), free_port(), free_port(), free_port());
        let include = format!(
            "include {}/{}.upstream;",
            s.host.install.nginx_dir.trim_end_matches('/'),
            s.name
        );
        std::fs::write(
            d.join("upstream"),
            localise(&upstream, d, n_http, n_https, &apps, &cert, &key),
        )
        .unwrap();
        let rendered = rendered.replace(
            &include,
            &format!("include {};", d.join("upstream").display()),
        );
        let _old = start(
            &nginx,
            &d.join("original"),
            &[(
                case.site.to_string(),
                localise(&original, d, o_http, o_https, &apps, &cert, &key),
            )],
        );
        let _new = start(
            &nginx,
            &d.join("rendered"),
            &[
                (
                    format!("{}.conf", s.name),
                    localise(&rendered, d, n_http, n_https, &apps, &cert, &key),
                ),
                (
                    "svcgen-catch-all.conf".to_string(),
                    localise(&catch_all, d, n_http, n_https, &apps, &cert, &key),
                ),
            ],
        );
        // Ready when every app port accepts a connection.
        let begun = Instant::now();
        for port in apps.keys() {
            while std::net::TcpStream::connect(("127.0.0.1", *port)).is_err() {
                assert!(
                    begun.elapsed() < Duration::from_secs(15),
                    "the app stub never listened on {port}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }

        let mut differ: Vec<String> = Vec::new();
        let mut total = 0;
        for host in case.hosts {
            for (scheme, old, new) in [("http", o_http, n_http), ("https", o_https, n_https)] {
                for path in case.paths {
                    for method in ["GET", "POST"] {
                        if method == "POST"
                            && !matches!(*path, "/" | "/api/items" | "/api/users" | "/old-login")
                        {
                            continue;
                        }
                        total += 1;
                        let a = answer(scheme, old, host, method, path, &apps);
                        let b = answer(scheme, new, host, method, path, &apps);
                        if a != b {
                            differ.push(format!(
                                "{scheme} {host} {method} {path}: original {a}, rendered {b}"
                            ));
                        }
                    }
                }
            }
        }
        // Each difference is one the case expects, and the report explains it.
        let entries = report["entries"].as_array().unwrap();
        let explained = |by: &str| -> bool {
            if let Some(said) = by.strip_prefix("disagreement: ") {
                return report["disagreements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a.as_str().unwrap().contains(said));
            }
            if let Some(added) = by.strip_prefix("added: ") {
                return report["added"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a.as_str().unwrap().contains(added));
            }
            let (place, category) = by.split_once(' ').unwrap();
            let (file, line) = place.split_once(':').unwrap();
            entries.iter().any(|e| {
                e["file"].as_str().unwrap().ends_with(&format!("/{file}"))
                    && line.parse::<u64>().ok() == e["line"].as_u64()
                    && e["category"] == category
            })
        };
        for d in &differ {
            eprintln!("    {d}");
        }
        for e in case.differs {
            assert!(
                explained(e.explained_by),
                "{}: the report does not say {:?}",
                case.dir,
                e.explained_by
            );
        }
        let unexplained: Vec<&String> = differ
            .iter()
            .filter(|d| !case.differs.iter().any(|e| matches(e.request, d)))
            .collect();
        let missing: Vec<&str> = case
            .differs
            .iter()
            .filter(|e| !differ.iter().any(|d| matches(e.request, d)))
            .map(|e| e.request)
            .collect();
        assert!(
            unexplained.is_empty() && missing.is_empty(),
            "{}: answers differ where the report says nothing: {unexplained:#?}\nexpected to differ but did not: {missing:#?}",
            case.dir
        );
        eprintln!(
            "[import behaviour] {}: {total} requests to both sites, {} answered alike, {} differ as the report says",
            case.dir,
            total - differ.len(),
            differ.len()
        );
    }
}
