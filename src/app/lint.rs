//! `kubectl ippool lint`: one run, then its report in the format asked for, or what a reporting
//! flag asks instead (`--statistics`, `--show-files`, `--show-config`), or the fixes
//! (`--fix`, `--diff`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::live;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, Failure, Io, human_style};
use crate::cli::OutputFormat;
use crate::fix;
use crate::lint::{self, Outcome};
use crate::report::{self, Applicability, Finding, human};
use crate::rules::RULES;
use crate::settings::{ClusterSource, FixMode, LintSettings};

pub(super) fn lint_command(args: crate::cli::LintArgs, io: &mut Io<'_>) -> Result<i32, Failure> {
    let settings = LintSettings::resolve(args).map_err(|e| Failure::Report(Box::new(e)))?;
    if settings.show_config {
        io.stdout.write_all(show_config(&settings).as_bytes())?;
        return Ok(EXIT_OK);
    }
    let cluster = live::cluster_state(&settings.cluster_source)?;
    // --fix lints twice (before and after writing): stdin and the cluster are read once.
    let mut stdin = Vec::new();
    if settings.fix == FixMode::Write && settings.paths.iter().any(|p| p == "-") {
        io.stdin.read_to_end(&mut stdin)?;
    }
    let rerun_cluster = (settings.fix == FixMode::Write).then(|| cluster.clone());
    let mut outcome = run_once(&settings, &stdin, io, cluster)?;

    if settings.show_files {
        show_files(io, &settings, &outcome)?;
        report_stderr(io, &settings, &outcome);
        return Ok(if outcome.problems.is_empty() {
            EXIT_OK
        } else {
            EXIT_TROUBLE
        });
    }

    let planned = (settings.fix != FixMode::Report).then(|| {
        fix::plan(
            &outcome.findings,
            &outcome.sources,
            &|source| outcome.on_disk.get(source as usize).cloned().flatten(),
            settings.unsafe_fixes,
        )
    });
    let mut fix_notes = Vec::new();
    if let Some(planned) = &planned {
        fix_notes.extend(planned.skipped.iter().cloned());
        if settings.fix == FixMode::Diff {
            io.stdout.write_all(fix::diff(planned).as_bytes())?;
            io.stdout.flush()?;
            if !settings.quiet {
                let _ = writeln!(
                    io.stderr,
                    "kubectl-ippool: {} would be fixed in {}{}",
                    human::plural(planned.fixed(), "finding"),
                    human::plural(planned.files.len(), "file"),
                    unsafe_hint(planned.unsafe_left, settings.unsafe_fixes)
                );
            }
            for note in &fix_notes {
                let _ = writeln!(io.stderr, "kubectl-ippool: note: {note}");
            }
            report_stderr(io, &settings, &outcome);
            return Ok(if !outcome.problems.is_empty() {
                EXIT_TROUBLE
            } else if planned.files.is_empty() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            });
        }
        let applied = fix::apply(planned);
        fix_notes.extend(applied.failed);
        if applied.files > 0 {
            outcome = run_once(&settings, &stdin, io, rerun_cluster.unwrap_or_default())?;
        }
        if !settings.quiet {
            let _ = writeln!(
                io.stderr,
                "kubectl-ippool: fixed {} in {}{}",
                human::plural(applied.fixed, "finding"),
                human::plural(applied.files, "file"),
                unsafe_hint(planned.unsafe_left, settings.unsafe_fixes)
            );
        }
    }

    let failing = settings
        .fail_on
        .is_some_and(|threshold| outcome.findings.iter().any(|f| f.severity >= threshold));
    let mut code = if failing { EXIT_FINDINGS } else { EXIT_OK };
    if !outcome.problems.is_empty() {
        code = EXIT_TROUBLE;
    }

    let written = if settings.statistics {
        statistics(io.stdout, &settings, &outcome)
    } else {
        render(io, &settings, &outcome)
    }
    .and_then(|()| io.stdout.flush());
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(code),
        other => other?,
    }
    for note in &fix_notes {
        let _ = writeln!(
            io.stderr,
            "kubectl-ippool: note: {}",
            report::escape_controls(note, &[])
        );
    }
    report_stderr(io, &settings, &outcome);
    // A typo in a CI path or glob must not pass as a clean run.
    let nothing_read = outcome.summary.files == 0 && outcome.summary.cluster_objects == 0;
    if nothing_read && (settings.fail_if_no_files || !settings.quiet) {
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
    }
    if nothing_read && settings.fail_if_no_files {
        code = EXIT_TROUBLE;
    }
    Ok(code)
}

/// One lint run; under `--fix` stdin is the bytes read before the first run.
fn run_once(
    settings: &LintSettings,
    stdin: &[u8],
    io: &mut Io<'_>,
    cluster: Vec<serde_json::Value>,
) -> Result<Outcome, Failure> {
    let result = if settings.fix == FixMode::Write {
        lint::run_with_cluster(settings, &mut &stdin[..], cluster)
    } else {
        lint::run_with_cluster(settings, io.stdin, cluster)
    };
    result.map_err(|e| Failure::Report(Box::new(e)))
}

fn unsafe_hint(unsafe_left: usize, unsafe_fixes: bool) -> String {
    if unsafe_left == 0 || unsafe_fixes {
        String::new()
    } else {
        format!(
            "; {unsafe_left} more with --unsafe-fixes (they change what a value means: review them with --diff --unsafe-fixes)"
        )
    }
}

/// Notes (what was passed over), problems (what could not be read) and warnings (what looks
/// like a mistake in the command line), on stderr. `--quiet` keeps only the problems, which
/// make the exit code 2.
fn report_stderr(io: &mut Io<'_>, settings: &LintSettings, outcome: &Outcome) {
    if !settings.quiet {
        for note in &outcome.notes {
            let _ = writeln!(
                io.stderr,
                "kubectl-ippool: note: {}: {}",
                report::escape_controls(&note.path, &[]),
                report::escape_controls(&note.message, &[])
            );
        }
    }
    for problem in &outcome.problems {
        let _ = writeln!(
            io.stderr,
            "kubectl-ippool: {}: {}",
            report::escape_controls(&problem.path, &[]),
            report::escape_controls(&problem.message, &[])
        );
    }
    if !settings.quiet {
        for warning in &outcome.warnings {
            let _ = writeln!(
                io.stderr,
                "kubectl-ippool: warning: {}",
                report::escape_controls(warning, &[])
            );
        }
    }
}

fn render(io: &mut Io<'_>, settings: &LintSettings, outcome: &Outcome) -> io::Result<()> {
    let findings = &outcome.findings;
    let sources = &outcome.sources;
    // The formats for people end with the summary line (unless --quiet).
    let summary = |out: &mut dyn Write| -> io::Result<()> {
        if settings.quiet {
            return Ok(());
        }
        writeln!(
            out,
            "{}{}",
            human::summary_line(&outcome.summary),
            fixable_line(findings, settings.unsafe_fixes)
        )
    };
    match settings.output {
        OutputFormat::Human => {
            let options = human_style(settings.color, io.stdout_is_terminal);
            human::render_findings(io.stdout, findings, sources, &options)?;
            summary(io.stdout)
        }
        OutputFormat::Concise => {
            report::concise::render(io.stdout, findings, sources)?;
            summary(io.stdout)
        }
        OutputFormat::Json => report::json::render(
            io.stdout,
            findings,
            sources,
            &outcome.summary,
            &outcome.problems,
        ),
        OutputFormat::Sarif => {
            let cwd = std::env::current_dir().ok();
            report::sarif::render(
                io.stdout,
                findings,
                sources,
                &report::sarif::Options {
                    rules: RULES,
                    cwd: cwd.as_deref(),
                    notifications: &outcome.problems,
                },
            )
        }
        OutputFormat::Github => report::github::render(
            io.stdout,
            findings,
            sources,
            &report::github::Paths {
                cwd: std::env::current_dir().ok(),
                workspace: std::env::var_os("GITHUB_WORKSPACE")
                    .filter(|w| !w.is_empty())
                    .map(Into::into),
            },
        ),
        OutputFormat::Junit => report::junit::render(
            io.stdout,
            findings,
            sources,
            &outcome.problems,
            settings.fail_on,
        ),
    }
}

/// ` 3 fixable with --fix (1 more with --unsafe-fixes).` after the summary, as ruff says it.
fn fixable_line(findings: &[Finding], unsafe_fixes: bool) -> String {
    let count = |applicability| {
        findings
            .iter()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability == applicability)
            })
            .count()
    };
    let (safe, risky) = (count(Applicability::Safe), count(Applicability::Unsafe));
    match (safe, risky) {
        (0, 0) => String::new(),
        (safe, 0) => format!(" {safe} fixable with --fix."),
        (0, risky) => format!(" {risky} fixable with --fix --unsafe-fixes."),
        (safe, risky) if unsafe_fixes => format!(" {} fixable with --fix.", safe + risky),
        (safe, risky) => format!(" {safe} fixable with --fix ({risky} more with --unsafe-fixes)."),
    }
}

/// `--statistics`: findings counted by rule, most frequent first, as ruff prints them; JSON with
/// `-o json`.
fn statistics(out: &mut dyn Write, settings: &LintSettings, outcome: &Outcome) -> io::Result<()> {
    struct Count {
        code: &'static str,
        name: &'static str,
        severity: report::Severity,
        count: usize,
        fixable: usize,
    }
    let mut counts: BTreeMap<&'static str, Count> = BTreeMap::new();
    for finding in &outcome.findings {
        let entry = counts.entry(finding.code).or_insert(Count {
            code: finding.code,
            name: finding.rule,
            severity: finding.severity,
            count: 0,
            fixable: 0,
        });
        entry.count += 1;
        entry.severity = entry.severity.max(finding.severity);
        if finding
            .fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == Applicability::Safe || settings.unsafe_fixes)
        {
            entry.fixable += 1;
        }
    }
    let mut counts: Vec<Count> = counts.into_values().collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    if settings.output == OutputFormat::Json {
        let list: Vec<_> = counts
            .iter()
            .map(|c| {
                serde_json::json!({
                    "code": c.code,
                    "name": c.name,
                    "severity": c.severity.as_str(),
                    "count": c.count,
                    "fixable": c.fixable,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
        return writeln!(out);
    }
    let width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = counts.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in &counts {
        let fixable = match c.fixable {
            0 => String::new(),
            n if n == c.count => "  [fixable]".to_owned(),
            n => format!("  [{n} fixable]"),
        };
        writeln!(
            out,
            "{:>width$}  {}  {:<name_width$}  {}{fixable}",
            c.count,
            c.code,
            c.name,
            c.severity.as_str()
        )?;
    }
    if !settings.quiet {
        writeln!(out, "{}", human::summary_line(&outcome.summary))?;
    }
    Ok(())
}

/// `--show-files`: each input read with its size and documents, and how many of those the quick
/// scan passed over (no rule reads them, so they were counted, not parsed; `--no-skip` parses
/// them too). What discovery passed over is on stderr as notes.
fn show_files(io: &mut Io<'_>, settings: &LintSettings, outcome: &Outcome) -> io::Result<()> {
    if settings.output == OutputFormat::Json {
        let list: Vec<_> = outcome
            .read
            .iter()
            .map(|file| {
                serde_json::json!({
                    "path": file.name,
                    "bytes": file.bytes,
                    "documents": file.documents,
                    "skipped_documents": file.skipped,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *io.stdout, &list).map_err(io::Error::from)?;
        return writeln!(io.stdout);
    }
    for file in &outcome.read {
        let skipped = match file.skipped {
            0 => String::new(),
            n if n == file.documents => ", none parsed: no rule reads them".to_owned(),
            n => format!(", {n} not parsed: no rule reads them"),
        };
        writeln!(
            io.stdout,
            "{}  ({} bytes, {}{skipped})",
            report::escape_controls(&file.name, &[]),
            file.bytes,
            human::plural(file.documents, "document"),
        )?;
    }
    if !settings.quiet {
        writeln!(
            io.stdout,
            "{} read.",
            human::plural(outcome.read.len(), "file")
        )?;
    }
    Ok(())
}

/// `--show-config`: the settings the run would use, as YAML in `.ippool-lint.yaml`'s own keys
/// (so a line can be copied into it), with the command-line-only ones as comments.
fn show_config(settings: &LintSettings) -> String {
    let mut out = String::new();
    let list = |items: Vec<String>| format!("[{}]", items.join(", "));
    let quoted = |items: &[String]| items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>();
    out.push_str(&format!(
        "# settings file: {}\n",
        settings.config.as_deref().unwrap_or("none")
    ));
    out.push_str(&format!("calicoVersion: \"{}\"\n", settings.calico));
    let selected: Vec<String> = settings
        .selected
        .iter()
        .map(|r| r.code.to_owned())
        .collect();
    out.push_str(&format!(
        "# {} of {} rules run\nselect: {}\n",
        selected.len(),
        RULES.len(),
        list(selected)
    ));
    let ignored: Vec<String> = RULES
        .iter()
        .filter(|rule| !settings.selected.iter().any(|s| s.code == rule.code))
        .map(|rule| rule.code.to_owned())
        .collect();
    out.push_str(&format!("# not run: {}\n", list(ignored)));
    if settings.severity.is_empty() {
        out.push_str("severity: {}\n");
    } else {
        out.push_str("severity:\n");
        for (code, severity) in &settings.severity {
            out.push_str(&format!("  {code}: {severity}\n"));
        }
    }
    out.push_str(&format!("exclude: {}\n", list(quoted(&settings.exclude))));
    let cluster = &settings.cluster;
    let number = |value: Option<u64>, default: &str| match value {
        Some(n) => n.to_string(),
        None => format!("null  # from the inputs, else {default}"),
    };
    out.push_str(&format!(
        "nodes: {}\n",
        number(
            cluster.nodes,
            "the Node manifests (none: capacity rules skip node counts)"
        )
    ));
    out.push_str(&format!(
        "podsPerNode: {}\n",
        number(cluster.pods_per_node, "110")
    ));
    out.push_str(&format!(
        "maxBlocksPerHost: {}\n",
        number(cluster.max_blocks_per_host, "20")
    ));
    let nets = |nets: &[ipnet::IpNet]| list(nets.iter().map(ToString::to_string).collect());
    out.push_str(&format!(
        "clusterCIDRs: {}  # besides those the inputs declare\n",
        nets(&cluster.cluster_cidrs)
    ));
    out.push_str(&format!(
        "serviceCIDRs: {}  # besides those the inputs declare\n",
        nets(&cluster.service_cidrs)
    ));
    out.push_str("# command line only:\n");
    out.push_str(&format!("#   paths: {}\n", list(quoted(&settings.paths))));
    out.push_str(&format!(
        "#   include: {}\n",
        if settings.include.is_empty() {
            list(
                crate::manifest::discover::DEFAULT_INCLUDE
                    .iter()
                    .map(|glob| format!("{glob:?}"))
                    .collect(),
            )
        } else {
            list(quoted(&settings.include))
        }
    ));
    out.push_str(&format!(
        "#   output: {}\n",
        format!("{:?}", settings.output).to_ascii_lowercase()
    ));
    out.push_str(&format!(
        "#   fail-on: {}\n",
        settings.fail_on.map_or("never", |s| s.as_str())
    ));
    out.push_str(&format!(
        "#   cluster: {}\n",
        match &settings.cluster_source {
            ClusterSource::None => "none".to_owned(),
            ClusterSource::Live(_) => "the live cluster (--cluster)".to_owned(),
            ClusterSource::Dump(path) => format!("{} (--cluster-dump)", path.display()),
        }
    ));
    out
}
