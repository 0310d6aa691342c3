//! `svcgen import`: every example description's rendered files import into a
//! description that renders the same files byte for byte, every directive
//! kept; hand-written files of the shapes public projects use import with
//! every directive in one category (fixtures/import/).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use svcgen::render::files::Target;

use crate::common::*;

/// The files a description renders for a host (not its Ansible project, not
/// Kubernetes), by name.
fn host_files(description: &Path) -> BTreeMap<String, String> {
    let r = svcgen::pipeline::render(&[description.to_path_buf()], None, None)
        .unwrap_or_else(|e| panic!("{} renders: {e:?}", description.display()));
    r.services
        .into_iter()
        .flat_map(|(_, files)| files)
        .filter(|a| a.target == Target::Host && a.kind.0 != "ansible")
        .map(|a| (a.file_name, a.content))
        .collect()
}

/// The files of a rendered tree that `import` reads: the site (and a mounted
/// service's locations), the units, the ecosystem file, the deploy script and
/// the env example.
fn importable(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            (n.ends_with(".conf") && !n.ends_with(".acme.conf") && n != "svcgen-catch-all.conf")
                || n.ends_with(".locations")
                || n.ends_with(".service")
                || n == "ecosystem.config.js"
                || n == "deploy.sh"
                || n.ends_with(".env.example")
        })
        .collect();
    files.sort();
    files
}

/// Where two texts first differ: `line N: -old / +new`.
fn first_difference(a: &str, b: &str) -> Option<String> {
    let (al, bl): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    for i in 0..al.len().max(bl.len()) {
        if al.get(i) != bl.get(i) {
            return Some(format!(
                "line {}:\n  - {}\n  + {}",
                i + 1,
                al.get(i).unwrap_or(&"(end of file)"),
                bl.get(i).unwrap_or(&"(end of file)")
            ));
        }
    }
    (a != b).then(|| "the same lines, different line ends".to_string())
}

#[test]
fn every_example_round_trips_byte_identical() {
    let mut summary = Vec::new();
    for fixture in valid_fixtures() {
        let tmp = tempfile::tempdir().unwrap();
        let rendered = tmp.path().join("rendered");
        render_out(&fixture, &rendered);
        let inputs = importable(&rendered);
        let imported = tmp.path().join(Path::new(&fixture).file_name().unwrap());
        let mut args: Vec<String> = vec!["import".into()];
        args.extend(inputs.iter().map(|p| p.display().to_string()));
        args.extend(["-o".into(), imported.display().to_string()]);
        let out = svcgen(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "{fixture}: {}", said(&out));
        let report = text(&out.stdout);
        let counts = report.lines().next().unwrap_or("").to_string();
        assert!(
            counts.contains(" 0 changed, 0 not expressible, 0 dropped on purpose"),
            "{fixture}: not every directive was kept:\n{report}"
        );

        let (before, after) = (host_files(&root().join(&fixture)), host_files(&imported));
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{fixture}: the imported description renders other files\n{}",
            read(&imported)
        );
        for (name, text) in &before {
            if let Some(d) = first_difference(text, &after[name]) {
                panic!(
                    "{fixture}: {name} differs after import, {d}\nthe imported description:\n{}",
                    read(&imported)
                );
            }
        }
        summary.push(format!(
            "{} ({} files, {})",
            Path::new(&fixture).file_stem().unwrap().to_string_lossy(),
            before.len(),
            counts
                .split(": ")
                .nth(1)
                .unwrap_or("")
                .split(',')
                .next()
                .unwrap_or("")
        ));
    }
    eprintln!("[import] round trip byte-identical: {}", summary.join("; "));
}

/// A fixture directory, what the report must say of some of its directives,
/// the disagreements (or refused values) it must name, and the lint codes it
/// must report fixed.
type Case = (
    &'static str,
    &'static [Expect],
    &'static [&'static str],
    &'static [&'static str],
);

/// One directive the report must put where it belongs: file, line, column,
/// category and a piece of the reason.
struct Expect {
    file: &'static str,
    line: usize,
    column: usize,
    category: &'static str,
    why: &'static str,
}

/// The directives of an input file, by position, found without the importer:
/// what the report must list, each exactly once.
fn directives(path: &Path) -> Vec<(usize, usize)> {
    let text = read(path);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    if name.ends_with(".conf") {
        let mut sources = svcgen::syntax::SourceSet::default();
        let id = sources.add(name.clone(), text.clone());
        let config = svcgen::syntax::nginx::load(
            &mut sources,
            id,
            svcgen::syntax::nginx::IncludeSource::None,
        )
        .unwrap();
        let mut out = Vec::new();
        config.each_directive(|d| {
            if d.name() != "http" || d.span().start != 0 {
                let (l, c) = sources.get(d.span().file).line_col(d.span().start);
                out.push((l, c));
            }
        });
        // The synthetic `http` wrapper of a conf.d file starts at 0 and is not a directive.
        out.retain(|p| *p != (1, 1) || text.starts_with("http"));
        return out;
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let code = !t.is_empty() && !t.starts_with('#') && !t.starts_with("//");
        let col = line.len() - line.trim_start().len() + 1;
        if name.ends_with(".service") {
            if code && !t.starts_with('[') {
                out.push((i + 1, col));
            }
        } else if name.ends_with(".sh") {
            if code && !t.starts_with("#!") {
                out.push((i + 1, col));
            }
        } else if name.starts_with(".env") {
            if code {
                out.push((i + 1, col));
            }
        } else if name.ends_with(".js") {
            // A key of an app, of module.exports or of a deploy target: a
            // line `key: value` or `'key': value` at an object's depth, not
            // inside `env: { … }`, and not the containers themselves.
            let key = t
                .split(':')
                .next()
                .unwrap_or("")
                .trim_matches(|c| c == '\'' || c == '"');
            let nested = t.ends_with('{') || t.ends_with('[');
            if code
                && t.contains(':')
                && !key.contains(' ')
                && !key.is_empty()
                && !matches!(key, "apps" | "deploy" | "production")
                && (!nested || key == "env")
            {
                out.push((i + 1, col));
            }
        }
    }
    if name.ends_with(".js") {
        // The variables inside `env: { … }` belong to the `env` key's entry.
        let mut inside_env = std::collections::HashSet::new();
        let mut inside = false;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if inside && t.starts_with('}') {
                inside = false;
            } else if inside {
                inside_env.insert(i + 1);
            } else if t.starts_with("env") && t.ends_with('{') {
                inside = true;
            }
        }
        out.retain(|(l, _)| !inside_env.contains(l));
    }
    out
}

/// Runs `svcgen import` on a fixture directory: the JSON report and the
/// imported description's path.
fn import_fixture(dir: &str, out: &Path) -> (serde_json::Value, PathBuf, Vec<PathBuf>) {
    let base = root().join("fixtures/import").join(dir);
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    let description = out.join(format!("{dir}.svcgen.yaml"));
    let mut args: Vec<String> = vec!["import".into(), "--format".into(), "json".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["-o".into(), description.display().to_string()]);
    let run = svcgen(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run.status.success(), "{dir}: {}", said(&run));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("{dir}: the report is not JSON ({e}): {}", text(&run.stdout)));
    (report, description, inputs)
}

/// The description's files, rendered for the nginx installed here: one older
/// than the site's target gets the site rendered for it (only the http2
/// syntax differs).
pub(crate) fn render_for_installed_nginx(
    spec: &mut svcgen::description::LoadedSpec,
) -> Vec<svcgen::render::Artifact> {
    let installed = crate::real_tools::installed_nginx_version();
    if svcgen::description::parse_version(&spec.service.site.nginx_version) > installed {
        spec.service.site.nginx_version =
            format!("{}.{}.{}", installed.0, installed.1, installed.2)
                .parse()
                .unwrap();
    }
    let env = svcgen::render::environment(None).unwrap();
    svcgen::render::render(spec, &env).unwrap()
}

/// The rendered site, units and ecosystem file pass nginx -t (with a test
/// certificate in place of the site's), systemd-analyze verify and node.
fn rendered_passes_the_tools(dir: &str, description: &Path) {
    let (nginx, analyze, node) = (
        require("nginx"),
        require("systemd-analyze"),
        require("node"),
    );
    let mut spec = load(description.to_str().unwrap());
    let files = render_for_installed_nginx(&mut spec);
    let (work, cert, key) = nginx_workdir();
    let d = work.path();
    let s = &spec.service;
    let nginx_dir = s.host.install.nginx_dir.trim_end_matches('/');
    for f in &files {
        let path = d.join(&f.file_name);
        match f.kind.0 {
            "nginx-site" => {
                let upstream = files
                    .iter()
                    .find(|a| a.file_name == format!("{}.upstream-blue", s.name))
                    .unwrap();
                std::fs::write(d.join("upstream-blue"), &upstream.content).unwrap();
                let site = f
                    .content
                    .replace(s.site.tls.certificate.as_str(), cert.to_str().unwrap())
                    .replace(s.site.tls.key.as_str(), key.to_str().unwrap())
                    .replace("/var/log/nginx/", &format!("{}/logs/", d.display()))
                    .replace(
                        &format!("{nginx_dir}/{}.upstream;", s.name),
                        &format!("{}/upstream-blue;", d.display()),
                    );
                std::fs::write(d.join("sites").join(&f.file_name), site).unwrap();
            }
            "systemd-unit" => {
                let name = f
                    .file_name
                    .replace("@.service", &format!("@{}.service", s.host.supervisor.port));
                let unit = d.join(name);
                std::fs::write(&unit, &f.content).unwrap();
                let out = run(Command::new(&analyze).arg("verify").arg(&unit));
                let noise = format!("{}{}", text(&out.stdout), text(&out.stderr));
                assert!(
                    out.status.success() && noise.trim().is_empty(),
                    "{dir}: systemd-analyze verify {}:\n{noise}",
                    f.file_name
                );
            }
            "pm2-ecosystem" => {
                std::fs::write(&path, &f.content).unwrap();
                let out = run(Command::new(&node).arg("-e").arg(format!(
                    "const c = require({:?}); if (!c.apps.length) process.exit(1)",
                    path.display().to_string()
                )));
                assert!(out.status.success(), "{dir}: node: {}", said(&out));
            }
            _ => {}
        }
    }
    let out = nginx_test(&nginx, d, &d.join("sites/*.conf"));
    assert!(
        out.status.success(),
        "{dir}: nginx -t rejected the rendered site:\n{}",
        text(&out.stderr)
    );
}

#[test]
fn hand_written_files_import_with_every_directive_categorised() {
    let cases: [Case; 4] = [
        (
            "certbot-systemd",
            &[
                Expect {
                    file: "notes.conf",
                    line: 18,
                    column: 5,
                    category: "changed",
                    why: "certbot's TLS settings",
                },
                Expect {
                    file: "notes.conf",
                    line: 19,
                    column: 5,
                    category: "dropped",
                    why: "no DH parameters",
                },
                Expect {
                    file: "notes.conf",
                    line: 23,
                    column: 5,
                    category: "changed",
                    why: "sends every name of the site to HTTPS",
                },
                Expect {
                    file: "notes.conf",
                    line: 24,
                    column: 9,
                    category: "changed",
                    why: "the same redirect",
                },
                Expect {
                    file: "notes.conf",
                    line: 34,
                    column: 5,
                    category: "dropped",
                    why: "catch-all",
                },
                Expect {
                    file: "notes.conf",
                    line: 12,
                    column: 9,
                    category: "dropped",
                    why: "no cache to bypass",
                },
                Expect {
                    file: "notes.service",
                    line: 11,
                    column: 1,
                    category: "changed",
                    why: "svcgen requires the file",
                },
                Expect {
                    file: "notes.service",
                    line: 13,
                    column: 1,
                    category: "changed",
                    why: "Restart=on-failure",
                },
                Expect {
                    file: "notes.service",
                    line: 15,
                    column: 1,
                    category: "dropped",
                    why: "journal",
                },
                Expect {
                    file: "notes.service",
                    line: 8,
                    column: 1,
                    category: "kept",
                    why: "",
                },
            ],
            &[],
            &["NG003", "NG007", "SD012"],
        ),
        (
            "pm2-cluster",
            &[
                Expect {
                    file: "shop.conf",
                    line: 29,
                    column: 5,
                    category: "changed",
                    why: "with `always`",
                },
                Expect {
                    file: "shop.conf",
                    line: 26,
                    column: 5,
                    category: "changed",
                    why: "ssl_prefer_server_ciphers off",
                },
                Expect {
                    file: "shop.conf",
                    line: 41,
                    column: 9,
                    category: "changed",
                    why: "`expires`",
                },
                Expect {
                    file: "shop.conf",
                    line: 40,
                    column: 9,
                    category: "kept",
                    why: "",
                },
                Expect {
                    file: "shop.conf",
                    line: 36,
                    column: 5,
                    category: "changed",
                    why: "not `warn`",
                },
                Expect {
                    file: "ecosystem.config.js",
                    line: 13,
                    column: 7,
                    category: "dropped",
                    why: "journal",
                },
                Expect {
                    file: "ecosystem.config.js",
                    line: 31,
                    column: 7,
                    category: "changed",
                    why: "blue/green",
                },
                Expect {
                    file: "pm2-deploy.service",
                    line: 16,
                    column: 1,
                    category: "changed",
                    why: "pm2-runtime",
                },
                Expect {
                    file: "pm2-deploy.service",
                    line: 13,
                    column: 1,
                    category: "dropped",
                    why: "StateDirectory",
                },
                Expect {
                    file: "deploy.sh",
                    line: 9,
                    column: 1,
                    category: "dropped",
                    why: "blue/green",
                },
                Expect {
                    file: "deploy.sh",
                    line: 8,
                    column: 1,
                    category: "changed",
                    why: "new release directory",
                },
            ],
            &["nginx proxies to port(s) 4001 where the app does not listen (it listens on 4000)"],
            &[
                "NG005", "NG006", "NG011", "NG020", "SH004", "SH005", "SH006", "SH008",
            ],
        ),
        (
            "spa-api",
            &[
                Expect {
                    file: "board.conf",
                    line: 2,
                    column: 1,
                    category: "not-expressible",
                    why: "a `map`",
                },
                Expect {
                    file: "board.conf",
                    line: 40,
                    column: 5,
                    category: "not-expressible",
                    why: "URL prefixes",
                },
                Expect {
                    file: "board.conf",
                    line: 41,
                    column: 9,
                    category: "not-expressible",
                    why: "inside a location",
                },
                Expect {
                    file: "board.conf",
                    line: 61,
                    column: 5,
                    category: "not-expressible",
                    why: "neither proxies nor serves files",
                },
                Expect {
                    file: "board.conf",
                    line: 62,
                    column: 9,
                    category: "not-expressible",
                    why: "inside a location",
                },
                Expect {
                    file: "board.conf",
                    line: 50,
                    column: 9,
                    category: "not-expressible",
                    why: "Accept-Language",
                },
                Expect {
                    file: "board.conf",
                    line: 31,
                    column: 5,
                    category: "dropped",
                    why: "`index`",
                },
                Expect {
                    file: "board.conf",
                    line: 26,
                    column: 5,
                    category: "kept",
                    why: "",
                },
                Expect {
                    file: "board.conf",
                    line: 30,
                    column: 5,
                    category: "changed",
                    why: "`alias`",
                },
                Expect {
                    file: "board-api.service",
                    line: 3,
                    column: 1,
                    category: "not-expressible",
                    why: "postgresql.service",
                },
                Expect {
                    file: ".env.example",
                    line: 2,
                    column: 1,
                    category: "changed",
                    why: "holds names only",
                },
            ],
            &[],
            &[],
        ),
        (
            "nextjs-npm",
            &[
                Expect {
                    file: "storefront.service",
                    line: 11,
                    column: 1,
                    category: "not-expressible",
                    why: "set `entry` to what `npm start` runs",
                },
                Expect {
                    file: "storefront.conf",
                    line: 3,
                    column: 1,
                    category: "not-expressible",
                    why: "`proxy_cache_path`",
                },
                Expect {
                    file: "storefront.conf",
                    line: 52,
                    column: 9,
                    category: "not-expressible",
                    why: "does not cache proxied responses",
                },
                Expect {
                    file: "storefront.conf",
                    line: 41,
                    column: 5,
                    category: "changed",
                    why: "each proxied route that inherited it",
                },
                Expect {
                    file: "storefront.conf",
                    line: 46,
                    column: 9,
                    category: "changed",
                    why: "a second Cache-Control",
                },
                Expect {
                    file: "storefront.conf",
                    line: 6,
                    column: 5,
                    category: "changed",
                    why: "the file its upstream includes",
                },
                Expect {
                    file: "storefront.conf",
                    line: 31,
                    column: 5,
                    category: "dropped",
                    why: "no DH parameters",
                },
                Expect {
                    file: "storefront.conf",
                    line: 48,
                    column: 9,
                    category: "kept",
                    why: "",
                },
            ],
            &[
                "`routes[2].read_timeout`: a streaming or websocket route with a read timeout under 5m drops idle streams",
            ],
            &["NG001", "NG003", "NG007", "SD012"],
        ),
    ];
    for (dir, expects, disagreements, fixed) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let (report, description, inputs) = import_fixture(dir, tmp.path());
        let entries = report["entries"].as_array().unwrap();
        let at = |file: &str, line: usize, column: usize| -> Vec<&serde_json::Value> {
            entries
                .iter()
                .filter(|e| {
                    e["file"].as_str().unwrap().ends_with(&format!("/{file}"))
                        && e["line"] == line
                        && e["column"] == column
                })
                .collect()
        };
        // Every directive of every input, in exactly one category.
        let mut total = 0;
        let mut all: Vec<(String, usize, usize)> = Vec::new();
        for input in &inputs {
            let file = input.file_name().unwrap().to_string_lossy().to_string();
            for (line, column) in directives(input) {
                let found = at(&file, line, column);
                assert_eq!(
                    found.len(),
                    1,
                    "{dir}: {file}:{line}:{column} is in the report {} times:\n{}",
                    found.len(),
                    serde_json::to_string_pretty(&report).unwrap()
                );
                total += 1;
                all.push((file.clone(), line, column));
            }
        }
        let strays: Vec<String> = entries
            .iter()
            .filter(|e| {
                !all.iter().any(|(f, l, c)| {
                    e["file"].as_str().unwrap().ends_with(&format!("/{f}"))
                        && e["line"] == *l
                        && e["column"] == *c
                })
            })
            .map(|e| {
                format!(
                    "{}:{}:{} {}",
                    e["file"], e["line"], e["column"], e["directive"]
                )
            })
            .collect();
        assert!(
            strays.is_empty() && entries.len() == total,
            "{dir}: the report lists entries that are not directives: {strays:#?}"
        );
        for e in expects {
            let found = at(e.file, e.line, e.column);
            assert_eq!(found.len(), 1, "{dir}: {}:{}:{}", e.file, e.line, e.column);
            let got = found[0];
            assert_eq!(
                got["category"], e.category,
                "{dir}: {}:{}:{}: {got}",
                e.file, e.line, e.column
            );
            assert!(
                got["why"].as_str().unwrap_or("").contains(e.why),
                "{dir}: {}:{}:{}: {got}",
                e.file,
                e.line,
                e.column
            );
        }
        let disagreed: Vec<&str> = ["disagreements", "refused"]
            .iter()
            .flat_map(|k| report[*k].as_array().unwrap().iter())
            .filter_map(|d| d.as_str())
            .collect();
        for d in disagreements {
            assert!(
                disagreed.iter().any(|s| s.contains(d)),
                "{dir}: {d:?} not in {disagreed:?}"
            );
        }
        // Each finding of svcgen lint on the originals is named, and these are fixed.
        let lint = report["lint"].as_array().unwrap();
        for code in fixed {
            assert!(
                lint.iter()
                    .any(|f| f["code"] == *code && f["fixed"] == true),
                "{dir}: {code} not reported fixed: {lint:?}"
            );
        }
        assert!(
            lint.iter()
                .all(|f| f["severity"] != "error" || f["fixed"] == true),
            "{dir}: an error of the originals is still in the rendered files: {lint:?}"
        );
        // `svcgen render` lints what it renders: it renders.
        let out = svcgen(&[
            "render",
            description.to_str().unwrap(),
            "--out",
            tmp.path().join("rendered").to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{dir}: svcgen render: {}", said(&out));
        rendered_passes_the_tools(dir, &description);
        let counts = |c: &str| entries.iter().filter(|e| e["category"] == c).count();
        eprintln!(
            "[import] {dir}: {total} directives: {} kept, {} changed, {} not expressible, {} dropped; {} lint findings of the originals, {} fixed",
            counts("kept"),
            counts("changed"),
            counts("not-expressible"),
            counts("dropped"),
            lint.len(),
            lint.iter().filter(|f| f["fixed"] == true).count()
        );
    }
}

/// `nginx -T` output of a Debian host (nginx.conf, Debian's default site, the
/// service's site, certbot's TLS options): the named site is imported, with
/// what it includes; the rest is said to be the host's.
#[test]
fn nginx_t_output_imports_the_named_site_with_its_includes() {
    let dump = root().join("fixtures/import-dump/notes-host.nginx");
    let unit = root().join("fixtures/import/certbot-systemd/notes.service");
    let site = root().join("fixtures/import/certbot-systemd/notes.conf");
    let tmp = tempfile::tempdir().unwrap();

    // Two files hold servers: which one is the service's is asked, not guessed.
    let out = svcgen(&["import", dump.to_str().unwrap(), unit.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        said(&out).contains("the configuration holds the servers of 2 files (/etc/nginx/sites-enabled/default, /etc/nginx/sites-enabled/notes): name the service's site with --site FILE"),
        "{}",
        said(&out)
    );

    let from_dump = tmp.path().join("dump.svcgen.yaml");
    let out = svcgen(&[
        "import",
        "--format",
        "json",
        dump.to_str().unwrap(),
        unit.to_str().unwrap(),
        "--site",
        "sites-enabled/notes",
        "-o",
        from_dump.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", said(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from_site = tmp.path().join("site.svcgen.yaml");
    let out = svcgen(&[
        "import",
        site.to_str().unwrap(),
        unit.to_str().unwrap(),
        "-o",
        from_site.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", said(&out));
    // The same description (the header names the files read).
    let body = |p: &Path| read(p).lines().skip(2).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&from_dump), body(&from_site));

    // certbot's options, read through the include, are in the report.
    let entries = report["entries"].as_array().unwrap();
    let options: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["file"] == "/etc/letsencrypt/options-ssl-nginx.conf")
        .collect();
    assert_eq!(options.len(), 6, "{options:#?}");
    let not_imported: Vec<&str> = report["not_imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(
        not_imported,
        [
            "/etc/nginx/mime.types (5 directive(s)): the host's, not the site's",
            "/etc/nginx/nginx.conf (15 directive(s)): the host's, not the site's",
            "/etc/nginx/sites-enabled/default (8 directive(s)): the host's, not the site's",
        ]
    );
    assert!(
        entries
            .iter()
            .all(|e| e["file"] != "/etc/nginx/sites-enabled/default")
    );
}

/// When the rendered files cannot be linted, import says so and writes
/// nothing: never a report that calls every finding fixed.
#[test]
fn an_import_whose_lint_cannot_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out_file = tmp.path().join("notes.svcgen.yaml");
    let base = root().join("fixtures/import/certbot-systemd");
    let out = Command::new(env!("CARGO_BIN_EXE_svcgen"))
        .env("TMPDIR", tmp.path().join("no-such-directory"))
        .args(["import", "-o"])
        .arg(&out_file)
        .arg(base.join("notes.conf"))
        .arg(base.join("notes.service"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        said(&out).contains("cannot make a directory to lint the rendered files in"),
        "{}",
        said(&out)
    );
    assert!(!out_file.exists());
}

/// Values a description's kinds refuse (a `;` in a name, a space in a path, a
/// newline in a variable, a `$` in a user) never reach the description: each
/// directive they came from is reported as not expressible with the loader's
/// reason, a required key gets a placeholder, and what is left renders.
#[test]
fn refused_values_are_reported_never_carried() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("odd.conf"),
        "server {\n    listen 443 ssl;\n    server_name \"evil.example.com;rm\";\n    ssl_certificate \"/etc/ssl/my cert.pem\";\n    ssl_certificate_key /etc/ssl/k.pem;\n    location / { proxy_pass http://127.0.0.1:3000; }\n    location \"/we ird/\" { alias /var/www/x/; }\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("odd.service"),
        "[Service]\nUser=ro$ot\nWorkingDirectory=/srv/odd\nExecStart=/usr/bin/node /srv/odd/server.js\nEnvironment=\"A=1\\nB\"\n",
    )
    .unwrap();
    let description = d.join("odd.svcgen.yaml");
    let out = svcgen(&[
        "import",
        "--format",
        "json",
        d.join("odd.conf").to_str().unwrap(),
        d.join("odd.service").to_str().unwrap(),
        "-o",
        description.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", said(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = report["entries"].as_array().unwrap();
    for (file, line, key) in [
        ("odd.service", 2, "`user`"),
        ("odd.service", 5, "`environment.A`"),
        ("odd.conf", 3, "`site.domains[0]`"),
        ("odd.conf", 4, "`site.tls.certificate`"),
    ] {
        let e = entries
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with(file) && e["line"] == line)
            .unwrap_or_else(|| panic!("{file}:{line} not in the report"));
        assert_eq!(e["category"], "not-expressible", "{e}");
        let why = e["why"].as_str().unwrap();
        assert!(
            why.contains(&format!(
                "its value cannot be carried into {key}: invalid value"
            )),
            "{file}:{line}: {why}"
        );
    }
    let text = read(&description);
    for refused in ["ro$ot", "evil.example.com;rm", "my cert", "we ird", "1\\nB"] {
        assert!(
            !text
                .lines()
                .any(|l| !l.starts_with('#') && l.contains(refused)),
            "{refused:?} reached the description:\n{text}"
        );
    }
    let out = svcgen(&[
        "render",
        description.to_str().unwrap(),
        "--out",
        d.join("rendered").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", said(&out));
}
