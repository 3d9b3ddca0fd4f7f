//! In-process benchmarks of the hot parts (issue 5): selector parsing, overlap detection over
//! 100k pools, document loading (YAML → model) and the whole offline pipeline on one file.
//! Whole-process figures (MB/s end to end, RSS, the one-file pre-commit run, yamllint side by
//! side) come from `bench/run.sh`; both are recorded in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use kubectl_ippool::manifest::load_file;
use kubectl_ippool::model::overlap::overlapping_pairs;
use kubectl_ippool::model::selector;
use kubectl_ippool::source::SourceFile;

const SELECTORS: &[&str] = &[
    "all()",
    "rack == \"rack-1\"",
    "has(kubernetes.io/hostname) && topology.kubernetes.io/zone in {\"zone-a\", \"zone-b\", \"zone-c\"}",
    "!(node-role.kubernetes.io/control-plane == \"\" || accelerator starts with \"nvidia\") && !has(edge)",
];

fn selectors(c: &mut Criterion) {
    let mut group = c.benchmark_group("selector");
    for (index, text) in SELECTORS.iter().enumerate() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("parse/{index}"), |b| {
            b.iter(|| selector::parse(black_box(text)).unwrap())
        });
    }
    // Two sizes: the cost of label_keys must double, not quadruple (issue 9 item 11).
    for keys in [2_000, 4_000] {
        let text: Vec<String> = (0..keys).map(|i| format!("has(key-{i})")).collect();
        let parsed = selector::parse(&text.join(" || ")).unwrap();
        group.bench_function(format!("label_keys/{keys}-distinct"), |b| {
            b.iter(|| black_box(&parsed).label_keys().len())
        });
    }
    group.finish();
}

/// 100k pools: /24s across 10.0.0.0/8 with every 97th one a /16 that overlaps its neighbours,
/// and an IPv6 half.
fn pools(count: usize) -> Vec<(usize, IpNet)> {
    (0..count)
        .map(|index| {
            let n = index as u32;
            let net = if index % 2 == 0 {
                let prefix = if index % 97 == 0 { 16 } else { 24 };
                IpNet::V4(
                    Ipv4Net::new((0x0A00_0000 | ((n * 256) & 0x00FF_FF00)).into(), prefix)
                        .unwrap()
                        .trunc(),
                )
            } else {
                let high = 0xfd00_0000_0000_0000_0000_0000_0000_0000u128 | (u128::from(n) << 64);
                IpNet::V6(Ipv6Net::new(high.into(), 64).unwrap())
            };
            (index, net)
        })
        .collect()
}

fn overlap(c: &mut Criterion) {
    let pools = pools(100_000);
    let mut group = c.benchmark_group("overlap");
    group.sample_size(20);
    group.bench_function("100k-pools", |b| {
        b.iter(|| overlapping_pairs(black_box(&pools)))
    });
    group.finish();
}

fn manifest_file() -> String {
    let mut text = String::new();
    for index in 0..500 {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{index}\n  namespace: shop\n  labels:\n    app.kubernetes.io/name: app-{index}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: app-{index}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: app-{index}\n      annotations:\n        cni.projectcalico.org/ipv4pools: '[\"pool-{}\"]'\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app:{index}\n          ports:\n            - containerPort: 8080\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: pool-{index}\nspec:\n  cidr: 10.{}.{}.0/24\n  blockSize: 28\n  nodeSelector: rack == \"rack-{}\"\n",
            index % 50,
            index / 256,
            index % 256,
            index % 8
        ));
    }
    text
}

fn loading(c: &mut Criterion) {
    let file = SourceFile::new("bench.yaml", manifest_file());
    let mut group = c.benchmark_group("load");
    group.throughput(Throughput::Bytes(file.text.len() as u64));
    group.sample_size(20);
    group.bench_function("1000-documents", |b| {
        b.iter(|| load_file(black_box(&file), 0))
    });
    group.finish();
}

criterion_group!(benches, selectors, overlap, loading);
criterion_main!(benches);
