//! Command dispatch: parses arguments, runs the command, writes its output, and returns the exit
//! code of CONTRACT §3 (0 clean, 1 findings at or above --fail-on, 2 the tool could not do its
//! job). `main` only wires real stdio to this, so tests can drive it in-process too.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};

use clap::{CommandFactory, FromArgMatches};

mod complete;
mod interrupt;
mod lint;
mod live;
mod runbook;
mod which;

use crate::cli::{Cli, ColorChoice, Command, Deferred, ListFormat, RulesArgs};
use crate::report::{self, human};
use crate::rules::{self, RULES};

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
        Command::Lint(Deferred(args)) => lint::lint_command(args, io),
        Command::Rules(Deferred(args)) => rules_command(&args, io),
        Command::Explain { rule } => explain_command(&rule, io),
        Command::Plan(Deferred(args)) => plan_command(&args, io),
        Command::Completion { shell } => completion_command(shell, io),
        Command::Assign(Deferred(args)) => live::assign(args, io),
        Command::Unassign(Deferred(args)) => live::unassign(args, io),
        Command::Enable(Deferred(args)) => live::enable(args, io),
        Command::Disable(Deferred(args)) => live::disable(args, io),
        Command::Patch(Deferred(args)) => live::patch(args, io),
        Command::List(Deferred(args)) => live::list(args, io),
        Command::Show(Deferred(args)) => live::show(args, io),
        Command::Which(Deferred(args)) => which::which(args, io),
        Command::Migrate(Deferred(args)) => runbook::migrate(args, io),
        Command::Resize(Deferred(args)) => runbook::resize(args, io),
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
    let theme = human_style(ColorChoice::Auto, io.stderr_is_terminal).theme();
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

/// How human output looks on a stream: colour as `--color` says, in `auto` off with `NO_COLOR`,
/// on with `FORCE_COLOR` or `CLICOLOR_FORCE`, off on a dumb terminal, else on a terminal only;
/// box drawing unless the locale is not UTF-8 (`LANG=C`) or the terminal is dumb.
pub(crate) fn human_style(choice: ColorChoice, is_terminal: bool) -> human::Options {
    style_from(choice, is_terminal, &|name| {
        std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
    })
}

fn style_from(
    choice: ColorChoice,
    is_terminal: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> human::Options {
    let set = |name: &str| env(name).filter(|value| !value.is_empty());
    let dumb = set("TERM").is_some_and(|term| term == "dumb");
    let forced = ["FORCE_COLOR", "CLICOLOR_FORCE"].iter().any(|name| {
        set(name).is_some_and(|value| value != "0" && !value.eq_ignore_ascii_case("false"))
    });
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR").is_some() => false,
        ColorChoice::Auto if forced => true,
        ColorChoice::Auto => is_terminal && !dumb,
    };
    // The locale in force is the first of these that is set; unset means C, but a missing
    // locale is far more often a bare container than a terminal that cannot draw boxes.
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| set(name));
    let utf8 = locale.is_none_or(|locale| {
        let locale = locale.to_ascii_lowercase();
        locale.contains("utf-8") || locale.contains("utf8")
    });
    human::Options {
        color,
        unicode: utf8 && !dumb,
    }
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
                        "fix": (rule.fix != rules::Fixable::NONE).then(|| rule.fix.label()),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *io.stdout, &list).map_err(io::Error::from)?;
            writeln!(io.stdout)?;
        }
        ListFormat::Human => {
            let name_width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let fix_width = "safe+unsafe".len();
            for rule in RULES {
                writeln!(
                    io.stdout,
                    "{}  {:<name_width$}  {:<7}  {:<fix_width$}  {}",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.fix.label(),
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
/// `completion SHELL`. The bash, zsh and fish scripts ask the binary for candidates
/// (`__complete`, cobra's protocol, as the kubectl shim does), so they complete rule codes, flag
/// values and paths as the binary knows them; PowerShell's is clap_complete's static script.
fn completion_command(shell: crate::cli::CompletionShell, io: &mut Io<'_>) -> Result<i32, Failure> {
    use crate::cli::CompletionShell;
    let script = match shell {
        CompletionShell::Bash => include_str!("app/completion/kubectl-ippool.bash").to_owned(),
        CompletionShell::Zsh => include_str!("app/completion/_kubectl-ippool").to_owned(),
        CompletionShell::Fish => include_str!("app/completion/kubectl-ippool.fish").to_owned(),
        CompletionShell::Powershell => {
            // Not the `kubectl ippool` usage name: the script completes the binary's own name.
            let mut script = Vec::new();
            clap_complete::generate(
                clap_complete::Shell::PowerShell,
                &mut Cli::command(),
                "kubectl-ippool",
                &mut script,
            );
            String::from_utf8_lossy(&script).into_owned()
        }
    };
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

#[cfg(test)]
mod style_tests {
    use super::*;

    fn style(choice: ColorChoice, terminal: bool, vars: &[(&str, &str)]) -> (bool, bool) {
        let env = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        let options = style_from(choice, terminal, &env);
        (options.color, options.unicode)
    }

    #[test]
    fn colour_follows_the_flag_then_the_environment_then_the_terminal() {
        use ColorChoice::{Always, Auto, Never};
        assert_eq!(style(Auto, true, &[]), (true, true));
        assert_eq!(style(Auto, false, &[]), (false, true));
        assert_eq!(style(Auto, true, &[("NO_COLOR", "1")]), (false, true));
        assert_eq!(style(Auto, false, &[("FORCE_COLOR", "1")]), (true, true));
        assert_eq!(style(Auto, false, &[("CLICOLOR_FORCE", "1")]), (true, true));
        assert_eq!(style(Auto, false, &[("FORCE_COLOR", "0")]), (false, true));
        assert_eq!(
            style(Auto, false, &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]),
            (false, true)
        );
        assert_eq!(style(Auto, true, &[("TERM", "dumb")]), (false, false));
        assert_eq!(style(Always, false, &[("NO_COLOR", "1")]), (true, true));
        assert_eq!(style(Never, true, &[("FORCE_COLOR", "1")]), (false, true));
    }

    #[test]
    fn box_drawing_needs_a_utf8_locale() {
        use ColorChoice::Never;
        assert_eq!(style(Never, false, &[("LANG", "C")]), (false, false));
        assert_eq!(style(Never, false, &[("LANG", "POSIX")]), (false, false));
        assert_eq!(
            style(Never, false, &[("LANG", "en_US.UTF-8")]),
            (false, true)
        );
        assert_eq!(style(Never, false, &[("LANG", "C.utf8")]), (false, true));
        // LC_ALL overrides LANG.
        assert_eq!(
            style(Never, false, &[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")]),
            (false, false)
        );
        assert_eq!(
            style(Never, false, &[("LC_CTYPE", "de_DE.UTF-8"), ("LANG", "C")]),
            (false, true)
        );
    }
}
