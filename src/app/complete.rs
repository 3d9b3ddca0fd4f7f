//! Candidates for kubectl's plugin completion protocol (kubectl 1.26 or later): kubectl runs
//! `kubectl_complete-ippool WORDS…` with the words after `kubectl ippool`, the last one being the
//! word under the cursor, and reads one candidate per line (`value<TAB>description`), then
//! `:<directive>` (cobra's ShellCompDirective). The shim in completions/ runs
//! `kubectl-ippool __complete WORDS…`, which `app::run` answers from here before clap parses.
//!
//! Everything is read from the same clap command the binary parses with, and rule codes from the
//! registry, so the candidates cannot drift from the real flags and rules. Pure: no I/O.

use clap::{Arg, Command, ValueHint};

use crate::rules::RULES;

/// The first argument that makes the binary answer a completion request instead of running.
pub const ENTRY: &str = "__complete";

/// cobra's ShellCompDirectiveDefault: the shell may fall back to file names.
pub const DIRECTIVE_FILES: u32 = 0;
/// cobra's ShellCompDirectiveNoFileComp: only the candidates given.
pub const DIRECTIVE_NO_FILES: u32 = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub candidates: Vec<Candidate>,
    pub directive: u32,
}

impl Completion {
    fn none(directive: u32) -> Self {
        Completion {
            candidates: Vec::new(),
            directive,
        }
    }

    /// The protocol's text: one `value[<TAB>help]` line per candidate, then `:<directive>`.
    pub fn to_protocol(&self) -> String {
        let mut out = String::new();
        for candidate in &self.candidates {
            out.push_str(&candidate.value);
            if let Some(help) = &candidate.help {
                out.push('\t');
                out.push_str(help);
            }
            out.push('\n');
        }
        out.push_str(&format!(":{}\n", self.directive));
        out
    }
}

/// Completes the last of `words` (the words after the plugin name) against `root`.
pub fn complete(root: &Command, words: &[String]) -> Completion {
    let mut root = root.clone();
    // Building adds clap's own --help, --version and `help` so they are completed too.
    root.build();
    let (current, before) = match words.split_last() {
        Some((current, before)) => (current.as_str(), before),
        None => ("", &[][..]),
    };

    let mut parents: Vec<&Command> = Vec::new();
    let mut cmd = &root;
    let mut pending: Option<&Arg> = None;
    let mut positionals = 0usize;
    let mut options_ended = false;
    for word in before {
        if pending.take().is_some() {
            continue;
        }
        if !options_ended && word == "--" {
            options_ended = true;
            continue;
        }
        if !options_ended && let Some(long) = word.strip_prefix("--") {
            if !long.contains('=') {
                pending = find_long(cmd, long).filter(|arg| takes_value(arg));
            }
            continue;
        }
        if !options_ended && word.len() > 1 && word.starts_with('-') {
            pending = pending_after_shorts(cmd, &word[1..]);
            continue;
        }
        if positionals == 0
            && let Some(sub) = cmd.find_subcommand(word)
        {
            parents.push(cmd);
            cmd = sub;
            continue;
        }
        positionals += 1;
    }

    if let Some(arg) = pending {
        return values(arg, current, "");
    }
    if !options_ended && let Some(long) = current.strip_prefix("--") {
        if let Some((name, value)) = long.split_once('=') {
            return match find_long(cmd, name).filter(|arg| takes_value(arg)) {
                Some(arg) => values(arg, value, &format!("--{name}=")),
                None => Completion::none(DIRECTIVE_NO_FILES),
            };
        }
        return flags(cmd, current);
    }
    if !options_ended && current.starts_with('-') {
        return flags(cmd, current);
    }
    if positionals == 0 && cmd.has_subcommands() {
        return subcommands(cmd, current);
    }
    // clap's `help` subcommand takes the names of its siblings.
    if cmd.get_name() == "help"
        && let Some(parent) = parents.last()
    {
        return if positionals == 0 {
            subcommands(parent, current)
        } else {
            Completion::none(DIRECTIVE_NO_FILES)
        };
    }
    match nth_positional(cmd, positionals) {
        Some(arg) => values(arg, current, ""),
        None => Completion::none(DIRECTIVE_NO_FILES),
    }
}

fn find_long<'a>(cmd: &'a Command, name: &str) -> Option<&'a Arg> {
    cmd.get_arguments().find(|arg| {
        arg.get_long() == Some(name)
            || arg
                .get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name))
    })
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_num_args().is_some_and(|range| range.takes_values())
}

/// `-abc` / `-ojson`: the flag still waiting for its value after a cluster of short flags.
fn pending_after_shorts<'a>(cmd: &'a Command, cluster: &str) -> Option<&'a Arg> {
    let mut rest = cluster.chars();
    while let Some(short) = rest.next() {
        let arg = cmd
            .get_arguments()
            .find(|arg| arg.get_short() == Some(short))?;
        if takes_value(arg) {
            // `-ojson` carries its value; `-o` waits for the next word.
            return rest.as_str().is_empty().then_some(arg);
        }
    }
    None
}

/// The positional argument the `index`th positional word fills; a multi-valued last one takes
/// every word after it.
fn nth_positional(cmd: &Command, index: usize) -> Option<&Arg> {
    let positionals: Vec<&Arg> = cmd.get_positionals().collect();
    positionals.get(index).copied().or_else(|| {
        positionals.last().copied().filter(|arg| {
            arg.get_num_args()
                .is_some_and(|range| range.max_values() > 1)
        })
    })
}

fn first_line(text: &str) -> Option<String> {
    let line = text.lines().next()?.trim().replace('\t', " ");
    (!line.is_empty()).then_some(line)
}

fn filtered(candidates: Vec<Candidate>, current: &str, directive: u32) -> Completion {
    Completion {
        candidates: candidates
            .into_iter()
            .filter(|candidate| candidate.value.starts_with(current))
            .collect(),
        directive,
    }
}

fn subcommands(cmd: &Command, current: &str) -> Completion {
    let mut candidates = Vec::new();
    for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let help = sub
            .get_about()
            .and_then(|about| first_line(&about.to_string()));
        let names = std::iter::once(sub.get_name()).chain(sub.get_visible_aliases());
        for name in names {
            candidates.push(Candidate {
                value: name.to_owned(),
                help: help.clone(),
            });
        }
    }
    filtered(candidates, current, DIRECTIVE_NO_FILES)
}

fn flags(cmd: &Command, current: &str) -> Completion {
    let mut candidates = Vec::new();
    for arg in cmd
        .get_arguments()
        .filter(|arg| !arg.is_positional() && !arg.is_hide_set())
    {
        let help = arg
            .get_help()
            .and_then(|help| first_line(&help.to_string()));
        let longs = arg
            .get_long()
            .into_iter()
            .chain(arg.get_visible_aliases().unwrap_or_default());
        for long in longs {
            candidates.push(Candidate {
                value: format!("--{long}"),
                help: help.clone(),
            });
        }
        if let Some(short) = arg.get_short() {
            candidates.push(Candidate {
                value: format!("-{short}"),
                help,
            });
        }
    }
    filtered(candidates, current, DIRECTIVE_NO_FILES)
}

/// Rule arguments: `--select`/`--ignore` (value name `CODE|NAME`) and `explain`'s `rule`.
fn takes_rules(arg: &Arg) -> bool {
    arg.get_id() == "rule"
        || arg
            .get_value_names()
            .is_some_and(|names| names.iter().any(|name| name == "CODE|NAME"))
}

fn takes_path(arg: &Arg) -> bool {
    matches!(
        arg.get_value_hint(),
        ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
    ) || arg.get_value_names().is_some_and(|names| {
        names
            .iter()
            .any(|name| matches!(name.as_str(), "PATH" | "FILE" | "DIR"))
    })
}

/// Candidates for a value of `arg`; `prefix` is put back in front of each (`--select=`).
fn values(arg: &Arg, current: &str, prefix: &str) -> Completion {
    if takes_rules(arg) {
        return rule_values(arg, current, prefix);
    }
    let possible = arg.get_possible_values();
    if !possible.is_empty() {
        let candidates = possible
            .iter()
            .filter(|value| !value.is_hide_set())
            .map(|value| Candidate {
                value: format!("{prefix}{}", value.get_name()),
                help: value
                    .get_help()
                    .and_then(|help| first_line(&help.to_string())),
            })
            .collect();
        return filtered(
            candidates,
            &format!("{prefix}{current}"),
            DIRECTIVE_NO_FILES,
        );
    }
    if takes_path(arg) && prefix.is_empty() {
        // No candidates: the shell completes file names itself.
        return Completion::none(DIRECTIVE_FILES);
    }
    Completion::none(DIRECTIVE_NO_FILES)
}

/// Codes and names; after a comma (`--select IPP001,IPP0`), the rules not listed yet.
fn rule_values(arg: &Arg, current: &str, prefix: &str) -> Completion {
    let (head, tail) = match arg.get_value_delimiter() {
        Some(delimiter) => match current.rfind(delimiter) {
            Some(at) => current.split_at(at + delimiter.len_utf8()),
            None => ("", current),
        },
        None => ("", current),
    };
    let given: Vec<&str> = head.split(',').filter(|word| !word.is_empty()).collect();
    let mut candidates = Vec::new();
    for rule in RULES {
        if given
            .iter()
            .any(|word| *word == rule.code || *word == rule.name)
        {
            continue;
        }
        for (value, help) in [(rule.code, rule.name), (rule.name, rule.code)] {
            if value.starts_with(tail) {
                candidates.push(Candidate {
                    value: format!("{prefix}{head}{value}"),
                    help: Some(help.to_owned()),
                });
            }
        }
    }
    Completion {
        candidates,
        directive: DIRECTIVE_NO_FILES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory;

    fn run(words: &[&str]) -> Completion {
        let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        complete(&Cli::command(), &words)
    }

    fn values(completion: &Completion) -> Vec<&str> {
        completion
            .candidates
            .iter()
            .map(|c| c.value.as_str())
            .collect()
    }

    #[test]
    fn subcommands_without_hidden_ones() {
        let got = run(&[""]);
        let names = values(&got);
        for expected in ["lint", "rules", "explain", "plan", "completion", "help"] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        assert!(!names.contains(&"__complete"));
        assert_eq!(got.directive, DIRECTIVE_NO_FILES);
        assert_eq!(run(&[]), got, "no words completes like one empty word");
        assert_eq!(values(&run(&["ex"])), ["explain"]);
    }

    #[test]
    fn flags_of_the_subcommand() {
        let names = run(&["lint", "--"]);
        let names = values(&names);
        assert!(names.contains(&"--select") && names.contains(&"--format"));
        assert!(!names.contains(&"-o"), "`--` lists long flags only");
        assert!(values(&run(&["lint", "-"])).contains(&"-o"));
        assert_eq!(
            values(&run(&["lint", "--fail"])),
            ["--fail-on", "--fail-if-no-files"]
        );
    }

    #[test]
    fn flag_values() {
        assert_eq!(
            values(&run(&["lint", "-o", "j"])),
            ["json", "junit"],
            "possible values after a short flag"
        );
        assert_eq!(
            values(&run(&["lint", "--fail-on=w"])),
            ["--fail-on=warning"]
        );
        let nodes = run(&["lint", "--nodes", ""]);
        assert!(nodes.candidates.is_empty());
        assert_eq!(nodes.directive, DIRECTIVE_NO_FILES);
        let config = run(&["lint", "--config", ""]);
        assert!(config.candidates.is_empty());
        assert_eq!(config.directive, DIRECTIVE_FILES);
    }

    #[test]
    fn rule_codes_and_names() {
        let got = run(&["lint", "--select", "IPP00"]);
        assert!(values(&got).contains(&"IPP004"));
        assert!(values(&got).iter().all(|v| v.starts_with("IPP00")));
        assert!(values(&run(&["explain", "block-"])).contains(&"block-size-out-of-range"));
        let after_comma = run(&["lint", "--ignore", "IPP001,IPP00"]);
        let after_comma = values(&after_comma);
        assert!(after_comma.contains(&"IPP001,IPP002"));
        assert!(!after_comma.contains(&"IPP001,IPP001"), "{after_comma:?}");
        assert!(values(&run(&["lint", "--select=IPP00"])).contains(&"--select=IPP004"));
        // One rule only: nothing after it.
        assert!(run(&["explain", "IPP001", ""]).candidates.is_empty());
    }

    #[test]
    fn paths_fall_back_to_files() {
        let got = run(&["lint", "testdata/"]);
        assert!(got.candidates.is_empty());
        assert_eq!(got.directive, DIRECTIVE_FILES);
        // After a flag with its value, still a path.
        assert_eq!(
            run(&["lint", "-o", "json", "--select", "IPP001", ""]).directive,
            DIRECTIVE_FILES
        );
        assert_eq!(run(&["lint", "-ojson", ""]).directive, DIRECTIVE_FILES);
    }

    #[test]
    fn completion_shells_and_help_topics() {
        assert_eq!(values(&run(&["completion", "p"])), ["powershell"]);
        assert!(values(&run(&["help", "pl"])).contains(&"plan"));
    }

    #[test]
    fn protocol_text() {
        let text = run(&["expl"]).to_protocol();
        assert!(text.starts_with("explain\t"), "{text}");
        assert!(text.ends_with("\n:4\n"), "{text}");
    }
}
