//! A fake Kubernetes API server with a small Calico cluster in it, to try live mode without a
//! cluster (the same server the live tests use, tests/support/fake_api.rs):
//!
//!     cargo run --example fake_cluster -- /tmp/ippool-demo.kubeconfig &
//!     KUBECONFIG=/tmp/ippool-demo.kubeconfig cargo run -- list
//!
//! It listens on 127.0.0.1 (plain HTTP) and stops after 10 minutes, or when killed. Nothing it
//! stores outlives it. `--large NODES BLOCKS PODS` seeds a healthy cluster of that size instead
//! (what `bench/cluster.sh` times `lint --cluster` against).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ippool-demo.kubeconfig".to_owned());
    let args: Vec<String> = std::env::args().collect();
    let api = support::fake_api::FakeApi::start();
    match args.iter().position(|a| a == "--large") {
        Some(at) => {
            let number = |i: usize| args.get(at + i).and_then(|n| n.parse().ok()).unwrap_or(0);
            support::seed_large(&api, number(1), number(2), number(3));
            // kubectl sends no credentials over plain HTTP; the benchmark runs it beside us.
            api.require_token(false);
        }
        None => {
            support::seed(&api);
            // Workloads replace their pods and pods get addresses, as in a cluster: the
            // runbooks (migrate, resize --execute) can be tried end to end.
            api.simulate(true);
        }
    }
    std::fs::copy(api.kubeconfig(), &path).expect("write the kubeconfig");
    println!(
        "fake API server at {}; kubeconfig written to {path}",
        api.url()
    );
    std::thread::sleep(Duration::from_secs(600));
}
