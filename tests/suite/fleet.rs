//! The Ansible project rendered for a description with `servers`: ansible-lint at
//! its production profile and ansible-playbook's syntax check accept it, its
//! GitHub workflow passes actionlint, each environment's inventory names its
//! servers and carries exactly the host files `render --env` gives, and the
//! set-up playbook's steps are the checklist's (docs/src/deploying.md).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The API gateway example rendered into a scratch directory.
fn rendered() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    render_out("fixtures/api-gateway.yaml", dir.path());
    dir
}

#[test]
fn the_project_passes_ansible_lint_production_and_a_syntax_check() {
    let (lint, playbook, actionlint) = (
        require("ansible-lint"),
        require("ansible-playbook"),
        require("actionlint"),
    );
    let dir = rendered();
    let project = dir.path().join("api-gateway.ansible");
    // Ansible and ansible-lint keep state under the home directory
    // (~/.ansible, ~/.cache): give them one of their own.
    let home = tempfile::tempdir().unwrap();
    let ansible = |tool: &Path| {
        let mut cmd = Command::new(tool);
        cmd.env("HOME", home.path())
            .env_remove("ANSIBLE_CONFIG")
            .current_dir(&project);
        cmd
    };
    let out = run(ansible(&lint)
        .args(["--profile", "production", "--offline", "--nocolor"])
        .current_dir(&project));
    // A warning exits 0 too, yet leaves the production profile unmet: the
    // verdict is the line that names the profile.
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(
        out.status.success() && said.contains("Profile 'production' was required, and it passed."),
        "ansible-lint: {said}"
    );
    for inventory in ["inventory/staging.yml", "inventory/production.yml"] {
        let out = run(ansible(&playbook)
            .args(["--syntax-check", "-i", inventory])
            .args(["setup.yml", "deploy.yml", "rollback.yml"]));
        assert!(
            out.status.success(),
            "{inventory}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    let out = run(Command::new(&actionlint)
        .arg("github-deploy.yml")
        .current_dir(&project));
    assert!(out.status.success(), "actionlint: {}", text(&out.stdout));

    // ansible-lint fails on what it should: a task without a name.
    let setup = project.join("setup.yml");
    let broken = read(&setup).replacen(
        "    - name: \"2. The deploy root, owned by it\"\n",
        "    -\n",
        1,
    );
    std::fs::write(&setup, broken).unwrap();
    let out = run(ansible(&lint).args([
        "--profile",
        "production",
        "--offline",
        "--nocolor",
        "setup.yml",
    ]));
    assert!(
        !out.status.success(),
        "ansible-lint passed a task without a name"
    );
}

/// Each environment's inventory: its servers, and the files `render --env`
/// renders for it with an install path, each once, copied unchanged.
#[test]
fn inventories_carry_each_environments_servers_and_files() {
    let dir = rendered();
    let project = dir.path().join("api-gateway.ansible");
    for (env, hosts) in [
        ("staging", vec!["staging1.example.com"]),
        ("production", vec!["api1", "api2", "api3"]),
    ] {
        let inventory = read(&project.join(format!("inventory/{env}.yml")));
        for h in &hosts {
            assert!(
                inventory.contains(&format!("\"{h}\":")),
                "{env}: {h} in {inventory}"
            );
        }
        let listed: BTreeSet<String> = inventory
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- src: "))
            .map(|s| s.trim_matches('"').to_string())
            .collect();
        let alone = tempfile::tempdir().unwrap();
        let out = svcgen(&[
            "render",
            "fixtures/api-gateway.yaml",
            "--env",
            env,
            "--out",
            alone.path().to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let rendered =
            svcgen::pipeline::render(&[root().join("fixtures/api-gateway.yaml")], Some(env), None)
                .expect("renders");
        let mut want = BTreeSet::new();
        for f in &rendered.services[0].1 {
            if f.install_path.is_some() && f.target == svcgen::render::Target::Host {
                let name = &f.file_name;
                want.insert(format!("files/{env}/{name}"));
                assert_eq!(
                    read(&project.join(format!("files/{env}/{name}"))),
                    read(&alone.path().join(name)),
                    "{env}: {name} is not the file render --env gives"
                );
            }
        }
        assert!(!want.is_empty());
        assert_eq!(listed, want, "{env}: the inventory's files");
    }
}

/// The set-up playbook's numbered steps are the checklist's: each checklist step
/// has tasks of its number whose name starts with its title, and no task has a
/// number the checklist lacks. The PM2 it installs is the one the tests run.
#[test]
fn the_setup_playbook_is_the_checklist() {
    let checklist: Vec<(String, String)> = read(&root().join("docs/src/deploying.md"))
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter_map(|l| {
            let (n, title) = l.split_once(". ")?;
            n.parse::<u32>().ok()?;
            let cut = title
                .find([':', '('])
                .map_or(title, |i| &title[..i])
                .trim_end_matches(['.', ' ']);
            Some((n.to_string(), cut.to_string()))
        })
        .collect();
    assert_eq!(checklist.len(), 10, "{checklist:?}");
    let setup = read(&root().join("templates/ansible/setup.yml"));
    let tasks: Vec<(String, String)> = setup
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- name: \""))
        .filter_map(|l| {
            let (n, title) = l.trim_end_matches('"').split_once(". ")?;
            Some((n.to_string(), title.to_string()))
        })
        .collect();
    for (n, title) in &checklist {
        assert!(
            tasks
                .iter()
                .any(|(m, t)| m == n && t.starts_with(title.as_str())),
            "checklist step {n} ({title}) has no task in setup.yml: {tasks:?}"
        );
    }
    for (m, t) in &tasks {
        assert!(
            checklist.iter().any(|(n, _)| n == m),
            "setup.yml's task `{m}. {t}` has no step in the checklist"
        );
    }
    let test_sh = read(&root().join("scripts/test.sh"));
    let pinned = test_sh
        .lines()
        .find_map(|l| l.strip_prefix("readonly PM2_VERSION="))
        .expect("test.sh pins PM2");
    assert_eq!(pinned, svcgen::render::ansible::PM2_VERSION);
    assert!(read(&root().join("docs/src/deploying.md")).contains(&format!("pm2@{pinned}")));
}

/// A description without servers renders no Ansible project.
#[test]
fn no_servers_no_project() {
    let dir = tempfile::tempdir().unwrap();
    render_out("fixtures/minimal.yaml", dir.path());
    assert!(!Path::new(&dir.path().join("hello.ansible")).exists());
}
