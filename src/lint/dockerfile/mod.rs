//! Dockerfiles as a lint format (rules DF###): how a Node.js image is built and
//! how its process starts and stops.

pub mod df001_root_user;
pub mod df002_named_user;
pub mod df003_node_as_pid1;
pub mod df004_npm_start;
pub mod df005_npm_install;
pub mod df006_dev_dependencies;
pub mod df007_unpinned_base;
pub mod format;
pub mod hadolint;

use crate::lint::Sink;
use crate::lint::rule::Entry;
use crate::syntax::dockerfile::{self as syntax, Dockerfile, Instruction, Stage};

/// What a Dockerfile rule reads.
pub struct Ctx<'a> {
    pub file: &'a Dockerfile,
    /// The build context when the Dockerfile was read from disk: its
    /// directory (where `docker build .` beside it would look).
    pub context: Option<&'a std::path::Path>,
}

/// The check type of Dockerfile rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The Dockerfile rules, in code order (the engine's own findings first).
pub static RULES: &[Entry<Check>] = &[
    Entry::Reported(&format::SYNTAX),
    Entry::Checked(&df001_root_user::RULE, df001_root_user::check),
    Entry::Checked(&df002_named_user::RULE, df002_named_user::check),
    Entry::Checked(&df003_node_as_pid1::RULE, df003_node_as_pid1::check),
    Entry::Checked(&df004_npm_start::RULE, df004_npm_start::check),
    Entry::Checked(&df005_npm_install::RULE, df005_npm_install::check),
    Entry::Checked(&df006_dev_dependencies::RULE, df006_dev_dependencies::check),
    Entry::Checked(&df007_unpinned_base::RULE, df007_unpinned_base::check),
    Entry::Reported(&format::HADOLINT_FAILED),
];

/// The last instruction `keyword` in a stage.
pub fn last<'a>(stage: &'a Stage, keyword: &str) -> Option<&'a Instruction> {
    stage.instructions.iter().rev().find(|i| i.is(keyword))
}

/// A program's name without its directory (`/usr/bin/tini` → `tini`).
pub fn program(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The commands of a shell line, split at `&&`, `||`, `;` and `|`, as words.
pub fn commands(line: &str) -> Vec<Vec<&str>> {
    line.split(['&', '|', ';', '\n'])
        .map(|c| c.split_whitespace().collect::<Vec<_>>())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The shells a command line is run by.
pub const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];

/// The commands an `ENTRYPOINT`/`CMD` starts, as words: the exec form's
/// words, or — for the shell form and for `["sh", "-c", "…"]` — the commands of
/// the shell line (split at `&&`, `||`, `;`, `|`).
pub fn started_commands(ins: &Instruction) -> Vec<Vec<String>> {
    let words = ins.words();
    let script = match &ins.exec {
        None => Some(ins.args.clone()),
        Some(_) if words.len() >= 3 && SHELLS.contains(&program(&words[0])) && words[1] == "-c" => {
            Some(words[2..].join(" "))
        }
        Some(_) => None,
    };
    match script {
        Some(line) => commands(&line)
            .into_iter()
            .map(|c| c.into_iter().map(str::to_string).collect())
            .collect(),
        None => vec![words],
    }
}

/// The words of a command after leading `VAR=value` assignments.
pub fn without_assignments<'a>(words: &'a [&'a str]) -> &'a [&'a str] {
    let n = words
        .iter()
        .take_while(|w| w.contains('=') && !w.starts_with('-'))
        .count();
    &words[n..]
}
