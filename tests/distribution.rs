//! How the binary reaches users: shell completion scripts (drift-tested against the binary; a
//! stale one fails here, `UPDATE_COMPLETIONS=1 cargo test --test distribution` rewrites them),
//! the kubectl plugin completion shim, the krew manifest template (rendered and checked against
//! krew-index's validation rules), the pre-commit hooks and the real kubectl running the plugin.
//! The kubectl tests skip, saying so, when kubectl is not on PATH.
// A test that skips says so on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kubectl_ippool::manifest::yaml::{self, NodeRef};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-ippool");
const SHIM: &str = "completions/kubectl_complete-ippool";
const REPO_URL: &str = "https://github.com/kubectl-ippool/kubectl-ippool";

fn version_tag() -> String {
    format!("v{}", env!("CARGO_PKG_VERSION"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// `dirs` in front of the current PATH.
fn path_with(dirs: &[&Path]) -> OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let rest: Vec<PathBuf> = std::env::split_paths(&current).collect();
    std::env::join_paths(dirs.iter().map(|d| d.to_path_buf()).chain(rest)).unwrap()
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

// ---------------------------------------------------------------------------------------------
// Completion scripts
// ---------------------------------------------------------------------------------------------

const SCRIPTS: &[(&str, &str)] = &[
    ("bash", "kubectl-ippool.bash"),
    ("zsh", "_kubectl-ippool"),
    ("fish", "kubectl-ippool.fish"),
    ("powershell", "_kubectl-ippool.ps1"),
];

#[test]
fn committed_completion_scripts_are_current() {
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let output = Command::new(BIN)
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "completion {shell} failed");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("kubectl-ippool"),
            "the {shell} script completes the binary's own name"
        );
        let path = Path::new("completions").join(file);
        if std::fs::read(&path).ok().as_deref() == Some(&output.stdout[..]) {
            continue;
        }
        if update {
            std::fs::write(&path, &output.stdout).unwrap();
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from `kubectl-ippool completion SHELL`; \
         run `UPDATE_COMPLETIONS=1 cargo test --test distribution`"
    );
}

/// A temporary directory holding `pool.yaml` and `ports/`, to see path completion in.
fn completion_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pool.yaml"), "").unwrap();
    std::fs::create_dir(dir.path().join("ports")).unwrap();
    dir
}

/// Completes `line` (the cursor at its end) with the committed bash script, run in `cwd` with
/// the binary on PATH, as bash's programmable completion calls it.
fn bash_complete(bash: &Path, cwd: &Path, line: &str) -> String {
    let script = format!(
        r#"
        source {}/completions/kubectl-ippool.bash
        # Outside a real completion compopt fails: record what the script asks of it.
        compopt() {{ compopt="$*"; }}
        COMP_LINE="$1"
        COMP_POINT=${{#COMP_LINE}}
        read -ra COMP_WORDS <<<"$COMP_LINE"
        [[ $COMP_LINE =~ [[:space:]]$ ]] && COMP_WORDS+=("")
        # bash itself splits at `=`.
        last=${{COMP_WORDS[${{#COMP_WORDS[@]}} - 1]}}
        [[ $last == *=* ]] && COMP_WORDS[${{#COMP_WORDS[@]}} - 1]=${{last##*=}}
        COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
        _kubectl_ippool kubectl-ippool "${{COMP_WORDS[COMP_CWORD]}}"
        if ((${{#COMPREPLY[@]}} == 0)) && [[ $compopt == "-o default" ]]; then
            echo "<files>"
        fi
        ((${{#COMPREPLY[@]}})) && printf '%s\n' "${{COMPREPLY[@]}}" | sort
        true
        "#,
        env!("CARGO_MANIFEST_DIR")
    );
    let bin_dir = Path::new(BIN).parent().unwrap();
    let output = Command::new(bash)
        .current_dir(cwd)
        .env("PATH", path_with(&[bin_dir]))
        .args(["-c", &script, "bash", line])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(&output).trim_start_matches('\n').to_owned()
}

/// The bash script asks the binary, so it completes subcommands, flags, flag values, rule codes
/// (after `=` and after a comma too) and leaves paths to bash.
#[test]
fn bash_script_completes_rule_codes_and_paths_by_asking_the_binary() {
    let Some(bash) = find_on_path("bash") else {
        eprintln!("skipping: bash is not on PATH");
        return;
    };
    let dir = completion_dir();
    let complete = |line: &str| bash_complete(&bash, dir.path(), line);
    assert_eq!(complete("kubectl-ippool li"), "lint\nlist\n");
    assert_eq!(complete("kubectl-ippool lint --fail-o"), "--fail-on\n");
    assert_eq!(complete("kubectl-ippool completion f"), "fish\n");
    assert_eq!(
        complete("kubectl-ippool lint --select IPP10"),
        "IPP101\nIPP102\nIPP103\nIPP104\nIPP105\nIPP106\nIPP107\nIPP108\nIPP109\n"
    );
    assert_eq!(
        complete("kubectl-ippool lint --ignore=IPP00"),
        "IPP000\nIPP001\nIPP002\nIPP003\nIPP004\nIPP005\nIPP006\nIPP007\nIPP008\nIPP009\n"
    );
    assert_eq!(
        complete("kubectl-ippool lint --select IPP101,invalid-ci"),
        "IPP101,invalid-cidr\n"
    );
    assert_eq!(
        complete("kubectl-ippool explain IPP20"),
        "IPP201\nIPP202\nIPP203\nIPP204\nIPP205\nIPP206\nIPP207\nIPP208\nIPP209\n"
    );
    // A path is bash's to complete: no candidate, and file names allowed.
    assert_eq!(complete("kubectl-ippool lint po"), "<files>\n");
    assert_eq!(
        complete("kubectl-ippool lint -o "),
        "concise\ngithub\nhuman\njson\njunit\nsarif\n"
    );
}

/// The zsh script, with zsh's `_describe` and `_files` stood in for (they need an interactive
/// line editor): what the script hands them.
#[test]
fn zsh_script_hands_the_binarys_candidates_to_zsh() {
    let Some(zsh) = find_on_path("zsh") else {
        eprintln!("skipping: zsh is not on PATH");
        return;
    };
    let dir = completion_dir();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let complete = |line: &str| {
        let script = format!(
            r#"
            compdef() {{ }}
            _describe() {{ print -l -- "${{(@P)5}}" }}
            _files() {{ print "<files>" }}
            source {}/completions/_kubectl-ippool
            words=(${{(z)1}})
            [[ $1 == *' ' ]] && words+=("")
            CURRENT=${{#words}}
            _kubectl-ippool
            "#,
            env!("CARGO_MANIFEST_DIR")
        );
        let output = Command::new(&zsh)
            .current_dir(dir.path())
            .env("PATH", path_with(&[bin_dir]))
            .args(["-f", "-c", &script, "zsh", line])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout(&output)
    };
    assert_eq!(complete("kubectl-ippool li"), "lint\nlist\n");
    assert_eq!(
        complete("kubectl-ippool lint --select=IPP10"),
        (1..=9)
            .map(|n| format!("--select=IPP10{n}\n"))
            .collect::<String>()
    );
    assert_eq!(complete("kubectl-ippool lint po"), "<files>\n");
    assert_eq!(complete("kubectl-ippool lint -o j"), "json\njunit\n");
}

/// The fish script, through fish's own `complete -C`, which completes a command line without a
/// terminal.
#[test]
fn fish_script_completes_rule_codes_and_paths_by_asking_the_binary() {
    let Some(fish) = find_on_path("fish") else {
        eprintln!("skipping: fish is not on PATH");
        return;
    };
    let dir = completion_dir();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let complete = |line: &str| {
        let script = format!(
            "source {}/completions/kubectl-ippool.fish; complete -C $argv[1]",
            env!("CARGO_MANIFEST_DIR")
        );
        let output = Command::new(&fish)
            .current_dir(dir.path())
            .env("PATH", path_with(&[bin_dir]))
            .env("HOME", dir.path())
            .args(["--no-config", "-c", &script, line])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut values: Vec<String> = stdout(&output)
            .lines()
            .map(|line| line.split('\t').next().unwrap_or(line).to_owned())
            .collect();
        values.sort();
        values
    };
    assert_eq!(complete("kubectl-ippool li"), ["lint", "list"]);
    assert_eq!(
        complete("kubectl-ippool lint --select IPP10"),
        (1..=9).map(|n| format!("IPP10{n}")).collect::<Vec<_>>()
    );
    assert_eq!(complete("kubectl-ippool lint po"), ["pool.yaml", "ports/"]);
}

#[test]
fn completion_rejects_unknown_shells() {
    let output = Command::new(BIN)
        .args(["completion", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// kubectl plugin completion shim
// ---------------------------------------------------------------------------------------------

/// Runs the committed shim with the binary's directory first on PATH.
fn shim(words: &[&str]) -> String {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let output = Command::new(SHIM)
        .args(words)
        .env("PATH", path_with(&[bin_dir]))
        .output()
        .unwrap();
    assert!(output.status.success(), "{SHIM} {words:?} failed");
    stdout(&output)
}

fn candidates(protocol: &str) -> Vec<&str> {
    protocol
        .lines()
        .filter(|line| !line.starts_with(':'))
        .map(|line| line.split('\t').next().unwrap_or(line))
        .collect()
}

#[cfg(unix)]
#[test]
fn shim_is_an_executable_posix_script() {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(SHIM).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "{SHIM} must be executable by everyone");
    let text = std::fs::read_to_string(SHIM).unwrap();
    assert!(text.starts_with("#!/bin/sh\n"), "plain POSIX sh, no bash");
    assert!(text.contains("__complete \"$@\""));
}

#[test]
fn shim_lists_subcommands_for_an_empty_word() {
    let out = shim(&[""]);
    let names = candidates(&out);
    for expected in ["lint", "rules", "explain", "plan", "completion"] {
        assert!(names.contains(&expected), "{expected} missing:\n{out}");
    }
    assert!(
        out.ends_with("\n:4\n"),
        "NoFileComp after subcommands:\n{out}"
    );
}

#[test]
fn shim_lists_rule_codes_for_select() {
    let out = shim(&["lint", "--select", "IPP0"]);
    let codes = candidates(&out);
    assert!(
        codes.contains(&"IPP001") && codes.contains(&"IPP017"),
        "{out}"
    );
    assert!(codes.iter().all(|code| code.starts_with("IPP0")), "{out}");
    assert!(out.ends_with("\n:4\n"), "{out}");
    let names = shim(&["explain", "overlapping-"]);
    assert_eq!(candidates(&names), ["overlapping-pools"], "{names}");
}

#[test]
fn shim_completes_flags_and_leaves_paths_to_the_shell() {
    let flags = shim(&["lint", "--fail"]);
    assert_eq!(
        candidates(&flags),
        ["--fail-on", "--fail-if-no-files"],
        "{flags}"
    );
    let path = shim(&["lint", "testdata/"]);
    assert_eq!(path, ":0\n", "ShellCompDirectiveDefault: file names");
}

// ---------------------------------------------------------------------------------------------
// The real kubectl
// ---------------------------------------------------------------------------------------------

/// A directory holding the binary and the shim, as a user installs them (symlinks), plus the
/// kubectl to run; `None` (after saying so) when kubectl is not on PATH.
#[cfg(unix)]
fn plugin_dir() -> Option<(tempfile::TempDir, PathBuf)> {
    let Some(kubectl) = find_on_path("kubectl") else {
        eprintln!("skipping: kubectl is not on PATH");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let shim = std::fs::canonicalize(SHIM).unwrap();
    std::os::unix::fs::symlink(BIN, dir.path().join("kubectl-ippool")).unwrap();
    std::os::unix::fs::symlink(shim, dir.path().join("kubectl_complete-ippool")).unwrap();
    Some((dir, kubectl))
}

#[cfg(unix)]
fn kubectl(dir: &Path, kubectl: &Path, args: &[&str]) -> Output {
    Command::new(kubectl)
        .args(args)
        .env("PATH", path_with(&[dir]))
        // Nothing here needs a cluster: keep kubectl away from the user's kubeconfig.
        .env("KUBECONFIG", dir.join("no-kubeconfig"))
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn kubectl_completes_the_plugin_through_the_shim() {
    let Some((dir, bin)) = plugin_dir() else {
        return;
    };
    let output = kubectl(dir.path(), &bin, &["__complete", "ippool", ""]);
    let out = stdout(&output);
    let names = candidates(&out);
    for expected in ["lint", "rules", "explain", "plan", "completion"] {
        assert!(names.contains(&expected), "{expected} missing:\n{out}");
    }
    assert!(out.ends_with(":4\n"), "{out}");
    let output = kubectl(
        dir.path(),
        &bin,
        &["__complete", "ippool", "explain", "IPP00"],
    );
    let out = stdout(&output);
    assert!(candidates(&out).contains(&"IPP004"), "{out}");
}

#[cfg(unix)]
#[test]
fn kubectl_lists_and_runs_the_plugin() {
    let Some((dir, bin)) = plugin_dir() else {
        return;
    };
    let list = kubectl(dir.path(), &bin, &["plugin", "list"]);
    let installed = dir.path().join("kubectl-ippool");
    assert!(
        stdout(&list).contains(&installed.display().to_string()),
        "kubectl plugin list does not show {}:\n{}{}",
        installed.display(),
        stdout(&list),
        String::from_utf8_lossy(&list.stderr)
    );

    let through_kubectl = kubectl(dir.path(), &bin, &["ippool", "lint", "testdata/demo"]);
    let direct = Command::new(BIN)
        .args(["lint", "testdata/demo"])
        .output()
        .unwrap();
    assert_eq!(
        through_kubectl.status.code(),
        Some(1),
        "the demo has errors"
    );
    assert_eq!(stdout(&through_kubectl), stdout(&direct));
    assert!(stdout(&direct).contains("IPP002"));
}

// ---------------------------------------------------------------------------------------------
// krew manifest
// ---------------------------------------------------------------------------------------------

const FAKE_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Renders the krew-release-bot template the way the bot does: `{{ .TagName }}` becomes the tag,
/// and `{{ addURIAndSha "URL" .TagName }}` (URL itself a template) becomes `uri: URL` and, four
/// spaces in on the next line, `sha256: …`. Returns the text and the URLs asked for. Any other
/// action panics: the bot has no other function but `indent`, which the manifest does not use.
fn render_krew(template: &str, tag: &str) -> (String, Vec<String>) {
    const CALL: &str = "{{ addURIAndSha \"";
    const CALL_END: &str = "\" .TagName }}";
    let mut out = String::new();
    let mut urls = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(call) = rest.strip_prefix(CALL) {
            let end = call.find(CALL_END).expect("addURIAndSha \"URL\" .TagName");
            let url = call[..end].replace("{{ .TagName }}", tag);
            assert!(!url.contains("{{"), "unsupported action in {url}");
            out.push_str(&format!("uri: {url}\n    sha256: {FAKE_SHA256}"));
            urls.push(url);
            rest = &call[end + CALL_END.len()..];
        } else if let Some(after) = rest.strip_prefix("{{ .TagName }}") {
            out.push_str(tag);
            rest = after;
        } else {
            panic!(
                "unsupported template action: {}",
                rest.lines().next().unwrap()
            );
        }
    }
    out.push_str(rest);
    (out, urls)
}

fn str_at<'a>(node: NodeRef<'a>, path: &[&str]) -> Option<&'a str> {
    let mut node = node;
    for key in path {
        node = node.get(key)?;
    }
    node.as_str()
}

/// krew's validateLineLength: lines may exceed `max` only when they are a single word.
fn lines_fit(text: &str, max: usize) -> bool {
    text.lines()
        .all(|line| line.chars().count() <= max || !line.trim().contains(' '))
}

/// krew's semver.Parse: a `v` prefix, then MAJOR.MINOR.PATCH with optional pre-release/build.
fn is_krew_semver(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let core = rest.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.chars().all(|c| c.is_ascii_digit())
                && (part.len() == 1 || !part.starts_with('0'))
        })
}

#[test]
fn krew_manifest_renders_and_passes_krew_validation() {
    let path = Path::new("krew/ippool.yaml");
    let template = std::fs::read_to_string(path).unwrap();
    let tag = version_tag();
    let (rendered, urls) = render_krew(&template, &tag);
    let parsed = yaml::parse(&rendered, &yaml::Limits::default());
    assert!(parsed.errors.is_empty(), "{:?}\n{rendered}", parsed.errors);
    assert_eq!(parsed.documents.len(), 1);
    let root = parsed.documents[0].root().unwrap();

    // ValidatePlugin
    assert_eq!(
        str_at(root, &["apiVersion"]),
        Some("krew.googlecontainertools.github.com/v1alpha2")
    );
    assert_eq!(str_at(root, &["kind"]), Some("Plugin"));
    let file_name = path.file_stem().unwrap().to_str().unwrap();
    assert_eq!(str_at(root, &["metadata", "name"]), Some(file_name));
    assert!(
        file_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    );
    let version = str_at(root, &["spec", "version"]).unwrap();
    assert!(is_krew_semver(version), "{version}");
    assert_eq!(
        version, tag,
        "spec.version is the release tag, v + Cargo.toml's version"
    );

    let short = str_at(root, &["spec", "shortDescription"]).unwrap();
    assert!(!short.is_empty() && short.chars().count() <= 50, "{short}");
    let description = str_at(root, &["spec", "description"]).unwrap();
    assert!(
        lines_fit(description, 80),
        "description lines over 80:\n{description}"
    );
    let caveats = str_at(root, &["spec", "caveats"]).unwrap();
    assert!(lines_fit(caveats, 80), "caveats lines over 80:\n{caveats}");
    assert_eq!(str_at(root, &["spec", "homepage"]), Some(REPO_URL));

    let platforms: Vec<NodeRef<'_>> = root
        .get("spec")
        .and_then(|spec| spec.get("platforms"))
        .unwrap()
        .items()
        .collect();
    assert_eq!(urls.len(), platforms.len(), "one addURIAndSha per platform");

    let mut selected: Vec<(String, String)> = Vec::new();
    for (platform, url) in platforms.iter().zip(&urls) {
        // validatePlatform
        assert_eq!(str_at(*platform, &["uri"]), Some(url.as_str()));
        let sha = str_at(*platform, &["sha256"]).unwrap();
        assert!(
            sha.len() == 64 && sha.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
            "sha256 at the wrong indentation? {sha}"
        );
        let labels = platform
            .get("selector")
            .and_then(|s| s.get("matchLabels"))
            .expect("selector.matchLabels");
        let labels: Vec<(&str, &str)> = labels
            .entries()
            .map(|(k, v)| (k.as_str().unwrap(), v.as_str().unwrap()))
            .collect();
        assert!(!labels.is_empty());
        assert!(
            labels.iter().all(|(k, _)| *k == "os" || *k == "arch"),
            "{labels:?}"
        );
        let label = |key: &str| {
            labels
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
                .unwrap()
        };
        let (os, arch) = (label("os"), label("arch"));

        let bin = str_at(*platform, &["bin"]).unwrap();
        let expected_bin = if os == "windows" {
            "kubectl-ippool.exe"
        } else {
            "kubectl-ippool"
        };
        assert_eq!(bin, expected_bin, "{os}/{arch}");
        let files: Vec<(&str, &str)> = platform
            .get("files")
            .unwrap()
            .items()
            .map(|f| (str_at(f, &["from"]).unwrap(), str_at(f, &["to"]).unwrap()))
            .collect();
        assert!(files.contains(&(bin, ".")), "{os}/{arch} installs its bin");
        assert!(
            files.contains(&("LICENSE", ".")),
            "{os}/{arch} ships LICENSE"
        );

        let archive = if os == "windows" { "zip" } else { "tar.gz" };
        assert_eq!(
            *url,
            format!(
                "{REPO_URL}/releases/download/{tag}/kubectl-ippool-{tag}-{os}-{arch}.{archive}"
            )
        );
        selected.push((os, arch));
    }

    // validate-krew-manifest: every platform selects a supported os/arch, none overlap.
    let supported: Vec<(String, String)> = ["linux", "darwin", "windows"]
        .iter()
        .flat_map(|os| {
            ["386", "amd64", "arm", "arm64", "ppc64le", "s390x"]
                .iter()
                .map(move |arch| (os.to_string(), arch.to_string()))
        })
        .collect();
    for pair in &supported {
        let matches = selected.iter().filter(|s| *s == pair).count();
        assert!(matches <= 1, "{pair:?} is selected by {matches} platforms");
    }
    assert!(selected.iter().all(|s| supported.contains(s)));
    let mut got: Vec<String> = selected.iter().map(|(o, a)| format!("{o}/{a}")).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "darwin/amd64",
            "darwin/arm64",
            "linux/amd64",
            "linux/arm64",
            "windows/amd64"
        ]
    );
}

#[test]
fn license_matches_cargo_toml() {
    assert_eq!(env!("CARGO_PKG_LICENSE"), "Apache-2.0");
    let license = std::fs::read_to_string("LICENSE").unwrap();
    assert!(license.contains("Apache License") && license.contains("Version 2.0, January 2004"));
}

// ---------------------------------------------------------------------------------------------
// pre-commit
// ---------------------------------------------------------------------------------------------

#[test]
fn pre_commit_hooks_run_the_lint_subcommand() {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let parsed = yaml::parse(&text, &yaml::Limits::default());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let hooks: Vec<NodeRef<'_>> = parsed.documents[0].root().unwrap().items().collect();
    let ids: Vec<&str> = hooks.iter().map(|h| str_at(*h, &["id"]).unwrap()).collect();
    assert_eq!(ids, ["ippool-lint", "ippool-lint-changed"]);
    for hook in &hooks {
        assert_eq!(str_at(*hook, &["language"]), Some("rust"));
        let entry = str_at(*hook, &["entry"]).unwrap();
        assert!(
            entry.starts_with("kubectl-ippool lint"),
            "the binary cargo installs, then `lint`: {entry}"
        );
    }
    assert_eq!(
        str_at(hooks[0], &["entry"]),
        Some("kubectl-ippool lint --tracked-only"),
        "the whole tree is what git tracks"
    );
    assert_eq!(str_at(hooks[0], &["pass_filenames"]), Some("false"));
    assert_eq!(str_at(hooks[1], &["pass_filenames"]), Some("true"));

    // The README's snippet names these hooks, this repository and the current release.
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split("### pre-commit")
        .nth(1)
        .expect("README has a ### pre-commit section");
    let section = section.split("\n##").next().unwrap_or(section);
    assert!(section.contains(&format!("repo: {REPO_URL}")), "{section}");
    assert!(
        section.contains(&format!("rev: {}", version_tag())),
        "{section}"
    );
    for id in ids {
        assert!(
            section.contains(&format!("id: {id}")),
            "{id} missing from README"
        );
    }
}

/// pre-commit as `.ci/run` finds (or installs) it.
fn pre_commit() -> Option<Vec<String>> {
    let candidates: [&[&str]; 3] = [
        &["pre-commit"],
        &["target/pre-commit-venv/bin/pre-commit"],
        &["python3", "-m", "pre_commit"],
    ];
    candidates.into_iter().find_map(|words| {
        let ok = std::process::Command::new(words[0])
            .args(&words[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| {
            words
                .iter()
                .map(|w| {
                    if w.starts_with("target/") {
                        std::fs::canonicalize(w).unwrap().display().to_string()
                    } else {
                        (*w).to_owned()
                    }
                })
                .collect()
        })
    })
}

#[test]
#[allow(clippy::print_stderr)]
fn the_whole_tree_hook_under_real_pre_commit_lints_what_git_tracks() {
    let Some(pre_commit) = pre_commit() else {
        eprintln!("skipped: pre-commit is not installed (.ci/run installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    std::fs::create_dir_all(repo.join("scratch")).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_kubectl-ippool"),
        bin.join("kubectl-ippool"),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(&repo)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // The hook as this repository declares it, run from the built binary instead of built by
    // pre-commit (language: system).
    let manifest = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let parsed = yaml::parse(&manifest, &yaml::Limits::default());
    let hook = parsed.documents[0].root().unwrap().items().next().unwrap();
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: {}\n    name: {}\n    entry: {}\n    language: system\n    pass_filenames: {}\n    files: '{}'\n",
        str_at(hook, &["id"]).unwrap(),
        str_at(hook, &["name"]).unwrap(),
        str_at(hook, &["entry"]).unwrap(),
        str_at(hook, &["pass_filenames"]).unwrap(),
        str_at(hook, &["files"]).unwrap(),
    );
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    let pool = |cidr: &str| {
        format!(
            "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n  cidr: {cidr}\n"
        )
    };
    std::fs::write(repo.join("deploy/pool.yaml"), pool("10.0.0.0/16")).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "init"]);
    // A stray manifest with host bits set, never added.
    std::fs::write(repo.join("scratch/wip-pool.yaml"), pool("10.9.1.0/16")).unwrap();
    std::fs::write(
        repo.join("deploy/pool.yaml"),
        format!("# reviewed\n{}", pool("10.0.0.0/16")),
    )
    .unwrap();
    git(&["add", "deploy/pool.yaml"]);
    let hook_run = || {
        std::process::Command::new(&pre_commit[0])
            .args(&pre_commit[1..])
            .args(["run", "ippool-lint"])
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.path().join("cache"))
            .env_remove("NO_COLOR")
            .output()
            .unwrap()
    };
    let passed = hook_run();
    assert!(
        passed.status.success(),
        "{}{}",
        String::from_utf8_lossy(&passed.stdout),
        String::from_utf8_lossy(&passed.stderr)
    );
    git(&["add", "scratch/wip-pool.yaml"]);
    git(&["commit", "-q", "--no-verify", "-m", "wip"]);
    std::fs::write(
        repo.join("deploy/pool.yaml"),
        format!("# reviewed twice\n{}", pool("10.0.0.0/16")),
    )
    .unwrap();
    git(&["add", "deploy/pool.yaml"]);
    let failed = hook_run();
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert!(!failed.status.success(), "{stdout}");
    assert!(stdout.contains("IPP002"), "{stdout}");
    assert!(stdout.contains("scratch/wip-pool.yaml"), "{stdout}");
}
