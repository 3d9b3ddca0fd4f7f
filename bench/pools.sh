#!/usr/bin/env bash
# Pool-count scaling for BENCHMARKS.md (issue 13): n pools, with one Namespace per ten pools whose
# annotation names two of them (one by name, one by CIDR), in 1,000 files or in one file, at two
# sizes in one hyperfine run each; peak RSS by /usr/bin/time. Linear cost shows as a ratio of
# about 2 when n doubles. Usage: bench/pools.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/kubectl-ippool}
dir=target/bench-pools
[ "$bin" = target/release/kubectl-ippool ] && cargo build --release --quiet
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }

python3 - "$dir" <<'PY'
import os, sys
root = sys.argv[1]
def pool(i):
    return (f"apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: pool-{i}\nspec:\n"
            f"  cidr: {10 + i // 65536}.{i // 256 % 256}.{i % 256}.0/24\n  blockSize: 26\n  ipipMode: Always\n"
            f"  natOutgoing: true\n  nodeSelector: rack == \"rack-{i % 40}\"\n")
def namespace(i):
    return (f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{i}\n  annotations:\n"
            f"    cni.projectcalico.org/ipv4pools: '[\"pool-{i}\", \"{10 + (i + 1) // 65536}.{(i + 1) // 256 % 256}.{(i + 1) % 256}.0/24\"]'\n")
def documents(n):
    for i in range(n):
        yield pool(i)
        if i % 10 == 0:
            yield namespace(i)
for n in (50_000, 100_000):
    one = f"{root}/one-{n}"
    many = f"{root}/files-{n}"
    if os.path.isdir(many):
        continue
    os.makedirs(one); os.makedirs(many)
    docs = list(documents(n))
    with open(f"{one}/pools.yaml", "w") as f:
        f.write("---\n".join(docs))
    per = len(docs) // 1000 + 1
    for k in range(1000):
        with open(f"{many}/pools-{k:04}.yaml", "w") as f:
            f.write("---\n".join(docs[k * per:(k + 1) * per]))
PY

for layout in files one; do
  small=$dir/$layout-50000
  large=$dir/$layout-100000
  bytes() { find "$1" -type f -exec cat {} + | wc -c; }
  echo "== $layout: $(bytes "$small") B / $(bytes "$large") B of file content"
  hyperfine --warmup 1 --runs 5 -N -i --output=null \
    "$bin lint $small -o json" "$bin lint $large -o json" 2>&1 | grep -E "Time|Benchmark|±|faster"
  for tree in "$small" "$large"; do
    { /usr/bin/time -f "  peak RSS %M KB, %e s, $(basename "$tree")" "$bin" lint "$tree" -o json 2>&1 >/dev/null || true; } | tail -1
  done
done
