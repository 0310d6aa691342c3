//! In-process timings of the hot paths: rendering a service, linting a typical site,
//! parsing + linting a ~100k-line configuration (throughput in MB/s), and
//! importing sites of 300 and 1,200 locations (the cost per location stays flat).
//! `cargo bench --bench lint`; whole-process comparisons with gixy are in
//! `scripts/bench.sh`. Nothing here asserts a time.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use svcgen::description as spec;
use svcgen::lint::{Options, lint};
use svcgen::render;

fn time<T>(name: &str, iterations: u32, mut f: impl FnMut() -> T) -> Duration {
    for _ in 0..iterations.min(5) {
        black_box(f());
    }
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    let per = start.elapsed() / iterations;
    println!(
        "{name:<48} {:>10.3} ms/iter ({iterations} iterations)",
        per.as_secs_f64() * 1e3
    );
    per
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let desc = root.join("fixtures/api-gateway.yaml");
    let text = std::fs::read_to_string(&desc).unwrap();
    let env = render::environment(None).unwrap();
    time("load + render fixtures/api-gateway.yaml", 500, || {
        let s = spec::load("fixtures/api-gateway.yaml", &text).unwrap();
        render::render(&s, &env).unwrap()
    });
    let opts = Options::default();
    time(
        "lint fixtures/api-gateway.yaml (render + lint)",
        500,
        || lint(std::slice::from_ref(&desc), &opts),
    );

    let dir = std::env::temp_dir().join("svcgen-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let typical = dir.join("typical.conf");
    let site = render::render(&spec::load("x", &text).unwrap(), &env).unwrap();
    let nginx = site
        .iter()
        .find(|a| a.kind == render::ArtifactKind::NginxSite)
        .unwrap();
    std::fs::write(&typical, &nginx.content).unwrap();
    time("lint a typical site (one .conf)", 1000, || {
        lint(std::slice::from_ref(&typical), &opts)
    });

    let big = dir.join("big.conf");
    let out = Command::new("python3")
        .arg(root.join("scripts/gen-big-nginx.py"))
        .arg("100000")
        .output()
        .expect("python3 runs the generator");
    std::fs::write(&big, &out.stdout).unwrap();
    let bytes = out.stdout.len() as f64;
    let big_text = String::from_utf8(out.stdout.clone()).unwrap();
    time("parse a 100k-line nginx.conf (no rules)", 10, || {
        svcgen::syntax::nginx::parse_text(&big_text, svcgen::syntax::FileId(0)).unwrap()
    });
    let per = time("lint a 100k-line nginx.conf", 10, || {
        lint(std::slice::from_ref(&big), &opts)
    });
    println!(
        "{:<48} {:>10.1} MB/s ({:.1} MB)",
        "  throughput",
        bytes / per.as_secs_f64() / 1e6,
        bytes / 1e6
    );

    // Many findings: 2,000 copies of a hand-written site in one http block.
    let site = std::fs::read_to_string(root.join("fixtures/handwritten/shop.conf")).unwrap();
    let mut many = String::from("events {}\nhttp {\n");
    for i in 0..2000 {
        many.push_str(&site.replace("shop", &format!("shop{i}")));
    }
    many.push_str("}\n");
    let copies = dir.join("copies2000.conf");
    std::fs::write(&copies, &many).unwrap();
    let mut findings = 0;
    let per = time("lint 2,000 copies of shop.conf", 10, || {
        let r = lint(std::slice::from_ref(&copies), &opts);
        findings = r.findings.len();
        r
    });
    let json = time("  and write the JSON report", 10, || {
        let r = lint(std::slice::from_ref(&copies), &opts);
        svcgen::report::json::render(&r)
    });
    let mb = many.len() as f64 / 1e6;
    println!(
        "{:<48} {:>10.1} MB/s ({mb:.1} MB, {findings} findings); with the JSON report {:.1} MB/s",
        "  throughput",
        mb / per.as_secs_f64(),
        mb / json.as_secs_f64()
    );

    // `svcgen import` of one site with many locations: linear in them.
    for n in [300, 1200] {
        let mut site = String::from(
            "server {\n    listen 443 ssl;\n    server_name big.example.com;\n    ssl_certificate /etc/ssl/big.pem;\n    ssl_certificate_key /etc/ssl/big.key;\n",
        );
        for i in 0..n {
            site.push_str(&format!(
                "    location /r{i}/ {{ proxy_pass http://127.0.0.1:3000; proxy_read_timeout 30s; }}\n"
            ));
        }
        site.push_str("}\n");
        let path = dir.join(format!("import{n}.conf"));
        std::fs::write(&path, site).unwrap();
        let opts = svcgen::import::Options {
            file_name: "big.svcgen.yaml".into(),
            ..Default::default()
        };
        let per = time(&format!("import a site of {n} locations"), 5, || {
            svcgen::import::import(std::slice::from_ref(&path), &opts).unwrap()
        });
        println!(
            "{:<48} {:>10.1} µs per location",
            "",
            per.as_secs_f64() * 1e6 / f64::from(n)
        );
    }
}
