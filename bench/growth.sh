#!/usr/bin/env bash
# Two-size runs of the inputs that used to cost more than linear time (issue 9), for the Growth
# section of BENCHMARKS.md: each pair in one hyperfine run, plus peak RSS. Linear cost shows as
# a ratio of about 2 when the input doubles. Usage: bench/growth.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/kubectl-ippool}
dir=target/bench-growth
mkdir -p "$dir"
[ "$bin" = target/release/kubectl-ippool ] && cargo build --release --quiet
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }

python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
pool = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: {}\nspec:\n  cidr: 10.0.0.0/16\n"
for n in (100_000, 200_000):  # item 4: a run of suppression comments before one line
    with open(f"{d}/suppressions-{n}.yaml", "w") as f:
        f.write(pool.format("a").replace("  cidr", "  # ippool-lint: ignore IPP101 -- r\n" * n + "  cidr"))
for n in (20_000, 40_000):  # item 6: one annotation naming n pools
    names = ",".join(f'"p-{i}"' for i in range(n))
    with open(f"{d}/annotation-{n}.yaml", "w") as f:
        f.write(pool.format("p-0") + "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: busy\n"
                f"  annotations:\n    cni.projectcalico.org/ipv4pools: '[{names}]'\n")
for n in (50_000, 100_000):  # item 7: a minified List, every pool with host bits (one line)
    items = [{"apiVersion": "projectcalico.org/v3", "kind": "IPPool", "metadata": {"name": f"p{i}"},
              "spec": {"cidr": f"{10 + i // 65536}.{i // 256 % 256}.{i % 256}.1/24"}} for i in range(n)]
    with open(f"{d}/minified-{n}.json", "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f, separators=(",", ":"))
for n in (1_000, 2_000):  # item 9: a 50 KB anchored scalar aliased by n pools
    with open(f"{d}/aliases-{n}.yaml", "w") as f:
        f.write("apiVersion: v1\nkind: List\nitems:\n- apiVersion: projectcalico.org/v3\n  kind: IPPool\n"
                f"  metadata: {{name: first}}\n  spec:\n    cidr: 10.0.0.0/16\n    nodeSelector: &v {'x' * 50_000}\n")
        for i in range(n):
            f.write(f"- apiVersion: projectcalico.org/v3\n  kind: IPPool\n  metadata: {{name: p{i}}}\n"
                    f"  spec: {{cidr: 10.{1 + i // 256}.{i % 256}.0/24, nodeSelector: *v, ipipMode: *v}}\n")
PY

for pair in suppressions-100000.yaml:suppressions-200000.yaml annotation-20000.yaml:annotation-40000.yaml \
            minified-50000.json:minified-100000.json aliases-1000.yaml:aliases-2000.yaml; do
  small=$dir/${pair%%:*}
  large=$dir/${pair##*:}
  echo "== $(stat -c %s "$small") B / $(stat -c %s "$large") B"
  hyperfine --warmup 1 --runs 5 -N -i --output=null "$bin lint $small -o json" "$bin lint $large -o json" 2>&1 |
    grep -E "Time|Benchmark"
  for file in "$small" "$large"; do
    # lint exits 1 on findings: the figures, not the verdict, are wanted here.
    { /usr/bin/time -f "  peak RSS %M KB, $(basename "$file")" "$bin" lint "$file" -o json 2>&1 >/dev/null || true; } | tail -1
    echo "  JSON out $({ "$bin" lint "$file" -o json || true; } | wc -c) B"
  done
done
