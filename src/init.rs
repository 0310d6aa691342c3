//! `svcgen init`: a commented starter description that renders and lints clean.

use std::fs;
use std::path::{Path, PathBuf};

use svcgen::description as spec;
use svcgen::install::write_beneath;

const STARTER: &str = r#"# yaml-language-server: $schema=./svcgen.schema.json
# A svcgen service description: `svcgen render @FILE@ --out '{dir}/{name}'` turns it into a
# systemd unit, @PM2_LINE@an nginx site and a deploy script.
# Every key not written here has a safe default: see `svcgen schema`.

name: @NAME@
description: @NAME@ web service

# The OS account the app runs as (create it with `useradd --system @NAME@`).
user: @NAME@
# The git checkout of the app, and its entry script relative to it.
app_dir: /srv/@NAME@
entry: dist/server.js

# Plain settings only; secrets go in env_file (KEY=value lines, mode 0600).
environment:
  LOG_LEVEL: info
env_file: /etc/@NAME@/secrets.env

# How this host runs the app: its supervisor (and, when needed, `hardening:`
# relaxations of the systemd sandbox and `install:` paths).
host:
  supervisor:
    kind: @SUPERVISOR@
    instances: 2
    port: @PORT@
    memory_limit: 512M

# How long the app takes to finish in-flight requests after SIGTERM; the
# supervisors' timeouts are derived from it.
shutdown:
  drain: 10s

health:
  path: /health

site:
  domains: [@DOMAIN@]
  tls:
    profile: intermediate
    certificate: /etc/letsencrypt/live/@DOMAIN@/fullchain.pem
    key: /etc/letsencrypt/live/@DOMAIN@/privkey.pem
  # Every response carries a strict Content-Security-Policy by default
  # ("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"):
  # a page that loads scripts, fonts or images from elsewhere needs its own.
  # headers:
  #   content_security_policy: "default-src 'self'; img-src 'self' https://cdn.example.com"

routes:
  - path: /
    kind: proxy
  # - path: /events/
  #   kind: streaming
  # A directory inside app_dir names a directory of the release: nginx serves it
  # from the serving release (this one from /srv/@NAME@/current/public/).
  # - path: /assets/
  #   kind: static
  #   dir: /srv/@NAME@/public/

deploy:
  repo: git@github.com:example/@NAME@.git
  branch: main
  # migrate: npm run migrate
"#;

pub fn run(
    name: &str,
    domain: &str,
    port: u16,
    supervisor: &str,
    output: Option<&Path>,
) -> Result<Vec<String>, String> {
    let path: PathBuf = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{name}.svcgen.yaml")));
    // A link there, even one that leads nowhere, is a file too: never written through.
    if fs::symlink_metadata(&path).is_ok() {
        return Err(format!(
            "{} already exists; svcgen init never overwrites a file (choose another with --output)",
            path.display()
        ));
    }
    let file = path.display().to_string();
    let text = STARTER
        .replace("@FILE@", &file)
        .replace(
            "@PM2_LINE@",
            if supervisor == "pm2" {
                "a PM2 ecosystem file, "
            } else {
                ""
            },
        )
        .replace("@NAME@", name)
        .replace("@DOMAIN@", domain)
        .replace("@PORT@", &port.to_string())
        .replace("@SUPERVISOR@", supervisor);
    // The starter must be valid as written: check it with the real loader.
    if let Err(errors) = spec::load(&file, &text) {
        let first = errors
            .errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        return Err(format!("the options give an invalid description: {first}"));
    }
    let mut lines = Vec::new();
    write_here(&path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    lines.push(format!("created {}", path.display()));
    let schema = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("svcgen.schema.json");
    if !schema.exists() {
        write_here(&schema, spec::schema_text().as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", schema.display()))?;
        lines.push(format!("created {} (for editors)", schema.display()));
    }
    lines.push(format!(
        "next: svcgen render {file} --out '{{dir}}/{{name}}'"
    ));
    Ok(lines)
}

/// Writes a file in its directory, never through a link another user owns or one
/// that leads out of the directory.
pub fn write_here(path: &Path, content: &[u8]) -> std::io::Result<svcgen::install::WriteOutcome> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map(Path::new).unwrap_or(path);
    write_beneath(dir, name, content, 0o644)
}
