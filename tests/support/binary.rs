//! The real binary, run against the fake API server: pointed at it by `KUBECONFIG`, with no
//! home kubeconfig to fall back on, in the server's scratch directory.

use assert_cmd::Command;

use super::fake_api::FakeApi;

pub fn ippool(api: &FakeApi) -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ippool").expect("the binary is built");
    cmd.env("KUBECONFIG", api.kubeconfig())
        .env("HOME", api.dir())
        .env("NO_COLOR", "1")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .current_dir(api.dir());
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(api: &FakeApi, args: &[&str]) -> Run {
    let output = ippool(api).args(args).output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Panics, naming what is missing and the whole output, unless `text` holds every piece.
pub fn assert_holds(text: &str, pieces: &[&str]) {
    for piece in pieces {
        assert!(text.contains(piece), "missing {piece:?} in:\n{text}");
    }
}

/// kubectl, when installed, and a PATH on which it finds this binary as the `ippool` plugin
/// (a symlink in the server's scratch directory).
pub fn as_plugin(api: &FakeApi) -> Option<(&'static str, String)> {
    let kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let bin = api.dir().join("bin");
    std::fs::create_dir_all(&bin).expect("a bin directory");
    let link = bin.join("kubectl-ippool");
    if !link.exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kubectl-ippool"), link)
            .expect("the plugin link");
    }
    Some((kubectl, format!("{}:/usr/bin:/bin", bin.display())))
}
