//! The `svcgen` command line: parse arguments, run, map the outcome to an exit code
//! (0 clean, 1 drift or findings, 2 usage, I/O or description error).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use svcgen::description as spec;
use svcgen::drift::{Status, Target};
use svcgen::install::WriteOutcome;
use svcgen::lint::{self, Severity};
use svcgen::pipeline::{self, LoadError, RenderError, Rendered, WriteError};

mod init;

#[derive(Parser)]
#[command(
    name = "svcgen",
    version,
    about = "Compile one YAML description of a Node.js web service into a hardened systemd unit, PM2 ecosystem file, nginx site and deploy script.",
    after_help = "Exit codes: 0 clean, 1 drift or findings, 2 usage, I/O or description error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Placement {
    /// Write into this directory, one file per artifact (`{name}` becomes the service
    /// name, `{dir}` the description's directory).
    #[arg(long, value_name = "DIR", conflicts_with = "root")]
    out: Option<PathBuf>,
    /// Use the install paths from the description, below this directory.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Override embedded templates with same-named files from this directory.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Render this environment of the descriptions (`environments:`) instead of
    /// the base description.
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
}

impl Placement {
    fn target(&self) -> Option<Target> {
        match (&self.out, &self.root) {
            (Some(o), _) => Some(Target::Out(o.clone())),
            (None, Some(r)) => Some(Target::Root(r.clone())),
            (None, None) => None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LintFormat {
    Text,
    Concise,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExplainFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Info,
    Warning,
    Error,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Error => Severity::Error,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SupervisorArg {
    Pm2,
    Systemd,
}

#[derive(Subcommand)]
enum Command {
    /// Render the files of one or more service descriptions.
    ///
    /// Without --out, --root or --write the files are printed. --out DIR writes them
    /// flat into DIR; --root DIR writes them at their install paths below DIR; --write
    /// alone writes them at their install paths. Only changed files are written, each
    /// atomically. --check compares instead and never writes.
    #[command(
        after_help = "Examples:\n  svcgen render fixtures/api-gateway.yaml --out build/\n  svcgen render service.yaml --out deploy/{name} --check\n  sudo svcgen render service.yaml --write"
    )]
    Render {
        /// Service descriptions (YAML), or directories: every *.svcgen.yaml below.
        #[arg(required = true)]
        descriptions: Vec<PathBuf>,
        #[command(flatten)]
        place: Placement,
        /// Write the files at their install paths (implied by --out and --root).
        #[arg(long)]
        write: bool,
        /// Do not write: exit 1 if any file differs from what would be rendered.
        #[arg(long, conflicts_with = "write")]
        check: bool,
    },
    /// Show how the rendered files differ from the files on disk.
    #[command(
        after_help = "Examples:\n  svcgen diff service.yaml --out deploy/\n  svcgen diff service.yaml --root / --format json"
    )]
    Diff {
        /// Service descriptions (YAML), or directories: every *.svcgen.yaml below.
        #[arg(required = true)]
        descriptions: Vec<PathBuf>,
        #[command(flatten)]
        place: Placement,
        /// `text` (unified diff) or `json` (a summary per file).
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
    },
    /// Lint service descriptions and hand-written files.
    ///
    /// A description is rendered in memory and its files are linted; hand-written
    /// nginx files (a whole nginx.conf with its includes, a conf.d file, a fragment,
    /// or `nginx -T` output) are linted as they are. Directories are searched for
    /// *.conf and *.svcgen.yaml files. Exit 0 when clean (or only findings below
    /// --fail-on), 1 on findings, 2 when a file cannot be read or parsed.
    #[command(
        after_help = "Examples:\n  svcgen lint service.yaml /etc/nginx/nginx.conf\n  nginx -T | svcgen lint --type nginx -\n  svcgen lint deploy/ --format sarif > svcgen.sarif\n  svcgen lint site.conf --select NG003,NG006 --fail-on error"
    )]
    Lint(LintArgs),
    /// Print a rule's documentation.
    #[command(
        after_help = "Examples:\n  svcgen explain NG006\n  svcgen explain --all --format json"
    )]
    Explain {
        /// A rule code or name, such as NG012 or alias-traversal.
        #[arg(required_unless_present = "all")]
        code: Option<String>,
        /// Every rule.
        #[arg(long)]
        all: bool,
        /// `text` (for a terminal), `markdown` or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// List every rule: code, name, severity and summary.
    #[command(after_help = "Examples:\n  svcgen rules\n  svcgen rules --format json")]
    Rules {
        /// `text` (a table) or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
    },
    /// Write a commented starter description.
    #[command(
        after_help = "Example:\n  svcgen init --name shop --domain shop.example.com --port 3000 --supervisor pm2"
    )]
    Init {
        /// Service name.
        #[arg(long, default_value = "my-service")]
        name: String,
        /// Public domain.
        #[arg(long, default_value = "app.example.com")]
        domain: String,
        /// The app's loopback port.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Who supervises the app.
        #[arg(long, value_enum, default_value = "pm2")]
        supervisor: SupervisorArg,
        /// The file to write (default NAME.svcgen.yaml); never overwritten.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Read the files a service runs on today into a description and a report.
    ///
    /// Reads an nginx site (or `nginx -T` output), a systemd unit, a PM2 ecosystem
    /// file, a deploy script and an env example, writes the description that
    /// renders the closest equivalent, and reports every directive of the input
    /// as kept, changed (and why: often a lint finding it fixes), not expressible
    /// (file:line:col), or dropped on purpose. Exit 0 when imported, 2 when a file
    /// cannot be read or parsed.
    #[command(
        after_help = "Examples:\n  svcgen import site.conf app.service ecosystem.config.js -o app.svcgen.yaml\n  ssh web1 nginx -T > server.nginx; svcgen import server.nginx app.service --site /etc/nginx/sites-enabled/app\n  svcgen import site.conf app.service --format json -o app.svcgen.yaml > report.json"
    )]
    Import {
        /// The files the service runs on.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write the description here (never overwritten); without it, the
        /// description goes to standard output and the report to standard error.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The report: `text` or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// nginx's conf prefix (a copy of /etc/nginx): relative includes are read there.
        #[arg(long, value_name = "DIR")]
        prefix: Option<PathBuf>,
        /// A copy of the server's files: absolute includes are read beneath it.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The service's name, when the files do not say it.
        #[arg(long)]
        name: Option<String>,
        /// In `nginx -T` output (or a whole nginx.conf): the file of the
        /// service's site, when several files hold servers.
        #[arg(long, value_name = "FILE")]
        site: Option<String>,
    },
    /// Print the JSON Schema of service descriptions (draft-07).
    #[command(after_help = "Example:\n  svcgen schema > svcgen.schema.json")]
    Schema,
    /// Print shell completions.
    #[command(after_help = "Example:\n  svcgen completions bash > /etc/bash_completion.d/svcgen")]
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), or write one page per command into a directory.
    #[command(
        after_help = "Examples:\n  svcgen man > /usr/local/share/man/man1/svcgen.1\n  svcgen man --dir /usr/local/share/man/man1"
    )]
    Man {
        /// Write svcgen.1 and a page per subcommand (svcgen-render.1, …) here.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The exit status after a write to standard output failed: a reader that stopped
/// early (`svcgen render x.yaml | head -1`) ends svcgen quietly with cat's status
/// (128 + SIGPIPE); any other failure (a full disk) is said, never a silent
/// partial report.
fn output_failed(e: &std::io::Error) -> ExitCode {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return ExitCode::from(141);
    }
    eprintln!("svcgen: error: cannot write the output: {e}");
    ExitCode::from(2)
}

/// `println!` that ends svcgen as `output_failed` says when standard output fails.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            return output_failed(&e);
        }
    }};
}

/// `print!`, the same way.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = write!(out, $($arg)*).and_then(|()| out.flush()) {
            return output_failed(&e);
        }
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            say_raw!("{}", spec::schema_text());
            ExitCode::SUCCESS
        }
        Command::Render {
            descriptions,
            place,
            write,
            check,
        } => render_cmd(&descriptions, &place, write, check),
        Command::Diff {
            descriptions,
            place,
            format,
        } => diff_cmd(&descriptions, &place, format),
        Command::Init {
            name,
            domain,
            port,
            supervisor,
            output,
        } => {
            let kind = match supervisor {
                SupervisorArg::Pm2 => "pm2",
                SupervisorArg::Systemd => "systemd",
            };
            match init::run(&name, &domain, port, kind, output.as_deref()) {
                Ok(lines) => {
                    for l in lines {
                        say!("{l}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Import {
            files,
            output,
            format,
            prefix,
            root,
            name,
            site,
        } => import_cmd(&files, output.as_deref(), format, prefix, root, name, site),
        Command::Lint(args) => {
            svcgen::syntax::MAX_FILE_BYTES.store(
                args.max_file_size.saturating_mul(1 << 20),
                std::sync::atomic::Ordering::Relaxed,
            );
            lint_cmd(args)
        }
        Command::Explain { code, all, format } => explain_cmd(code.as_deref(), all, format),
        Command::Rules { format } => rules_cmd(format),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "svcgen", &mut out);
            say_raw!("{}", String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Man { dir: Some(dir) } => {
            if let Err(e) = clap_mangen::generate_to(Cli::command(), &dir) {
                return fail(format!(
                    "cannot write the man pages into {}: {e}",
                    dir.display()
                ));
            }
            ExitCode::SUCCESS
        }
        Command::Man { dir: None } => {
            let mut out = Vec::new();
            if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
                return fail(e);
            }
            say_raw!("{}", String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("svcgen: error: {message}");
    ExitCode::from(2)
}

/// Renders the set, or says why not (each description's errors, each clash).
fn render_set(descriptions: &[PathBuf], place: &Placement) -> Result<Rendered, ExitCode> {
    pipeline::render(
        descriptions,
        place.env.as_deref(),
        place.templates.as_deref(),
    )
    .map_err(|e| match e {
        RenderError::Load(errors) => {
            for error in errors {
                match error {
                    // A line saying which file, then each error on its own.
                    LoadError::Invalid(errors) => {
                        eprintln!("svcgen: error: {errors}");
                        for e in errors.errors {
                            eprintln!("{:?}", miette::Report::new(e));
                        }
                    }
                    other => {
                        let _ = fail(other);
                    }
                }
            }
            ExitCode::from(2)
        }
        RenderError::Clashes(clashes) => {
            for c in &clashes {
                eprintln!("svcgen: error: {}: {}", c.at, c.message);
            }
            fail(RenderError::Clashes(clashes))
        }
        other => fail(other),
    })
}

/// Lints the descriptions `rendered` came from as `svcgen lint` does (with the
/// project's `.svcgen.yaml`, svcgen's own rules: no external checker, so a render
/// never depends on what is installed): a finding lint would fail on is said with
/// the description line it comes from, and the render stops (exit 2).
fn lint_rendered(rendered: &Rendered, place: &Placement) -> Result<(), ExitCode> {
    let invocation = lint::config::Invocation {
        no_shellcheck: true,
        no_hadolint: true,
        templates: place.templates.clone(),
        ..Default::default()
    };
    let (opts, fail_on) = match lint::config::resolve(&invocation) {
        Ok(r) => (r.options, r.fail_on),
        Err(e) => return Err(fail(e)),
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for (spec, _) in &rendered.services {
        let file = PathBuf::from(&spec.file);
        if !files.contains(&file) {
            files.push(file);
        }
    }
    let report = lint::lint(&files, &opts);
    let failing = report
        .findings
        .iter()
        .filter(|f| f.severity >= fail_on)
        .count();
    if report.errors.is_empty() && failing == 0 {
        return Ok(());
    }
    // The findings, then one line (the exposure notes of a full lint report are
    // not what stopped the render).
    let colour = svcgen::report::colour_for(&std::io::stderr());
    let mut notes = Vec::new();
    let _ = svcgen::report::text::write_split(
        &report,
        colour,
        &mut std::io::stderr().lock(),
        &mut notes,
    );
    eprintln!(
        "svcgen: error: what {} renders fails svcgen lint ({} finding(s) above): nothing was rendered; change the description values they name",
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        report.errors.len() + failing
    );
    Err(ExitCode::from(2))
}

/// Kubernetes files are applied to a cluster, not installed on the host: under
/// install paths they are neither compared nor written, and the run says so
/// rather than pass them over in silence.
fn note_not_placed(rendered: &Rendered, target: &Target) {
    let skipped = rendered.not_placed(target);
    if !skipped.is_empty() {
        eprintln!(
            "svcgen: note: {} not installed on the host, so not compared or written under install paths ({}): use --out DIR for them",
            if skipped.len() == 1 {
                "1 file is"
            } else {
                "these files are"
            },
            skipped.join(", ")
        );
    }
}

fn render_cmd(descriptions: &[PathBuf], place: &Placement, write: bool, check: bool) -> ExitCode {
    // Files written at install paths (often by root) come only from descriptions
    // named one by one: a directory would install whatever description anyone
    // who can write below it placed there.
    let installs = !check && place.out.is_none() && (write || place.root.is_some());
    if installs && let Some(dir) = descriptions.iter().find(|d| d.is_dir()) {
        return fail(format_args!(
            "{} is a directory: name each description to install (a directory is read only with --out, --check or diff)",
            dir.display()
        ));
    }
    let rendered = match render_set(descriptions, place) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // What is rendered passes svcgen's own lint, or nothing is written or shown
    // (`--check` only compares: it reports drift whatever the files say).
    if !check && let Err(code) = lint_rendered(&rendered, place) {
        return code;
    }
    let target = place
        .target()
        .or_else(|| (write || check).then(|| Target::Root(PathBuf::from("/"))));
    let Some(target) = target else {
        let mut shown: std::collections::HashSet<(&str, &str)> = Default::default();
        for (_, artifacts) in &rendered.services {
            for a in artifacts {
                // The host's shared files are in every service's list: shown once.
                if !shown.insert((&a.file_name, &a.content)) {
                    continue;
                }
                match &a.install_path {
                    Some(at) => say!("==> {} ({}) <==", a.file_name, at.display()),
                    None => say!("==> {} <==", a.file_name),
                }
                say_raw!("{}", a.content);
            }
        }
        return ExitCode::SUCCESS;
    };
    note_not_placed(&rendered, &target);
    if check {
        let files = match rendered.compare(&target) {
            Ok(f) => f,
            Err(e) => return fail(format_args!("cannot read {e}")),
        };
        let mut drift = false;
        for f in &files {
            let what = match f.status {
                Status::Unchanged => continue,
                Status::Modified => "differs from what",
                Status::Added => "is missing; it",
                Status::Stale => "is no longer rendered; it was generated from",
            };
            drift = true;
            match f.status {
                Status::Stale => say!("{}: {what} the description", f.path.display()),
                _ => say!(
                    "{}: {what} svcgen renders (+{} -{})",
                    f.path.display(),
                    f.added,
                    f.removed
                ),
            }
        }
        if drift {
            say!("{}", apply_hint(place));
            return ExitCode::from(1);
        }
        return ExitCode::SUCCESS;
    }
    let (written, failure) = match rendered.write(&target) {
        Ok(written) => (written, None),
        Err(WriteError::Write {
            path,
            error,
            written,
        }) => (
            written,
            Some(format!("cannot write {}: {error}", path.display())),
        ),
        Err(e) => return fail(e),
    };
    for (path, outcome) in &written {
        match outcome {
            WriteOutcome::Unchanged => say!("unchanged {}", path.display()),
            WriteOutcome::Created => say!("created {}", path.display()),
            WriteOutcome::Updated => say!("updated {}", path.display()),
        }
    }
    match failure {
        Some(message) => fail(message),
        None => ExitCode::SUCCESS,
    }
}

/// After drift: the commands that show and apply the changes, with the same
/// target as the check (`--out` where the check compared `--out`).
fn apply_hint(place: &Placement) -> String {
    let mut target = match (&place.out, &place.root) {
        (Some(out), _) => vec![format!("--out '{}'", out.display())],
        (None, Some(root)) => vec![format!("--root '{}'", root.display())],
        (None, None) => Vec::new(),
    };
    if let Some(name) = &place.env {
        target.push(format!("--env {name}"));
    }
    let command = |verb: &str, extra: Option<&str>| {
        let mut words = vec!["svcgen", verb, "DESCRIPTIONS"];
        words.extend(target.iter().map(String::as_str));
        words.extend(extra);
        words.join(" ")
    };
    let write = (place.out.is_none() && place.root.is_none()).then_some("--write");
    format!(
        "run `{}` to see the changes, `{}` to apply them",
        command("diff", None),
        command("render", write)
    )
}

fn diff_cmd(descriptions: &[PathBuf], place: &Placement, format: DiffFormat) -> ExitCode {
    let rendered = match render_set(descriptions, place) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // Without --out or --root: the layout `svcgen init` suggests, when every
    // description has it; never this host's install paths unasked.
    let target = match place.target() {
        Some(t) => t,
        None => {
            let layout = Target::Out(PathBuf::from("{dir}/{name}"));
            let kept = rendered
                .services
                .iter()
                .all(|(spec, _)| layout.base(&spec.service.name, &spec.file).is_dir());
            if !kept {
                return fail(
                    "diff needs --out DIR (where the rendered files are kept; `--out '{dir}/{name}'` is the layout svcgen init suggests) or --root DIR (install paths below DIR; `--root /` for this host)",
                );
            }
            eprintln!(
                "svcgen: note: comparing with {{dir}}/{{name}}/ beside each description (the layout svcgen init suggests); `--root /` compares with this host"
            );
            layout
        }
    };
    note_not_placed(&rendered, &target);
    let files = match rendered.compare(&target) {
        Ok(f) => f,
        Err(e) => return fail(format_args!("cannot read {e}")),
    };
    let drift = files.iter().any(|f| f.status != Status::Unchanged);
    match format {
        DiffFormat::Json => {
            say!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({ "drift": drift, "files": files })
                )
                .expect("drift serializes")
            );
        }
        DiffFormat::Text => {
            let colour = svcgen::report::colour_for(&std::io::stdout());
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if let Err(e) =
                svcgen::report::diff::write(&files, colour, &mut out).and_then(|()| out.flush())
            {
                return output_failed(&e);
            }
            eprintln!("svcgen: {}", svcgen::report::diff::summary(&files));
        }
    }
    if drift {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(clap::Args)]
struct LintArgs {
    /// Files or directories (`-` for standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: LintFormat,
    /// Only these codes, prefixes or rule names (comma-separated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these codes, prefixes or rule names (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// The lowest severity that makes the exit code 1 [default: warning].
    #[arg(long, value_enum)]
    fail_on: Option<SeverityArg>,
    /// Target nginx version (default: the description's, else 1.22.1).
    #[arg(long, value_name = "X.Y.Z")]
    nginx_version: Option<String>,
    /// Treat every path as this type instead of guessing.
    #[arg(long = "type", value_parser = clap::builder::PossibleValuesParser::new(lint::registry::type_names()))]
    file_type: Option<String>,
    /// Lint configuration file [default: .svcgen.yaml when present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Override embedded templates when rendering descriptions.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Do not run shellcheck on deploy scripts.
    #[arg(long)]
    no_shellcheck: bool,
    /// The shellcheck to run [default: shellcheck on PATH; when absent, a note].
    #[arg(long, value_name = "PATH", conflicts_with = "no_shellcheck")]
    shellcheck: Option<PathBuf>,
    /// Do not run hadolint on Dockerfiles.
    #[arg(long)]
    no_hadolint: bool,
    /// The hadolint to run [default: `hadolint` on PATH; absent: a note].
    #[arg(long, value_name = "PATH", conflicts_with = "no_hadolint")]
    hadolint: Option<PathBuf>,
    /// The files given are one service's nginx site, unit, ecosystem file and
    /// deploy script: also check them against each other (XA rules).
    #[arg(long)]
    together: bool,
    /// The largest file read, in MiB (inputs and nginx includes).
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_file_size: u64,
    /// nginx's conf prefix: where relative `include` paths start [default: the
    /// nearest directory above the file holding nginx.conf, else its directory].
    #[arg(long, value_name = "DIR")]
    prefix: Option<PathBuf>,
    /// Read absolute nginx `include` paths beneath DIR (a copy of the server's
    /// files) [default: as written for a file under /etc; otherwise only within
    /// the linted file's own tree, and a note for the others].
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

fn lint_cmd(args: LintArgs) -> ExitCode {
    let invocation = lint::config::Invocation {
        config: args.config.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(Severity::from),
        nginx_version: args.nginx_version.clone(),
        file_type: args.file_type.clone(),
        templates: args.templates.clone(),
        no_shellcheck: args.no_shellcheck,
        no_hadolint: args.no_hadolint,
        hadolint: args.hadolint.clone(),
        shellcheck: args.shellcheck.clone(),
        together: args.together,
        prefix: args.prefix.clone(),
        root: args.root.clone(),
    };
    let (opts, fail_on) = match lint::config::resolve(&invocation) {
        Ok(r) => (r.options, r.fail_on),
        Err(e) => return fail(e),
    };
    let report = lint::lint(&args.paths, &opts);
    match args.format {
        // Streamed: a report of tens of thousands of findings is never one string.
        LintFormat::Json => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            if let Err(e) =
                svcgen::report::json::write(&report, &mut out).and_then(|()| out.flush())
            {
                return output_failed(&e);
            }
        }
        // Findings are the output (standard output); the summary is said on
        // standard error.
        LintFormat::Text => {
            let colour = svcgen::report::colour_for(&std::io::stdout());
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            if let Err(e) = svcgen::report::text::write_split(
                &report,
                colour,
                &mut out,
                &mut std::io::stderr().lock(),
            ) {
                return output_failed(&e);
            }
        }
        LintFormat::Concise => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            if let Err(e) = svcgen::report::concise::write(&report, &mut out) {
                return output_failed(&e);
            }
            eprint!("{}", svcgen::report::text::summary(&report));
        }
        LintFormat::Sarif => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if let Err(e) =
                svcgen::report::sarif::write(&report, &mut out).and_then(|()| out.flush())
            {
                return output_failed(&e);
            }
        }
        LintFormat::Github => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if let Err(e) =
                svcgen::report::github::write(&report, &mut out).and_then(|()| out.flush())
            {
                return output_failed(&e);
            }
        }
    }
    let code = if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if report.findings.iter().any(|f| f.severity >= fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: freeing a large configuration's tree one node at a
    // time would only cost time.
    std::mem::forget(report);
    code
}

fn rules_cmd(format: DiffFormat) -> ExitCode {
    let rules = lint::registry::all();
    match format {
        DiffFormat::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity,
                        "summary": r.summary,
                    })
                })
                .collect();
            say!("{}", serde_json::to_string_pretty(&list).expect("JSON"));
        }
        DiffFormat::Text => {
            let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in rules {
                say!(
                    "{:<6} {:<name_width$} {:<7} {}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary
                );
            }
        }
    }
    ExitCode::SUCCESS
}

fn explain_cmd(code: Option<&str>, all: bool, format: ExplainFormat) -> ExitCode {
    let rules: Vec<&lint::rule::Rule> = if all {
        lint::registry::all().to_vec()
    } else {
        match code.and_then(lint::registry::find_by_code_or_name) {
            Some(r) => vec![r],
            None => {
                return fail(format_args!(
                    "no rule `{}`; `svcgen rules` lists them",
                    code.unwrap_or("")
                ));
            }
        }
    };
    match format {
        ExplainFormat::Json => {
            let docs: Vec<_> = rules.iter().map(|r| r.doc()).collect();
            let v = if all {
                serde_json::to_value(&docs)
            } else {
                serde_json::to_value(&docs[0])
            };
            say!(
                "{}",
                serde_json::to_string_pretty(&v.expect("docs serialize")).expect("JSON")
            );
        }
        ExplainFormat::Markdown => {
            let texts: Vec<String> = rules.iter().map(|r| lint::registry::markdown(r)).collect();
            say_raw!("{}", texts.join("\n"));
        }
        ExplainFormat::Text => {
            let bold = svcgen::report::colour_for(&std::io::stdout());
            let texts: Vec<String> = rules
                .iter()
                .map(|r| for_terminal(&lint::registry::markdown(r), bold))
                .collect();
            say_raw!("{}", texts.join("\n"));
        }
    }
    ExitCode::SUCCESS
}

/// A rule's Markdown as a terminal shows it: headings as plain (bold on a
/// terminal) lines, fenced examples indented without their fences.
fn for_terminal(markdown: &str, bold: bool) -> String {
    let style = anstyle::Style::new().bold();
    let mut out = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            out.push_str(&format!("    {line}\n"));
        } else if let Some(heading) = line.strip_prefix("### ").or(line.strip_prefix("## ")) {
            let heading = heading.replace('`', "");
            if bold {
                out.push_str(&format!("{style}{heading}{style:#}\n"));
            } else {
                out.push_str(&format!("{heading}\n"));
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn import_cmd(
    files: &[PathBuf],
    output: Option<&Path>,
    format: DiffFormat,
    prefix: Option<PathBuf>,
    root: Option<PathBuf>,
    name: Option<String>,
    site: Option<String>,
) -> ExitCode {
    if let Some(out) = output
        && std::fs::symlink_metadata(out).is_ok()
    {
        return fail(format!(
            "{} already exists; svcgen import never overwrites a file (choose another with --output)",
            out.display()
        ));
    }
    let file_name = output
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "imported.svcgen.yaml".into());
    let opts = svcgen::import::Options {
        prefix,
        root,
        file_name,
        name,
        site,
    };
    let imported = match svcgen::import::import(files, &opts) {
        Ok(i) => i,
        Err(e) => return fail(e.to_string()),
    };
    let report = match format {
        DiffFormat::Text => svcgen::import::text_report(&imported),
        DiffFormat::Json => svcgen::import::json_report(&imported),
    };
    match output {
        Some(out) => {
            if let Err(e) = init::write_here(out, imported.description.as_bytes()) {
                return fail(format!("cannot write {}: {e}", out.display()));
            }
            say_raw!("{report}");
            if matches!(format, DiffFormat::Text) {
                say!("wrote {}", out.display());
            }
        }
        None => {
            say_raw!("{}", imported.description);
            eprint!("{report}");
        }
    }
    ExitCode::SUCCESS
}
