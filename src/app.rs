//! Command dispatch: parses arguments, runs the command, writes its output, and returns the exit
//! code of CONTRACT §3 (0 clean, 1 findings at or above --fail-on, 2 the tool could not do its
//! job). `main` only wires real stdio to this, so tests can drive it in-process too.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};

use clap::{CommandFactory, FromArgMatches};

mod complete;
mod interrupt;
mod live;
mod runbook;
mod which;

use crate::cli::{Cli, ColorChoice, Command, ListFormat, OutputFormat, RulesArgs};
use crate::lint;
use crate::report::{self, human};
use crate::rules::{self, RULES};
use crate::settings::LintSettings;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_TROUBLE: i32 = 2;
/// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    /// Live commands ask before a change that restarts pods only when they can.
    pub stdin_is_terminal: bool,
}

/// The usage name: `kubectl ippool` when run as a kubectl plugin binary (`kubectl-ippool`).
fn bin_name(argv0: Option<&OsString>) -> String {
    let base = argv0
        .map(std::path::Path::new)
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match base.strip_prefix("kubectl-") {
        Some(plugin) => format!("kubectl {}", plugin.replace('_', "-")),
        None if base.is_empty() => "kubectl-ippool".to_owned(),
        None => base,
    }
}

pub fn run(args: Vec<OsString>, io: &mut Io<'_>) -> i32 {
    // Like cobra's, the completion entry point is not a subcommand: it stays out of --help and of
    // the generated completion scripts, and clap never interprets the words being completed.
    if args.get(1).is_some_and(|arg| arg == complete::ENTRY) {
        return complete_command(&args[2..], io);
    }
    let command = Cli::command().bin_name(bin_name(args.first()));
    let matches = match command.try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => {
            let code = if error.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_OK
            };
            let rendered = if io.stderr_is_terminal && error.use_stderr() {
                error.render().ansi().to_string()
            } else {
                error.render().to_string()
            };
            let out: &mut dyn Write = if error.use_stderr() {
                io.stderr
            } else {
                io.stdout
            };
            let _ = out.write_all(rendered.as_bytes());
            return code;
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = write!(io.stderr, "{error}");
            return EXIT_TROUBLE;
        }
    };
    let result = match cli.command {
        Command::Lint(args) => lint_command(args, io),
        Command::Rules(args) => rules_command(&args, io),
        Command::Explain { rule } => explain_command(&rule, io),
        Command::Plan(args) => plan_command(&args, io),
        Command::Completion { shell } => completion_command(shell, io),
        Command::Assign(args) => live::assign(args, io),
        Command::Unassign(args) => live::unassign(args, io),
        Command::Enable(args) => live::enable(args, io),
        Command::Disable(args) => live::disable(args, io),
        Command::Patch(args) => live::patch(args, io),
        Command::List(args) => live::list(args, io),
        Command::Show(args) => live::show(args, io),
        Command::Which(args) => which::which(args, io),
        Command::Migrate(args) => runbook::migrate(args, io),
        Command::Resize(args) => runbook::resize(args, io),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Io(error)) if error.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(Failure::Io(error)) => {
            let _ = writeln!(io.stderr, "kubectl-ippool: error: {error}");
            EXIT_TROUBLE
        }
        Err(Failure::Report(report)) => {
            print_error(io, report.as_ref());
            EXIT_TROUBLE
        }
        Err(Failure::Live(error)) => {
            let message = error.to_string();
            let _ = writeln!(
                io.stderr,
                "kubectl-ippool: error: {}",
                report::escape_controls(&message, &[])
            );
            match error {
                crate::live::client::LiveError::Interrupted(_) => EXIT_INTERRUPTED,
                _ => EXIT_TROUBLE,
            }
        }
    }
}

enum Failure {
    Io(io::Error),
    Report(Box<dyn miette::Diagnostic + Send + Sync>),
    /// A live command that could not do its job: one line on stderr.
    Live(crate::live::client::LiveError),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Failure::Io(error)
    }
}

/// One error style for every command: `kubectl-ippool: error: …` and its help, as the live
/// commands print theirs; an error with a place in a file (a configuration file) keeps its
/// snippet, without the internal diagnostic code.
fn print_error(io: &mut Io<'_>, error: &dyn miette::Diagnostic) {
    if error.source_code().is_none() || error.labels().is_none() {
        let mut text = format!(
            "kubectl-ippool: error: {}\n",
            report::escape_controls(&error.to_string(), &[])
        );
        if let Some(help) = error.help() {
            text.push_str(&format!(
                "  help: {}\n",
                report::escape_controls(&help.to_string(), &[])
            ));
        }
        let _ = io.stderr.write_all(text.as_bytes());
        return;
    }
    let theme = if io.stderr_is_terminal && !no_color_env() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    let mut text = String::new();
    if handler.render_report(&mut text, error).is_err() {
        text = format!("error: {error}\n");
    }
    // miette heads the report with the code (`ippool::config`), which says nothing to a user.
    if let Some(code) = error.code().map(|c| c.to_string())
        && let Some(rest) = text.strip_prefix(code.as_str())
    {
        text = rest.trim_start_matches('\n').to_owned();
    }
    let _ = io.stderr.write_all(text.as_bytes());
}

fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn lint_command(args: crate::cli::LintArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let settings = LintSettings::resolve(args).map_err(|e| Failure::Report(Box::new(e)))?;
    let cluster = live::cluster_state(&settings.cluster_source)?;
    let outcome = lint::run_with_cluster(&settings, io.stdin, cluster)
        .map_err(|e| Failure::Report(Box::new(e)))?;

    let failing = settings
        .fail_on
        .is_some_and(|threshold| outcome.findings.iter().any(|f| f.severity >= threshold));
    let mut code = if failing { EXIT_FINDINGS } else { EXIT_OK };
    if !outcome.problems.is_empty() {
        code = EXIT_TROUBLE;
    }

    let written = match settings.output {
        OutputFormat::Human => {
            let color = match settings.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => io.stdout_is_terminal && !no_color_env(),
            };
            human::render(
                io.stdout,
                &outcome.findings,
                &outcome.sources,
                &outcome.summary,
                &human::Options { color },
            )
        }
        OutputFormat::Json => report::json::render(
            io.stdout,
            &outcome.findings,
            &outcome.sources,
            &outcome.summary,
        ),
        OutputFormat::Sarif => {
            let cwd = std::env::current_dir().ok();
            report::sarif::render(
                io.stdout,
                &outcome.findings,
                &outcome.sources,
                &report::sarif::Options {
                    rules: RULES,
                    cwd: cwd.as_deref(),
                },
            )
        }
        OutputFormat::Github => report::github::render(
            io.stdout,
            &outcome.findings,
            &outcome.sources,
            &report::github::Paths {
                cwd: std::env::current_dir().ok(),
                workspace: std::env::var_os("GITHUB_WORKSPACE")
                    .filter(|w| !w.is_empty())
                    .map(Into::into),
            },
        ),
        OutputFormat::Junit => report::junit::render(
            io.stdout,
            &outcome.findings,
            &outcome.sources,
            &outcome.problems,
            settings.fail_on,
        ),
    }
    .and_then(|()| io.stdout.flush());
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(code),
        other => other?,
    }
    for note in &outcome.notes {
        let _ = writeln!(
            io.stderr,
            "kubectl-ippool: note: {}: {}",
            note.path, note.message
        );
    }
    for problem in &outcome.problems {
        let _ = writeln!(
            io.stderr,
            "kubectl-ippool: {}: {}",
            report::escape_controls(&problem.path, &[]),
            report::escape_controls(&problem.message, &[])
        );
    }
    for warning in &outcome.warnings {
        let _ = writeln!(
            io.stderr,
            "kubectl-ippool: warning: {}",
            report::escape_controls(warning, &[])
        );
    }
    // A typo in a CI path or glob must not pass as a clean run.
    if outcome.summary.files == 0 && outcome.summary.cluster_objects == 0 {
        let _ = writeln!(
            io.stderr,
            "kubectl-ippool: {}: no file to lint in {} (files matching {}){}",
            if settings.fail_if_no_files {
                "error"
            } else {
                "warning"
            },
            report::escape_controls(&settings.paths.join(", "), &[]),
            if settings.include.is_empty() {
                crate::manifest::discover::DEFAULT_INCLUDE.join(", ")
            } else {
                settings.include.join(", ")
            },
            if settings.fail_if_no_files {
                ""
            } else {
                "; --fail-if-no-files makes this an error"
            }
        );
        if settings.fail_if_no_files {
            code = EXIT_TROUBLE;
        }
    }
    Ok(code)
}

fn rules_command(args: &RulesArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    match args.output {
        ListFormat::Json => {
            let list: Vec<_> = RULES
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "code": rule.code,
                        "name": rule.name,
                        "severity": rule.severity.as_str(),
                        "summary": rule.summary,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *io.stdout, &list).map_err(io::Error::from)?;
            writeln!(io.stdout)?;
        }
        ListFormat::Human => {
            let name_width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for rule in RULES {
                writeln!(
                    io.stdout,
                    "{}  {:<name_width$}  {:<7}  {}",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn explain_command(code_or_name: &str, io: &mut Io<'_>) -> Result<i32, Failure> {
    let Some(rule) = rules::lookup(code_or_name) else {
        return Err(Failure::Report(Box::new(crate::settings::unknown_rule(
            code_or_name,
        ))));
    };
    writeln!(
        io.stdout,
        "# {} {} ({})\n\n{}\n\n{}",
        rule.code,
        rule.name,
        rule.severity,
        rule.summary,
        rule.doc_text().trim_end()
    )?;
    Ok(EXIT_OK)
}

/// `plan`: exit 0 with a recommendation, 1 when no candidate qualifies (the plan is still
/// printed), 2 on invalid input.
fn plan_command(args: &crate::cli::PlanArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    use crate::model::capacity::{Plan, PlanInput};
    let plan = Plan::new(&PlanInput {
        cidr: &args.cidr,
        nodes: args.nodes,
        pods_per_node: args.pods_per_node,
        max_blocks_per_host: args.max_blocks_per_host,
        block_size: args.block_size,
    })
    .map_err(|e| Failure::Report(Box::new(e)))?;
    let findings = plan_findings(&plan);
    match args.output {
        ListFormat::Human => report::plan::render_human(io.stdout, &plan, &findings)?,
        ListFormat::Json => report::plan::render_json(io.stdout, &plan, &findings)?,
    }
    let error = findings
        .iter()
        .any(|f| f.severity == report::Severity::Error);
    Ok(if plan.recommended.is_some() && !error {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// What `lint` says about the pool the plan recommends (IPP110 for a reserved range, …): the
/// same rules on an IPPool with the plan's CIDR and blockSize. The rules that need the cluster
/// around the pool (nodes, other pools) are the plan's own arithmetic.
fn plan_findings(plan: &crate::model::capacity::Plan) -> Vec<report::Finding> {
    const CLUSTER_RULES: &[&str] = &["IPP103", "IPP104", "IPP105", "IPP106", "IPP107", "IPP111"];
    let mut spec = serde_json::json!({"cidr": plan.cidr.to_string()});
    if let Some(size) = plan.recommended {
        spec["blockSize"] = serde_json::json!(size);
    }
    let pool = serde_json::json!({
        "apiVersion": "projectcalico.org/v3", "kind": "IPPool",
        "metadata": {"name": "planned"}, "spec": spec,
    });
    crate::live::plan::World::default()
        .judge(None, &pool, &[])
        .new
        .into_iter()
        .filter(|finding| !CLUSTER_RULES.contains(&finding.code))
        .collect()
}

/// `completion SHELL`: the clap_complete script for the binary called directly. completions/
/// holds the same scripts, drift-tested.
fn completion_command(shell: crate::cli::CompletionShell, io: &mut Io<'_>) -> Result<i32, Failure> {
    use crate::cli::CompletionShell;
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
    };
    // Not the `kubectl ippool` usage name: the script completes the binary's own name.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "kubectl-ippool", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == Shell::Bash {
        // clap_complete's bash script names a subcommand's state `kubectl__ippool__subcmd__lint`
        // where it tracks it and `kubectl__subcmd__ippool__subcmd__lint` where it matches it
        // (clap-rs/clap#6421, hyphenated bin names), so nothing after a subcommand completed.
        // A no-op once clap_complete spells both alike.
        script = script.replace("kubectl__subcmd__ippool", "kubectl__ippool");
    }
    io.stdout.write_all(script.as_bytes())?;
    Ok(EXIT_OK)
}

/// `__complete WORDS…`: kubectl's plugin completion protocol, for the kubectl_complete-ippool
/// shim. Always exit 0: kubectl ignores the output of a failing completion command.
fn complete_command(words: &[OsString], io: &mut Io<'_>) -> i32 {
    let words: Vec<String> = words
        .iter()
        .map(|word| word.to_string_lossy().into_owned())
        .collect();
    let completion = complete::complete(&Cli::command(), &words);
    let _ = io.stdout.write_all(completion.to_protocol().as_bytes());
    EXIT_OK
}

/// Convenience for `main`: real stdio.
pub fn run_with_stdio(args: Vec<OsString>) -> i32 {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let stdout_is_terminal = stdout.is_terminal();
    let stderr_is_terminal = stderr.is_terminal();
    let stdin_is_terminal = stdin.is_terminal();
    let mut stdin_lock = stdin.lock();
    let mut stdout_lock = io::BufWriter::new(stdout.lock());
    let mut stderr_lock = stderr.lock();
    let mut io = Io {
        stdin: &mut stdin_lock,
        stdout: &mut stdout_lock,
        stderr: &mut stderr_lock,
        stdout_is_terminal,
        stderr_is_terminal,
        stdin_is_terminal,
    };
    let code = run(args, &mut io);
    match stdout_lock.flush() {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe && code != EXIT_TROUBLE => {
            let _ = writeln!(io::stderr(), "kubectl-ippool: error: {error}");
            EXIT_TROUBLE
        }
        _ => code,
    }
}
