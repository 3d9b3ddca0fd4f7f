//! Every rule against its fixtures under `testdata/rules/<rule-name>/`:
//! - `fire-*.yaml` must produce exactly the findings of that rule listed in its
//!   `# expect: CODE LINE:COLUMN` header lines, and its rendered report is snapshotted;
//! - `ok-*.yaml` must produce no finding of that rule and no error of any rule (a pool valid in
//!   Calico never gets an error).
//!
//! A `# calico-version: X.Y` header line runs the fixture against that release; `# args: --nodes 300`
//! header lines add those words to the command line. The live rules' fixtures are recorded
//! cluster states: `# cluster-dump: live-state.yaml` lints the fixture (manifests) against the
//! state in that file of the directory, `# cluster-dump: self` lints the fixture as the state
//! itself, with no manifests; their expected positions name the `cluster:` source.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use clap::Parser;
use kubectl_ippool::cli::{Cli, Command, Deferred};
use kubectl_ippool::fix;
use kubectl_ippool::lint::{self, Outcome};
use kubectl_ippool::report::{self, Severity, Summary, human};
use kubectl_ippool::rules::{Fixable, RULES, Rule};
use kubectl_ippool::settings::LintSettings;
use kubectl_ippool::source::SourceMap;

fn lint_fixture(path: &Path, extra: &[&str]) -> Outcome {
    let text = fs::read_to_string(path).unwrap_or_default();
    let dump = header_values(&text, "cluster-dump:")
        .first()
        .map(|value| match *value {
            "self" => path.to_path_buf(),
            other => path.with_file_name(other),
        });
    let mut args = vec!["kubectl-ippool", "lint"];
    let dump_text = dump.as_ref().map(|d| d.to_str().unwrap().to_owned());
    match &dump_text {
        Some(dump) => {
            args.extend(["--cluster-dump", dump.as_str()]);
            if !header_values(&text, "cluster-dump:").contains(&"self") {
                args.push(path.to_str().unwrap());
            }
        }
        None => args.push(path.to_str().unwrap()),
    }
    args.extend_from_slice(extra);
    let cli = Cli::try_parse_from(args).unwrap();
    let Command::Lint(Deferred(lint_args)) = cli.command else {
        unreachable!()
    };
    let settings = LintSettings::resolve(lint_args).unwrap();
    let cluster = match &dump {
        Some(dump) => kubectl_ippool::live::dump::cluster_objects(dump).unwrap(),
        None => Vec::new(),
    };
    lint::run_with_cluster(&settings, &mut std::io::empty(), cluster).unwrap()
}

fn header_values<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix('#'))
        .filter_map(|line| line.trim().strip_prefix(key))
        .map(str::trim)
        .collect()
}

fn positions(outcome: &Outcome, code: &str, sources: &SourceMap) -> BTreeSet<String> {
    outcome
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            let loc = f.location.loc.expect("fixture findings have a location");
            let pos = report::position(sources, &loc).unwrap();
            let name = &sources.get(loc.source).unwrap().name;
            if name.starts_with("cluster:") {
                format!("{} {name} {}:{}", f.code, pos.start.line, pos.start.column)
            } else {
                format!("{} {}:{}", f.code, pos.start.line, pos.start.column)
            }
        })
        .collect()
}

fn fixtures(rule: &Rule) -> Vec<PathBuf> {
    let dir = Path::new("testdata/rules").join(rule.name);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{} has no fixture directory {}", rule.code, dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

#[test]
fn every_rule_fires_on_its_fixtures_and_only_there() {
    // IPPOOL_RULE=IPP004 narrows the run to one rule while working on it.
    let only = std::env::var("IPPOOL_RULE").ok();
    let mut failures = Vec::new();
    for rule in RULES {
        if only
            .as_deref()
            .is_some_and(|code| code != rule.code && code != rule.name)
        {
            continue;
        }
        let files = fixtures(rule);
        let fire: Vec<_> = files
            .iter()
            .filter(|p| file_name(p).starts_with("fire-"))
            .collect();
        let ok: Vec<_> = files
            .iter()
            .filter(|p| file_name(p).starts_with("ok-"))
            .collect();
        assert!(!fire.is_empty(), "{} has no fire-* fixture", rule.code);
        assert!(!ok.is_empty(), "{} has no ok-* fixture", rule.code);

        for path in fire.iter().chain(ok.iter()) {
            let text = fs::read_to_string(path).unwrap_or_default();
            let mut extra = Vec::new();
            let versions = header_values(&text, "calico-version:");
            if let Some(version) = versions.first() {
                extra.extend(["--calico-version", version]);
            }
            for args in header_values(&text, "args:") {
                extra.extend(args.split_whitespace());
            }
            let outcome = lint_fixture(path, &extra);
            let got = positions(&outcome, rule.code, &outcome.sources);
            let is_fire = file_name(path).starts_with("fire-");
            if is_fire {
                let expected: BTreeSet<String> = header_values(&text, "expect:")
                    .into_iter()
                    .map(|e| e.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|e| e.starts_with(rule.code))
                    .collect();
                if expected.is_empty() {
                    failures.push(format!(
                        "{}: no `# expect: {} L:C` line",
                        path.display(),
                        rule.code
                    ));
                } else if got != expected {
                    failures.push(format!(
                        "{}: expected {expected:?}, got {got:?}",
                        path.display()
                    ));
                }
                // Only this rule's findings, and a summary of just those, so that a new rule
                // firing on the same fixture does not change this rule's snapshot.
                let own: Vec<_> = outcome
                    .findings
                    .iter()
                    .filter(|f| f.code == rule.code)
                    .cloned()
                    .collect();
                let mut summary = Summary {
                    errors: 0,
                    warnings: 0,
                    infos: 0,
                    ..outcome.summary
                };
                summary.count(&own);
                let mut rendered = Vec::new();
                human::render(
                    &mut rendered,
                    &own,
                    &outcome.sources,
                    &summary,
                    &human::Options {
                        color: false,
                        unicode: true,
                    },
                )
                .unwrap();
                let name = format!(
                    "{}__{}",
                    rule.name,
                    path.file_stem().unwrap().to_str().unwrap()
                );
                insta::assert_snapshot!(name, String::from_utf8(rendered).unwrap());
            } else {
                if !got.is_empty() {
                    failures.push(format!("{}: must not fire, got {got:?}", path.display()));
                }
                let errors: Vec<_> = outcome
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| format!("{} {}", f.code, f.message))
                    .collect();
                if !errors.is_empty() {
                    failures.push(format!(
                        "{}: a valid fixture got errors {errors:?}",
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}

/// A rule that says it can fix (`fix:` in its declaration) fixes some finding of its fire-*
/// fixtures, and each fix mends its finding: linting the fixed text reports that many fewer
/// findings of the rule and no new invalid YAML.
#[test]
fn every_fixable_rule_mends_its_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for rule in RULES.iter().filter(|rule| rule.fix != Fixable::NONE) {
        let mut fixed_any = false;
        for path in fixtures(rule)
            .iter()
            .filter(|p| file_name(p).starts_with("fire-"))
        {
            let text = fs::read_to_string(path).unwrap();
            if !header_values(&text, "cluster-dump:").is_empty() {
                continue;
            }
            let mut extra = Vec::new();
            if let Some(version) = header_values(&text, "calico-version:").first() {
                extra.extend(["--calico-version", version]);
            }
            for args in header_values(&text, "args:") {
                extra.extend(args.split_whitespace());
            }
            let before = lint_fixture(path, &extra);
            let own = |outcome: &Outcome| {
                outcome
                    .findings
                    .iter()
                    .filter(|f| f.code == rule.code)
                    .count()
            };
            let invalid = |outcome: &Outcome| {
                outcome
                    .findings
                    .iter()
                    .filter(|f| f.code == "IPP000")
                    .count()
            };
            let planned = fix::plan(
                &before.findings,
                &before.sources,
                &|source| before.on_disk.get(source as usize).cloned().flatten(),
                true,
            );
            let fixed_own: usize = before
                .findings
                .iter()
                .filter(|f| f.code == rule.code && f.fix.is_some())
                .count();
            let Some(file) = planned.files.first() else {
                continue;
            };
            fixed_any |= fixed_own > 0;
            let copy = dir.path().join(file_name(path));
            fs::write(&copy, &file.after).unwrap();
            let after = lint_fixture(&copy, &extra);
            if own(&after) != own(&before) - fixed_own || invalid(&after) > invalid(&before) {
                failures.push(format!(
                    "{}: {} findings of {} with {fixed_own} fixes, {} after fixing, IPP000 {} -> {}:\n{}",
                    path.display(),
                    own(&before),
                    rule.code,
                    own(&after),
                    invalid(&before),
                    invalid(&after),
                    file.after
                ));
            }
        }
        if !fixed_any {
            failures.push(format!(
                "{} declares a fix but fixes none of its fixtures",
                rule.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_directory_names_a_rule() {
    for entry in fs::read_dir("testdata/rules").unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            RULES.iter().any(|rule| rule.name == name),
            "testdata/rules/{name} does not name a rule"
        );
    }
}

/// The `## Example` of every rule's documentation fires the rule; its "Use instead" does not.
#[test]
fn documentation_examples_behave_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    for rule in RULES {
        let doc = rule.doc_text();
        let Some(example) = doc.split("## Example").nth(1) else {
            continue;
        };
        let blocks: Vec<&str> = example
            .split("```yaml\n")
            .skip(1)
            .filter_map(|block| block.split("```").next())
            .collect();
        assert!(!blocks.is_empty(), "{} has no yaml example", rule.code);
        let version = header_values(&doc, "calico-version:");
        let mut extra = Vec::new();
        if let Some(version) = version.first() {
            extra.extend(["--calico-version", *version]);
        }
        // A drift rule's example starts with the live state, then the manifests; a live
        // health rule's examples are live states themselves.
        let drift = rule.code.starts_with("IPP4");
        let health = rule.code.starts_with("IPP5");
        let live_state = dir.path().join(format!("{}-live.yaml", rule.code));
        let examples: Vec<&str> = if drift {
            fs::write(&live_state, blocks[0]).unwrap();
            blocks[1..].to_vec()
        } else {
            blocks.clone()
        };
        for (index, block) in examples.iter().take(2).enumerate() {
            let path = dir.path().join(format!("{}-{index}.yaml", rule.code));
            let header = if drift {
                format!(
                    "# cluster-dump: {}\n",
                    live_state.file_name().unwrap().to_str().unwrap()
                )
            } else if health {
                "# cluster-dump: self\n".to_owned()
            } else {
                String::new()
            };
            fs::write(&path, format!("{header}{block}")).unwrap();
            let outcome = lint_fixture(&path, &extra);
            let fired = outcome.findings.iter().any(|f| f.code == rule.code);
            if index == 0 {
                assert!(
                    fired,
                    "{}: the doc example does not fire the rule",
                    rule.code
                );
            } else {
                assert!(
                    !fired,
                    "{}: the doc's \"Use instead\" example fires the rule",
                    rule.code
                );
            }
        }
    }
}
