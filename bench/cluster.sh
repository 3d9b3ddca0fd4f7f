#!/usr/bin/env bash
# `lint --cluster` against the fake API server (examples/fake_cluster.rs) at two cluster sizes,
# each timed side by side with kubectl reading the same objects (`kubectl get` of the same
# types, -o json), the floor for any client of that server. For BENCHMARKS.md, "Live lint".
# Usage: bench/cluster.sh [NODES BLOCKS PODS]   (default 500 2000 10000; the second size doubles it)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-500} blocks=${2:-2000} pods=${3:-10000}
dir=target/bench-cluster
mkdir -p "$dir"
cargo build --release --quiet
cargo build --release --quiet --example fake_cluster
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
bin=$PWD/target/release/kubectl-ippool
types=ippools.crd.projectcalico.org,ipamblocks.crd.projectcalico.org,blockaffinities.crd.projectcalico.org,ipamconfigs.crd.projectcalico.org,nodes,namespaces,pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs

run_size() {
    local label=$1 n=$2 b=$3 p=$4 kubeconfig=$dir/$1.kubeconfig
    rm -f "$kubeconfig"
    target/release/examples/fake_cluster "$kubeconfig" --large "$n" "$b" "$p" > "$dir/$label.log" &
    local server=$!
    trap 'kill $server 2>/dev/null || true' RETURN
    for _ in $(seq 100); do [ -s "$kubeconfig" ] && break; sleep 0.1; done
    echo "== $label: $n nodes, $b blocks, $p pods"
    KUBECONFIG=$kubeconfig "$bin" lint --cluster -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); print("objects", d["summary"].get("cluster_objects"), "diagnostics", len(d["diagnostics"]))'
    # With --large the server accepts requests without a token: kubectl sends none over HTTP.
    KUBECONFIG=$kubeconfig hyperfine --warmup 2 --runs 10 -N --export-json "$dir/$label.json" \
        "$bin lint --cluster -o json" \
        "kubectl get $types -A -o json --chunk-size=500"
    /usr/bin/time -f "peak RSS %M KiB" env KUBECONFIG=$kubeconfig "$bin" lint --cluster -o json > /dev/null
}

run_size small "$nodes" "$blocks" "$pods"
run_size double $((nodes * 2)) $((blocks * 2)) $((pods * 2))
