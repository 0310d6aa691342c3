//! Hostile values in every field a description sets, the description's file name
//! included: a property test over random strings built from the characters that
//! end strings, comments, lines and statements in the languages svcgen writes
//! (JavaScript, bash, systemd units, nginx, sudoers).
//!
//! Each case is rendered twice: once with a plain marker in the field, once with the
//! hostile value. A value is either refused (an error, never a panic), or it comes
//! back exactly and nothing else changes:
//! - every line that does not hold the marker is byte for byte the same, and there
//!   are as many lines;
//! - parsed back, the nginx site and the systemd units have the same directives
//!   and entries, with the value where the marker was (unescaped as nginx and
//!   systemd unescape it);
//! - `node` loads every ecosystem file and gets the marker's object with the value;
//! - `bash` reads every deploy script's settings and gets the value;
//! - `nginx -t`, `bash -n` and `visudo -c` accept a sample of the rendered files;
//! - a canary file that any executed payload would create does not exist.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{artifact, nginx_test, require, run, self_signed, text};
use serde_json::{Value, json};
use svcgen::description as spec;
use svcgen::render::{self, Artifact, ArtifactKind};
use svcgen::syntax::{FileId, nginx, systemd};

const CASES: usize = 10_000;
const MARK: &str = "svcgenmark";

/// Pieces of hostile strings: terminators and openers of every target language,
/// controls, Unicode line separators and direction overrides, and payloads that
/// would leave a trace (`CANARY` is replaced by the canary's path).
const ATOMS: &[&str] = &[
    "\n",
    "\r",
    "\t",
    "\0",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{1b}[31m",
    "'",
    "\"",
    "`",
    "$",
    "${HOME}",
    "$(touch CANARY)",
    "`touch CANARY`",
    "%",
    "%n",
    "%%",
    "%i",
    ";",
    "{",
    "}",
    "#",
    "//",
    "<!--",
    "-->",
    "/*",
    "*/",
    "</script>",
    "\\",
    "\\n",
    "\\u2028",
    " ",
    "|",
    "&",
    "<",
    ">",
    "=",
    ",",
    ":",
    "@",
    "+",
    "~",
    "-",
    ".",
    "..",
    "/",
    "a",
    "Z",
    "0",
    "é",
    "😀",
    "require('fs').writeFileSync('CANARY','x')",
    "\";require('fs').writeFileSync('CANARY','x');\"",
    "';touch CANARY;'",
    "\n[Service]\nExecStartPre=/bin/touch CANARY\n",
    "; return 200 x; #",
    "\nALL ALL=(ALL) NOPASSWD: ALL\n",
];

/// A field of the description: where it is, and what its values start with (a
/// path field keeps its leading `/`, so a value can be valid at all).
struct Field {
    name: &'static str,
    pointer: &'static str,
    prefix: &'static str,
}

const FIELDS: &[Field] = &[
    Field {
        name: "description",
        pointer: "/description",
        prefix: "",
    },
    Field {
        name: "environment value",
        pointer: "/environment/GREETING",
        prefix: "",
    },
    Field {
        name: "environment key",
        pointer: "",
        prefix: "",
    },
    Field {
        name: "content_security_policy",
        pointer: "/site/headers/content_security_policy",
        prefix: "",
    },
    Field {
        name: "permissions_policy",
        pointer: "/site/headers/permissions_policy",
        prefix: "",
    },
    Field {
        name: "extra header value",
        pointer: "/site/headers/extra/X-Extra",
        prefix: "",
    },
    Field {
        name: "deploy.install",
        pointer: "/deploy/install",
        prefix: "",
    },
    Field {
        name: "deploy.build",
        pointer: "/deploy/build",
        prefix: "",
    },
    Field {
        name: "deploy.migrate",
        pointer: "/deploy/migrate",
        prefix: "",
    },
    Field {
        name: "deploy.prune",
        pointer: "/deploy/prune",
        prefix: "",
    },
    Field {
        name: "file name",
        pointer: "",
        prefix: "",
    },
    Field {
        name: "app_dir",
        pointer: "/app_dir",
        prefix: "/srv/",
    },
    Field {
        name: "env_file",
        pointer: "/env_file",
        prefix: "/etc/",
    },
    Field {
        name: "deploy.repo",
        pointer: "/deploy/repo",
        prefix: "/srv/git/",
    },
    Field {
        name: "deploy.branch",
        pointer: "/deploy/branch",
        prefix: "",
    },
    Field {
        name: "entry",
        pointer: "/entry",
        prefix: "",
    },
    Field {
        name: "user",
        pointer: "/user",
        prefix: "",
    },
    Field {
        name: "domain",
        pointer: "/site/domains/0",
        prefix: "",
    },
    Field {
        name: "route path",
        pointer: "/routes/0/path",
        prefix: "/",
    },
    Field {
        name: "health path",
        pointer: "/health/path",
        prefix: "/",
    },
    Field {
        name: "node arg",
        pointer: "/node/args/0",
        prefix: "--",
    },
    Field {
        name: "logs.dir",
        pointer: "/logs/dir",
        prefix: "/var/log/",
    },
];

/// A small deterministic generator (xorshift64*): the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn hostile(&mut self, canary: &str) -> String {
        let n = 1 + self.below(6);
        (0..n)
            .map(|_| ATOMS[self.below(ATOMS.len())].replace("CANARY", canary))
            .collect()
    }
}

fn base(kind: &str, dir: &Path) -> Value {
    let d = dir.display();
    json!({
        "name": "hostile",
        "description": "Hostile values",
        "user": "hostile",
        "app_dir": "/srv/hostile",
        "entry": "server.js",
        "environment": { "GREETING": "hello" },
        "node": { "args": ["--enable-source-maps"] },
        "supervisor": { "kind": kind, "port": 4300, "memory_limit": "256M" },
        "health": { "path": "/healthz" },
        "routes": [ { "path": "/api/", "kind": "proxy" } ],
        "logs": {
            "access_log": format!("{d}/logs/access.log"),
            "error_log": format!("{d}/logs/error.log")
        },
        "site": {
            "domains": ["hostile.example.com"],
            "tls": {
                "certificate": format!("{d}/cert.pem"),
                "key": format!("{d}/key.pem")
            },
            "headers": {
                "content_security_policy": "default-src 'self'",
                "permissions_policy": "camera=()",
                "extra": { "X-Extra": "yes" }
            }
        },
        "deploy": {
            "repo": "/srv/git/hostile.git",
            "branch": "main",
            "install": "npm ci",
            "build": "npm run build",
            "migrate": "npm run migrate",
            "prune": "npm prune --omit=dev"
        }
    })
}

/// The description with `value` in `field`, and the file name it is read from.
fn with_value(base: &Value, field: &Field, value: &str) -> (Value, String) {
    let mut d = base.clone();
    let mut file = "hostile.svcgen.yaml".to_string();
    match field.name {
        "file name" => file = format!("{value}.yaml"),
        "environment key" => {
            d["environment"] = json!({ value: "x" });
        }
        _ => {
            // Objects on the way are made (a field the base leaves at its default).
            let mut at = &mut d;
            for part in field.pointer.split('/').skip(1) {
                at = match at {
                    Value::Array(items) => &mut items[part.parse::<usize>().unwrap()],
                    other => {
                        if !other.is_object() {
                            *other = json!({});
                        }
                        other
                            .as_object_mut()
                            .unwrap()
                            .entry(part)
                            .or_insert(Value::Null)
                    }
                };
            }
            *at = json!(value);
        }
    }
    (d, file)
}

enum Outcome {
    Refused,
    Rendered(Vec<Artifact>),
}

fn render_one(env: &minijinja::Environment<'_>, d: &Value, file: &str) -> Outcome {
    // JSON is YAML: every string, control characters included, is written exactly.
    let text = serde_json::to_string_pretty(d).unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let spec = spec::load(file, &text).ok()?;
        render::render(&spec, env).ok()
    }));
    match r {
        Ok(Some(a)) => Outcome::Rendered(a),
        Ok(None) => Outcome::Refused,
        Err(_) => panic!("render panicked on {file:?} with {}", text),
    }
}

/// Directives in order, each as its block path, name and arguments.
fn nginx_flat(text: &str) -> Vec<(usize, String, Vec<String>)> {
    fn rec(b: nginx::Block<'_>, depth: usize, out: &mut Vec<(usize, String, Vec<String>)>) {
        for d in b.iter() {
            out.push((
                depth,
                d.name().to_string(),
                d.args().map(|a| a.value.to_string()).collect(),
            ));
            rec(d.children(), depth + 1, out);
        }
    }
    let tree = nginx::parse_text(text, FileId(0)).expect("the rendered site parses");
    let mut out = Vec::new();
    rec(tree.top(), 0, &mut out);
    out
}

/// A unit's entries, with values as systemd reads them: `%%` is `%`, and the words
/// of `Exec*=` and `Environment=` are unquoted and unescaped.
fn unit_flat(text: &str) -> Vec<(String, String, String)> {
    let unit = systemd::parse(text, FileId(0)).expect("the rendered unit parses");
    let mut out = Vec::new();
    for s in &unit.sections {
        for e in &s.entries {
            let mut v = e.value.clone();
            // Values systemd splits into words (quotes and escapes removed).
            let worded = ["Environment", "ReadWritePaths", "ReadOnlyPaths"];
            if e.key.starts_with("Exec") || worded.contains(&e.key.as_str()) {
                v = systemd::words(&v).join("\u{0}");
            }
            out.push((s.name.clone(), e.key.clone(), v.replace("%%", "%")));
        }
    }
    out
}

fn replace_in(v: &Value, with: &str) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace(MARK, with)),
        Value::Array(a) => Value::Array(a.iter().map(|x| replace_in(x, with)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.replace(MARK, with), replace_in(x, with)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// What must hold between the marker's rendering and the value's, file by file,
/// before the real tools run.
fn compare(marker: &[Artifact], hostile: &[Artifact], value: &str, case: &str) {
    assert_eq!(marker.len(), hostile.len(), "{case}: another set of files");
    for (m, h) in marker.iter().zip(hostile) {
        assert_eq!(m.kind, h.kind, "{case}");
        let (ml, hl): (Vec<&str>, Vec<&str>) = (
            m.content.split('\n').collect(),
            h.content.split('\n').collect(),
        );
        assert_eq!(
            ml.len(),
            hl.len(),
            "{case}: {} has another number of lines:\n{}",
            h.file_name,
            h.content
        );
        for (a, b) in ml.iter().zip(&hl) {
            if !a.contains(MARK) {
                assert_eq!(
                    a, b,
                    "{case}: {} changed a line the value is not in",
                    h.file_name
                );
            }
        }
        match h.kind {
            ArtifactKind::NginxSite => {
                let (a, b) = (nginx_flat(&m.content), nginx_flat(&h.content));
                let want: Vec<_> = a
                    .into_iter()
                    .map(|(d, n, args)| {
                        (
                            d,
                            n,
                            args.into_iter()
                                .map(|x| x.replace(MARK, value))
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                assert_eq!(want, b, "{case}: the site does not read back");
            }
            ArtifactKind::SystemdUnit => {
                let want: Vec<_> = unit_flat(&m.content)
                    .into_iter()
                    .map(|(s, k, v)| (s, k, v.replace(MARK, value)))
                    .collect();
                assert_eq!(
                    want,
                    unit_flat(&h.content),
                    "{case}: the unit does not read back"
                );
            }
            _ => {}
        }
    }
}

#[test]
fn hostile_values_are_refused_or_come_back_exactly() {
    let node = require("node");
    let bash = require("bash");
    let nginx_bin = require("nginx");
    let visudo = require("visudo");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("logs")).unwrap();
    std::fs::create_dir_all(d.join("js")).unwrap();
    std::fs::create_dir_all(d.join("sh")).unwrap();
    self_signed(
        "hostile.example.com",
        &d.join("cert.pem"),
        &d.join("key.pem"),
    );
    let canary = d.join("canary");
    let canary_s = canary.display().to_string();
    let env = render::environment(None).unwrap();

    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut refused: HashMap<&str, usize> = HashMap::new();
    let mut accepted: HashMap<&str, usize> = HashMap::new();
    // (file, expected object) for node; (file, expected settings) for bash.
    let mut js: Vec<(PathBuf, Value)> = Vec::new();
    let mut sh: Vec<(PathBuf, Vec<String>)> = Vec::new();
    let mut samples: Vec<(String, Vec<Artifact>)> = Vec::new();
    let mut marker_render: HashMap<(usize, usize), Vec<Artifact>> = HashMap::new();
    let mut marker_js: HashMap<(usize, usize), Value> = HashMap::new();
    let mut marker_sh: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    let bases = [base("pm2", d), base("systemd", d)];
    let start = std::time::Instant::now();

    for case in 0..CASES {
        let f = case % FIELDS.len();
        let b = (case / FIELDS.len()) % 2;
        let field = &FIELDS[f];
        // The marker's place in the files takes `with`: the value less its prefix.
        let with = rng.hostile(&canary_s);
        let value = format!("{}{with}", field.prefix);
        let marked = format!("{}{MARK}", field.prefix);
        let marker = marker_render.entry((f, b)).or_insert_with(|| {
            let (md, mfile) = with_value(&bases[b], field, &marked);
            let Outcome::Rendered(marker) = render_one(&env, &md, &mfile) else {
                let text = serde_json::to_string_pretty(&md).unwrap();
                panic!(
                    "the marker itself is refused in {}: {:?}",
                    field.name,
                    spec::load(&mfile, &text).err()
                );
            };
            marker
        });
        let marker = marker.clone();
        let (hd, hfile) = with_value(&bases[b], field, &value);
        let label = format!("case {case}: {} = {value:?}", field.name);
        let hostile = match render_one(&env, &hd, &hfile) {
            Outcome::Refused => {
                *refused.entry(field.name).or_default() += 1;
                continue;
            }
            Outcome::Rendered(a) => a,
        };
        *accepted.entry(field.name).or_default() += 1;
        compare(&marker, &hostile, &with, &label);
        if let Some(eco) = artifact(&hostile, ArtifactKind::Pm2Ecosystem) {
            let m = artifact(&marker, ArtifactKind::Pm2Ecosystem).unwrap();
            let key = (f, b);
            let want = marker_js.entry(key).or_insert_with(|| {
                let p = d.join(format!("js/marker-{f}-{b}.config.js"));
                std::fs::write(&p, &m.content).unwrap();
                load_js(&node, &[p]).remove(0)
            });
            let p = d.join(format!("js/case-{case}.config.js"));
            std::fs::write(&p, &eco.content).unwrap();
            js.push((p, replace_in(want, &with)));
        }
        if let Some(script) = artifact(&hostile, ArtifactKind::DeployScript) {
            let m = artifact(&marker, ArtifactKind::DeployScript).unwrap();
            let key = (f, b);
            let marker_settings = marker_sh.entry(key).or_insert_with(|| {
                let p = d.join(format!("sh/marker-{f}-{b}.sh"));
                std::fs::write(&p, &m.content).unwrap();
                let read = settings(&bash, &[p]).remove(0);
                // The settings were read at all (NAME is the first): an empty
                // read would make every comparison below pass.
                assert_eq!(
                    read.first().map(String::as_str),
                    Some("hostile"),
                    "{read:?}"
                );
                read
            });
            let p = d.join(format!("sh/case-{case}.sh"));
            std::fs::write(&p, &script.content).unwrap();
            let want = marker_settings
                .iter()
                .map(|s| s.replace(MARK, &with))
                .collect();
            sh.push((p, want));
        }
        if samples.len() < 40 && case % 7 == 0 {
            samples.push((label, hostile));
        }
    }
    let rendered = start.elapsed();

    // node: every ecosystem file loads to the object the marker gave, value in place.
    let files: Vec<PathBuf> = js.iter().map(|(p, _)| p.clone()).collect();
    for ((p, want), got) in js.iter().zip(load_js(&node, &files)) {
        assert_eq!(&got, want, "{}: node reads another object", p.display());
    }
    // bash: every deploy script's settings are the values.
    let files: Vec<PathBuf> = sh.iter().map(|(p, _)| p.clone()).collect();
    for ((p, want), got) in sh.iter().zip(settings(&bash, &files)) {
        assert_eq!(&got, want, "{}: bash reads other settings", p.display());
    }
    // The real tools on a sample: nginx -t, bash -n, visudo -c.
    for (label, a) in &samples {
        let site = artifact(a, ArtifactKind::NginxSite).unwrap();
        nginx_accepts(&nginx_bin, d, site, label);
        let script = artifact(a, ArtifactKind::DeployScript).unwrap();
        let p = d.join("sample.sh");
        std::fs::write(&p, &script.content).unwrap();
        let out = run(Command::new(&bash).arg("-n").arg(&p));
        assert!(
            out.status.success(),
            "{label}: bash -n: {}",
            text(&out.stderr)
        );
        let sudoers = artifact(a, ArtifactKind::Sudoers).unwrap();
        let p = d.join("sample.sudoers");
        std::fs::write(&p, &sudoers.content).unwrap();
        let out = run(Command::new(&visudo).arg("-cf").arg(&p));
        assert!(
            out.status.success(),
            "{label}: visudo: {}",
            text(&out.stdout)
        );
    }
    assert!(
        !canary.exists(),
        "a payload ran: {} exists",
        canary.display()
    );

    let total_refused: usize = refused.values().sum();
    let total_accepted: usize = accepted.values().sum();
    println!(
        "{CASES} hostile values in {} fields: {total_refused} refused, {total_accepted} rendered and read back exactly \
         ({} ecosystem files through node, {} deploy scripts through bash, {} samples through nginx -t, bash -n and visudo); \
         0 injections, 0 panics; rendering took {:.1} s",
        FIELDS.len(),
        js.len(),
        sh.len(),
        samples.len(),
        rendered.as_secs_f64()
    );
    for field in FIELDS {
        println!(
            "  {:<26} refused {:>4}  rendered {:>4}",
            field.name,
            refused.get(field.name).unwrap_or(&0),
            accepted.get(field.name).unwrap_or(&0)
        );
    }
    // Free text reaches every file: most values must render, not only be refused.
    for name in [
        "description",
        "environment value",
        "content_security_policy",
        "deploy.build",
        "file name",
    ] {
        assert!(
            accepted.get(name).copied().unwrap_or(0) > 50,
            "{name}: too few hostile values rendered to prove anything ({accepted:?})"
        );
    }
}

/// `module.exports` of each file as JSON, from one node process.
fn load_js(node: &Path, files: &[PathBuf]) -> Vec<Value> {
    let list = files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>();
    let script = "const files = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n\
                  const out = files.map(f => require(f));\n\
                  process.stdout.write(JSON.stringify(out));\n";
    let mut child = Command::new(node)
        .arg("-e")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(&list).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&input).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "node: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The settings a deploy script starts with (`readonly NAME=…` lines), as bash
/// reads them: one bash process for all files, each file in its own subshell.
fn settings(bash: &Path, files: &[PathBuf]) -> Vec<Vec<String>> {
    let script = r#"
for f in "$@"; do
  (
    eval "$(grep -E '^readonly [A-Z_]+=' "$f")"
    printf '%s\0' "$NAME" "$DEPLOY_USER" "$APP_DIR" "$REPO" "$BRANCH" "$INSTALL_CMD" "$BUILD_CMD" "$PRUNE_CMD" "$MIGRATE_CMD" "$ENV_FILE" "$APP_HOST" "$HEALTH_PATH" "${APP_ENV[@]}"
  )
  printf '\1'
done
"#;
    let out = run(Command::new(bash)
        .arg("-c")
        .arg(script)
        .arg("settings")
        .args(files));
    assert!(out.status.success(), "bash: {}", text(&out.stderr));
    let all = String::from_utf8(out.stdout).expect("settings are UTF-8");
    let mut v: Vec<Vec<String>> = all
        .split('\u{1}')
        .map(|one| one.split('\0').map(str::to_string).collect::<Vec<_>>())
        .collect();
    v.pop();
    for one in &mut v {
        one.pop();
    }
    assert_eq!(v.len(), files.len());
    v
}

fn nginx_accepts(nginx_bin: &Path, d: &Path, site: &Artifact, label: &str) {
    let upstream = d.join("upstream.conf");
    std::fs::write(&upstream, "server 127.0.0.1:4300 max_fails=0;\n").unwrap();
    // The serving slot's upstream file is written by a deploy: point at a test one.
    let content: String = site
        .content
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("include ") && l.ends_with(".upstream;") {
                format!("    include {};\n", upstream.display())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(d.join("site.conf"), content).unwrap();
    let out = nginx_test(nginx_bin, d, &d.join("site.conf"));
    assert!(
        out.status.success(),
        "{label}: nginx -t: {}",
        text(&out.stderr)
    );
}

/// A field whose value reaches a file root installs or runs, with the prefix that
/// makes the plain value valid.
const ROOT_FIELDS: &[(&str, &str)] = &[
    ("/name", "hostile"),
    ("/deploy/nginx_test/0", "/usr/sbin/nginx"),
    ("/deploy/nginx_test/1", "-t"),
    ("/deploy/nginx_reload/0", "/usr/bin/systemctl"),
    ("/deploy/nginx_reload/2", "nginx"),
    ("/install/sudoers_dir", "/etc/sudoers.d"),
    ("/install/unit_dir", "/etc/systemd/system"),
    ("/install/nginx_dir", "/etc/nginx/sites-available"),
    ("/install/app_files_dir", "/srv/hostile"),
];

/// Where each kind of installed file may go (normalised, links aside).
fn allowed_place(kind: ArtifactKind, path: &Path, app_dir: &str) -> bool {
    let p = path.to_str().unwrap();
    let plain = spec::trust::is_plain(p);
    let within = |d: &str| spec::trust::is_within(p, d) && p != d;
    plain
        && match kind {
            ArtifactKind::Sudoers => within("/etc/sudoers.d"),
            ArtifactKind::SystemdUnit => spec::trust::UNIT_DIRS.iter().any(|d| within(d)),
            ArtifactKind::NginxSite => {
                within("/etc/nginx") && !within("/etc/nginx/modules-enabled")
            }
            ArtifactKind::DeployScript | ArtifactKind::Pm2Ecosystem => within(app_dir),
            // The host's files: the catch-all beside the sites, the certbot hook.
            _ => within("/etc/nginx") || within("/etc/letsencrypt/renewal-hooks/deploy"),
        }
}

/// Hostile values in every field that reaches a root-run file (the sudoers
/// rules, the install paths, the service name that names them): each is refused,
/// or renders rules of the accepted forms only — which `visudo -c` parses and the
/// real `sudo -l -U` lists exactly — and files placed only where their kind
/// belongs. The atoms include `.`, `..`, `/`, `*`, `ALL` and sudoers separators.
#[test]
fn root_run_fields_refuse_every_hostile_value() {
    let visudo = require("visudo");
    let sudo = require("sudo");
    let unshare = require("unshare");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = render::environment(None).unwrap();
    let mut base = base("systemd", d);
    base["deploy"]["nginx_test"] = json!(["/usr/sbin/nginx", "-t", "-q"]);
    base["deploy"]["nginx_reload"] = json!(["/usr/bin/systemctl", "reload", "nginx.service"]);
    base["install"] = json!({ "app_files_dir": "/srv/hostile" });
    // A certbot certificate: the host's renewal hook (run by root) is rendered too.
    base["site"]["tls"] = json!({
        "certificate": "/etc/letsencrypt/live/hostile.example.com/fullchain.pem",
        "key": "/etc/letsencrypt/live/hostile.example.com/privkey.pem"
    });
    let sh = require("sh");
    let mut hooks = 0;
    let extra: &[&str] = &[
        "ALL",
        "*",
        "?",
        "[",
        "!",
        "(root)",
        "NOPASSWD:",
        "sudoedit",
        "\"\"",
    ];
    let mut rng = Rng(0x5eed_0f0f_0001);
    let (mut refused, mut rendered) = (0usize, Vec::new());
    for case in 0..3000 {
        let (pointer, prefix) = ROOT_FIELDS[case % ROOT_FIELDS.len()];
        let mut with = rng.hostile("/tmp/canary");
        if case % 3 == 0 {
            with.push_str(extra[rng.below(extra.len())]);
        }
        let field = Field {
            name: "root field",
            pointer,
            prefix,
        };
        let value = format!("{prefix}{with}");
        let (desc, file) = with_value(&base, &field, &value);
        let Outcome::Rendered(files) = render_one(&env, &desc, &file) else {
            refused += 1;
            continue;
        };
        let app_dir = "/srv/hostile";
        for a in &files {
            if let Some(p) = &a.install_path {
                assert!(
                    allowed_place(a.kind, p, app_dir),
                    "case {case}: {pointer} = {value:?} places {:?} at {}",
                    a.kind,
                    p.display()
                );
            }
        }
        let rules = artifact(&files, ArtifactKind::Sudoers).unwrap();
        let parsed = svcgen::syntax::sudoers::parse(&rules.content, FileId(0))
            .unwrap_or_else(|e| panic!("case {case}: {value:?}: {}", e.message));
        for g in &parsed.grants {
            for c in &g.commands {
                assert!(
                    spec::trust::in_system_bin_dir(&c.program)
                        && c.args.as_ref().is_some_and(|a| !a.is_empty())
                        && !c.negated,
                    "case {case}: {pointer} = {value:?} grants {c:?}"
                );
            }
        }
        // The certbot hook root runs: valid sh, and exactly the two commands, each
        // a program in a system directory.
        let hook = files
            .iter()
            .find(|a| a.file_name == "svcgen-reload-nginx")
            .unwrap_or_else(|| panic!("case {case}: no renewal hook"));
        let p = d.join("hook.sh");
        std::fs::write(&p, &hook.content).unwrap();
        let out = run(Command::new(&sh).arg("-n").arg(&p));
        assert!(
            out.status.success(),
            "case {case}: sh -n: {}",
            text(&out.stderr)
        );
        let commands: Vec<&str> = hook
            .content
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty() && *l != "set -eu")
            .collect();
        assert_eq!(commands.len(), 2, "case {case}: {}", hook.content);
        for c in &commands {
            let program = c.split_whitespace().next().unwrap_or("");
            assert!(
                spec::trust::in_system_bin_dir(program),
                "case {case}: the hook runs {c}"
            );
        }
        hooks += 1;
        rendered.push((
            format!("case {case}: {pointer} = {value:?}"),
            rules.content.clone(),
        ));
    }
    assert_eq!(
        hooks,
        rendered.len(),
        "every rendered case's hook was checked"
    );
    // The real tools on what rendered: visudo -c on each, sudo -l on a sample.
    let mut script = String::from("set -u\n");
    let users = format!("{d}/passwd", d = d.display());
    std::fs::write(
        &users,
        "root:x:0:0:root:/root:/bin/sh\nhostile:x:990:990::/nonexistent:/usr/sbin/nologin\n",
    )
    .unwrap();
    std::fs::write(d.join("group"), "root:x:0:\nhostile:x:990:\n").unwrap();
    std::fs::create_dir(d.join("sudoers.d")).unwrap();
    for (i, (label, content)) in rendered.iter().enumerate() {
        let p = d.join(format!("case-{i}.sudoers"));
        std::fs::write(&p, content).unwrap();
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o440)).unwrap();
        let out = run(Command::new(&visudo).arg("-cf").arg(&p));
        assert!(
            out.status.success(),
            "{label}: visudo: {}",
            text(&out.stdout)
        );
        if i % 10 == 0 {
            script.push_str(&format!(
                "mount --bind {p} /etc/sudoers && echo '--- {i}' && {sudo} -n -l -U hostile && umount /etc/sudoers\n",
                p = p.display(),
                sudo = sudo.display()
            ));
        }
    }
    let out = run(Command::new(&unshare).args(["--mount", "--propagation", "private", "sh", "-c"]).arg(format!(
        "mount --bind {d}/passwd /etc/passwd && mount --bind {d}/group /etc/group && mount --bind {d}/sudoers.d /etc/sudoers.d && {script}",
        d = d.display()
    )));
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    let mut listed_files = 0;
    for (i, (label, content)) in rendered.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
        let listed: Vec<&str> = said
            .split(&format!("--- {i}\n"))
            .nth(1)
            .unwrap()
            .lines()
            .take_while(|l| !l.starts_with("--- "))
            .filter_map(|l| l.trim().strip_prefix("(root) NOPASSWD: "))
            .collect();
        let want: Vec<String> = content
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split_once(" NOPASSWD: ").unwrap().1.to_string())
            .collect();
        assert_eq!(listed, want, "{label}: sudo -l lists other commands");
        listed_files += 1;
    }
    println!(
        "root-run fields: 3000 hostile values, {refused} refused, {} rendered (each through visudo -c and its certbot hook through sh -n, {listed_files} through sudo -l -U), every file in its kind's directory",
        rendered.len()
    );
    assert!(!rendered.is_empty() && refused > 2000);
}

/// Every path the description checks (inside the app, inside a served
/// directory, under a home directory) is refused when spelled with `//`, `.` or
/// `..`: a check that compares strings cannot be walked around.
#[test]
fn every_path_check_refuses_other_spellings() {
    let dir = tempfile::tempdir().unwrap();
    let env = render::environment(None).unwrap();
    let mut base = base("systemd", dir.path());
    base["routes"] = json!([
        { "path": "/api/", "kind": "proxy",
          "basic_auth": { "user_file": "/etc/nginx/htpasswd/hostile" } },
        { "path": "/assets/", "kind": "static", "dir": "/srv/hostile/public/" }
    ]);
    base["env_file"] = json!("/etc/hostile/secrets.env");
    let paths = [
        "/app_dir",
        "/env_file",
        "/routes/0/basic_auth/user_file",
        "/routes/1/dir",
        "/logs/dir",
        "/site/tls/certificate",
        "/install/nginx_dir",
        "/install/sudoers_dir",
        "/install/unit_dir",
    ];
    assert!(
        matches!(
            render_one(&env, &base, "hostile.yaml"),
            Outcome::Rendered(_)
        ),
        "the base renders, so each refusal below is the spelling's"
    );
    let mut refused = 0;
    for pointer in paths {
        let field = Field {
            name: "path",
            pointer,
            prefix: "",
        };
        let plain = {
            let mut at = &base;
            for part in pointer.split('/').skip(1) {
                at = match at {
                    Value::Array(v) => &v[part.parse::<usize>().unwrap()],
                    v => &v[part],
                };
            }
            at.as_str().map(str::to_string)
        };
        let plain = plain.unwrap_or_else(|| match pointer {
            "/logs/dir" => "/var/log/hostile".into(),
            "/install/nginx_dir" => "/etc/nginx/sites-available".into(),
            "/install/sudoers_dir" => "/etc/sudoers.d".into(),
            "/install/unit_dir" => "/etc/systemd/system".into(),
            p => panic!("{p} has no value"),
        });
        let (head, tail) = plain[1..].split_once('/').unwrap_or((&plain[1..], ""));
        for spelled in [
            format!("/{head}//{tail}"),
            format!("/{head}/./{tail}"),
            format!("/{head}/x/../{tail}"),
            format!("//{head}/{tail}"),
        ] {
            let (d, f) = with_value(&base, &field, &spelled);
            assert!(
                matches!(render_one(&env, &d, &f), Outcome::Refused),
                "{pointer} = {spelled:?} renders"
            );
            refused += 1;
        }
    }
    println!(
        "path spellings: {refused} of {refused} refused ({} path keys)",
        paths.len()
    );
}
