//! Deterministic corpus generator for benchmarks and the skip-equivalence test (issue 5):
//! realistic manifest trees of a given number of documents, mostly Deployments, Services,
//! ConfigMaps (some large) and Secrets, with Namespaces (some annotated with pools), a few
//! hundred IPPools (some overlapping), labelled Nodes, an operator Installation and a
//! calico-node DaemonSet.
//!
//! `cargo run --release --example gen_corpus -- OUT_DIR --docs 20000 [--seed 1] [--per-file 40]`
//!
//! The same arguments always produce the same bytes (a fixed xorshift generator, no clock).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = None;
    let mut docs = 10_000usize;
    let mut seed = 1u64;
    let mut per_file = 40u64;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--docs" => docs = iter.next().and_then(|v| v.parse().ok()).unwrap_or(docs),
            "--seed" => seed = iter.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--per-file" => per_file = iter.next().and_then(|v| v.parse().ok()).unwrap_or(per_file),
            other => out = Some(PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_corpus OUT_DIR [--docs N] [--seed S]");
        std::process::exit(2);
    };
    let stats = generate_with(&out, docs, seed, per_file);
    println!(
        "{} documents in {} files, {} bytes, {} pools under {}",
        stats.documents,
        stats.files,
        stats.bytes,
        stats.pools,
        out.display()
    );
}

#[derive(Default)]
pub struct Stats {
    pub documents: usize,
    pub files: usize,
    pub bytes: usize,
    pub pools: usize,
}

pub fn generate(out: &Path, target_docs: usize, seed: u64) -> Stats {
    generate_with(out, target_docs, seed, 40)
}

/// `per_file`: the most documents one application file holds (files get 1 to `per_file`).
pub fn generate_with(out: &Path, target_docs: usize, seed: u64, per_file: u64) -> Stats {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut stats = Stats::default();
    let pools = (target_docs / 60).clamp(3, 400);
    let nodes = (target_docs / 100).clamp(3, 500);
    let namespaces = (target_docs / 50).clamp(2, 2_000);

    // Calico: pools (some overlapping), nodes, an Installation, calico-node.
    let mut calico = String::new();
    for index in 0..pools {
        let (second, third) = (index / 16 % 256, (index % 16) * 16);
        let prefix = if rng.chance(3) { 16 } else { 20 };
        let _ = write!(
            calico,
            "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: pool-{index}\nspec:\n  cidr: 10.{second}.{third}.0/{prefix}\n  blockSize: {}\n  vxlanMode: CrossSubnet\n  natOutgoing: true\n  nodeSelector: rack == \"rack-{}\"\n",
            [26, 26, 27, 28][index % 4],
            index % 8
        );
        stats.documents += 1;
        stats.pools += 1;
    }
    write_file(out, "calico/ippools.yaml", &calico, &mut stats);
    let mut node_text = String::new();
    for index in 0..nodes {
        let _ = write!(
            node_text,
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{index}\n  labels:\n    kubernetes.io/hostname: node-{index}\n    rack: rack-{}\n    topology.kubernetes.io/zone: zone-{}\n",
            index % 8,
            index % 3
        );
        stats.documents += 1;
    }
    write_file(out, "cluster/nodes.yaml", &node_text, &mut stats);
    write_file(
        out,
        "calico/installation.yaml",
        "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\nspec:\n  calicoNetwork:\n    ipPools:\n      - cidr: 172.16.0.0/16\n        blockSize: 26\n        encapsulation: VXLANCrossSubnet\n        natOutgoing: Enabled\n        nodeSelector: all()\n",
        &mut stats,
    );
    stats.documents += 1;
    stats.pools += 1;
    write_file(
        out,
        "calico/calico-node.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: calico-node\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels:\n      k8s-app: calico-node\n  template:\n    metadata:\n      labels:\n        k8s-app: calico-node\n    spec:\n      containers:\n        - name: calico-node\n          image: docker.io/calico/node:v3.32.1\n          env:\n            - name: NO_DEFAULT_POOLS\n              value: \"true\"\n            - name: CALICO_IPV4POOL_IPIP\n              value: \"Never\"\n",
        &mut stats,
    );
    stats.documents += 1;

    // Applications: one directory per namespace, files of 1–40 documents.
    let mut app = 0usize;
    while stats.documents < target_docs {
        let namespace = app % namespaces;
        let mut text = String::new();
        let docs_in_file = 1 + rng.below(per_file) as usize;
        for _ in 0..docs_in_file {
            text.push_str("---\n");
            match rng.below(100) {
                0..=2 => namespace_doc(&mut text, namespace, pools, &mut rng),
                3..=44 => deployment(&mut text, namespace, app, pools, &mut rng),
                45..=69 => service(&mut text, namespace, app),
                70..=89 => config_map(&mut text, namespace, app, &mut rng),
                _ => secret(&mut text, namespace, app, &mut rng),
            }
            stats.documents += 1;
            app += 1;
        }
        let path = format!("apps/ns-{namespace}/part-{app}.yaml");
        write_file(out, &path, &text, &mut stats);
    }
    stats
}

fn write_file(out: &Path, relative: &str, text: &str, stats: &mut Stats) {
    let path = out.join(relative);
    if let Some(parent) = path.parent()
        && let Err(error) = std::fs::create_dir_all(parent)
    {
        eprintln!("{}: {error}", parent.display());
        std::process::exit(1);
    }
    if let Err(error) = std::fs::write(&path, text) {
        eprintln!("{}: {error}", path.display());
        std::process::exit(1);
    }
    stats.files += 1;
    stats.bytes += text.len();
}

fn namespace_doc(text: &mut String, namespace: usize, pools: usize, rng: &mut Rng) {
    let _ = write!(
        text,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{namespace}-{}\n  labels:\n    team: team-{}\n",
        rng.below(1_000_000),
        namespace % 17
    );
    if rng.chance(40) {
        let _ = write!(
            text,
            "  annotations:\n    cni.projectcalico.org/ipv4pools: '[\"pool-{}\"]'\n",
            rng.below(pools as u64)
        );
    }
}

fn deployment(text: &mut String, namespace: usize, app: usize, pools: usize, rng: &mut Rng) {
    let _ = write!(
        text,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{app}\n  namespace: ns-{namespace}\n  labels:\n    app.kubernetes.io/name: app-{app}\n    app.kubernetes.io/part-of: shop\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: app-{app}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: app-{app}\n",
        1 + rng.below(5)
    );
    if rng.chance(5) {
        let _ = write!(
            text,
            "      annotations:\n        cni.projectcalico.org/ipv4pools: '[\"pool-{}\"]'\n",
            rng.below(pools as u64)
        );
    }
    let _ = write!(
        text,
        "    spec:\n      serviceAccountName: app-{app}\n      containers:\n        - name: app\n          image: registry.example.com/shop/app-{app}:1.{}.{}\n          ports:\n            - containerPort: 8080\n              name: http\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: app-{app}-db\n                  key: url\n          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n            periodSeconds: 10\n",
        rng.below(30),
        rng.below(10)
    );
}

fn service(text: &mut String, namespace: usize, app: usize) {
    let _ = write!(
        text,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: app-{app}\n  namespace: ns-{namespace}\nspec:\n  selector:\n    app.kubernetes.io/name: app-{app}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n"
    );
}

fn config_map(text: &mut String, namespace: usize, app: usize, rng: &mut Rng) {
    let _ = write!(
        text,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{app}-config\n  namespace: ns-{namespace}\ndata:\n  settings.yaml: |\n"
    );
    // Mostly small; one in twenty carries a large embedded file.
    let lines = if rng.chance(5) {
        2_000
    } else {
        10 + rng.below(40)
    };
    for line in 0..lines {
        let _ = writeln!(
            text,
            "    key_{line}: value-{}-{}",
            rng.below(1000),
            "x".repeat((line % 40) as usize)
        );
    }
}

fn secret(text: &mut String, namespace: usize, app: usize, rng: &mut Rng) {
    let _ = write!(
        text,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-{app}-db\n  namespace: ns-{namespace}\ntype: Opaque\ndata:\n  url: "
    );
    for _ in 0..(8 + rng.below(24)) {
        let _ = write!(text, "{:016x}", rng.next());
    }
    text.push('\n');
}
