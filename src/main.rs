//! The `svcgen` command line: parse arguments, run, map the outcome to an exit code
//! (0 clean, 1 drift or findings, 2 usage, I/O or description error).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use svcgen::output::{WriteOutcome, write_atomic};
use svcgen::render::{self, Artifact};
use svcgen::spec;

#[derive(Parser)]
#[command(
    name = "svcgen",
    version,
    about = "Compile one YAML description of a Node.js web service into a hardened systemd unit, PM2 ecosystem file, nginx site and deploy script."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render the files of a service description.
    #[command(
        after_help = "Examples:\n  svcgen render fixtures/api-gateway.yaml --out build/\n  svcgen render service.yaml --out deploy/ --check"
    )]
    Render {
        /// The service description (YAML).
        description: PathBuf,
        /// Write the files into this directory (flat: one file per artifact).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override embedded templates with same-named files from this directory.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Do not write: exit 1 if any file under --out differs from what would be rendered.
        #[arg(long, requires = "out")]
        check: bool,
    },
    /// Print the JSON Schema of service descriptions (draft-07).
    #[command(after_help = "Example:\n  svcgen schema > schemas/service.schema.json")]
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            print!("{}", spec::schema_text());
            ExitCode::SUCCESS
        }
        Command::Render {
            description,
            out,
            templates,
            check,
        } => render_cmd(&description, out.as_deref(), templates.as_deref(), check),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("svcgen: error: {message}");
    ExitCode::from(2)
}

fn load_and_render(
    description: &Path,
    templates: Option<&Path>,
) -> Result<Vec<Artifact>, ExitCode> {
    let file = description.display().to_string();
    let text = std::fs::read_to_string(description)
        .map_err(|e| fail(format_args!("cannot read {file}: {e}")))?;
    let spec = spec::load(&file, &text).map_err(|errors| {
        eprintln!("{:?}", miette::Report::new(errors));
        ExitCode::from(2)
    })?;
    let env = render::environment(templates).map_err(fail)?;
    render::render(&spec, &env).map_err(fail)
}

fn render_cmd(
    description: &Path,
    out: Option<&Path>,
    templates: Option<&Path>,
    check: bool,
) -> ExitCode {
    let artifacts = match load_and_render(description, templates) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let Some(out) = out else {
        for a in &artifacts {
            println!("==> {} ({}) <==", a.file_name, a.install_path.display());
            print!("{}", a.content);
        }
        return ExitCode::SUCCESS;
    };
    if check {
        let mut drift = false;
        for a in &artifacts {
            let path = out.join(&a.file_name);
            match std::fs::read(&path) {
                Ok(old) if old == a.content.as_bytes() => {}
                Ok(_) => {
                    drift = true;
                    println!("would update {}", path.display());
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    drift = true;
                    println!("would create {}", path.display());
                }
                Err(e) => return fail(format_args!("cannot read {}: {e}", path.display())),
            }
        }
        return if drift {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    for a in &artifacts {
        let path = out.join(&a.file_name);
        match write_atomic(&path, a.content.as_bytes(), a.mode) {
            Ok(WriteOutcome::Unchanged) => println!("unchanged {}", path.display()),
            Ok(WriteOutcome::Created) => println!("created {}", path.display()),
            Ok(WriteOutcome::Updated) => println!("updated {}", path.display()),
            Err(e) => return fail(format_args!("cannot write {}: {e}", path.display())),
        }
    }
    ExitCode::SUCCESS
}
