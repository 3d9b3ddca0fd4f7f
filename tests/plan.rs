//! `kubectl ippool plan` through the real binary: the issue's example checked by independent
//! arithmetic, IPv6, `--block-size`, a pool nothing fits (exit 1), invalid input (exit 2), and
//! `-o json` agreeing with the human table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn plan(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ippool").unwrap();
    cmd.env_remove("NO_COLOR").arg("plan").args(args);
    cmd
}

fn stdout_of(args: &[&str], code: i32) -> String {
    let output = plan(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn json_of(args: &[&str], code: i32) -> Value {
    let mut args = args.to_vec();
    args.extend(["-o", "json"]);
    serde_json::from_str(&stdout_of(&args, code)).expect("stdout is one JSON document")
}

/// The table's rows, keyed by blockSize, as their whitespace-separated cells.
fn rows(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .skip_while(|line| !line.starts_with("BLOCKSIZE"))
        .skip(1)
        .take_while(|line| !line.is_empty())
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

fn row(stdout: &str, block_size: u32) -> Vec<String> {
    rows(stdout)
        .into_iter()
        .find(|cells| cells[0] == block_size.to_string())
        .unwrap_or_else(|| panic!("no row for blockSize {block_size} in\n{stdout}"))
}

const EXAMPLE: &[&str] = &[
    "--cidr",
    "10.244.0.0/16",
    "--nodes",
    "500",
    "--pods-per-node",
    "110",
];

#[test]
fn issue_example_table_and_recommendation() {
    let stdout = stdout_of(EXAMPLE, 0);
    let header = stdout.lines().find(|l| l.starts_with("BLOCKSIZE")).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        [
            "BLOCKSIZE",
            "BLOCKS",
            "ADDRS/BLOCK",
            "BLOCKS/NODE",
            "FITS/NODE",
            "NEEDED",
            "HEADROOM"
        ]
    );
    // IPv4 20..=32, all of them at least the /16 prefix.
    let sizes: Vec<String> = rows(&stdout).iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        sizes,
        (20..=32).map(|s: u32| s.to_string()).collect::<Vec<_>>()
    );

    // Independent arithmetic for blockSize 26 in a /16 with 500 nodes × 110 pods.
    let blocks: u64 = 1 << (26 - 16);
    let addresses: u64 = 1 << (32 - 26);
    let per_node = 110u64.div_ceil(addresses);
    let needed = 500 * per_node;
    let headroom = blocks - needed;
    assert_eq!(
        (blocks, addresses, per_node, needed, headroom),
        (1024, 64, 2, 1000, 24)
    );
    let r = row(&stdout, 26);
    assert_eq!(r[1], blocks.to_string());
    assert_eq!(r[2], addresses.to_string());
    assert_eq!(r[3], per_node.to_string());
    assert_eq!(r[4], "yes");
    assert_eq!(r[5], needed.to_string());
    assert_eq!(r[6], headroom.to_string());
    assert_eq!(r[7], "(2%)");
    assert_eq!(r[8..], ["<-", "recommended"]);
    // Exactly one row is marked.
    assert_eq!(stdout.matches("<- recommended").count(), 1);

    // A row the pool cannot hold, and one that does not fit maxBlocksPerHost.
    let r20 = row(&stdout, 20);
    assert_eq!((r20[1].as_str(), r20[6].as_str()), ("16", "-484"));
    let r32 = row(&stdout, 32);
    assert_eq!((r32[3].as_str(), r32[4].as_str()), ("110", "no"));

    assert!(
        stdout.contains(
            "Recommendation: blockSize 26 is Calico's default and fits: 1024 blocks of 64 \
             addresses; 500 nodes × 2 blocks = 1000 blocks needed, 24 spare (2%), enough for \
             512 nodes."
        ),
        "{stdout}"
    );
    // 2% is thin: a /15 holds 2048 blocks, 1000 needed leaves 51% spare.
    assert!(stdout.contains("a /15 such as 10.244.0.0/15"), "{stdout}");
}

#[test]
fn json_matches_the_human_numbers() {
    let stdout = stdout_of(EXAMPLE, 0);
    let json = json_of(EXAMPLE, 0);
    assert_eq!(json["version"], 1);
    assert_eq!(json["cidr"], "10.244.0.0/16");
    assert_eq!(json["nodes"], 500);
    assert_eq!(json["pods_per_node"], 110);
    assert_eq!(json["max_blocks_per_host"], 20);
    assert_eq!(json["recommended"], 26);
    assert!(
        stdout.contains(json["reason"].as_str().unwrap()),
        "human output carries the JSON reason"
    );
    let candidates = json["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), rows(&stdout).len());
    for candidate in candidates {
        let r = row(&stdout, candidate["block_size"].as_u64().unwrap() as u32);
        assert_eq!(r[1], candidate["blocks"].to_string());
        assert_eq!(r[2], candidate["addresses_per_block"].to_string());
        assert_eq!(r[3], candidate["blocks_per_node"].to_string());
        assert_eq!(
            r[4],
            if candidate["fits"].as_bool().unwrap() {
                "yes"
            } else {
                "no"
            }
        );
        assert_eq!(r[5], candidate["blocks_needed"].to_string());
        assert_eq!(r[6], candidate["headroom"].to_string());
    }
    let c26 = &candidates[6];
    assert_eq!(c26["block_size"], 26);
    assert_eq!(c26["headroom"], 24);
    assert_eq!(c26["nodes_supported"], 512);
    assert_eq!(c26["addresses_wasted_per_node"], 2 * 64 - 110);
    assert_eq!(candidates[0]["headroom"], -484);
}

#[test]
fn ipv6_counts_beyond_64_bits_are_strings() {
    let args = ["--cidr", "fd00:10:244::/56", "--nodes", "500"];
    let stdout = stdout_of(&args, 0);
    let sizes: Vec<String> = rows(&stdout).iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        sizes,
        (116..=128).map(|s: u32| s.to_string()).collect::<Vec<_>>()
    );
    // 122 in a /56: 2^66 blocks of 2^6 addresses.
    let blocks = 1u128 << (122 - 56);
    let r = row(&stdout, 122);
    assert_eq!(r[1], blocks.to_string());
    assert_eq!(r[2], "64");
    assert_eq!(r[5], "1000");
    assert_eq!(r[6], (blocks - 1000).to_string());
    assert!(stdout.contains("Recommendation: blockSize 122 is Calico's default"));

    let json = json_of(&args, 0);
    assert_eq!(json["recommended"], 122);
    let c122 = &json["candidates"][6];
    assert_eq!(c122["blocks"], blocks.to_string());
    assert_eq!(c122["headroom"], (blocks - 1000).to_string());
    assert_eq!(c122["blocks_needed"], 1000);
    // 2^(116-56) = 2^60 still fits 64 bits: a number.
    assert_eq!(json["candidates"][0]["blocks"], 1u64 << 60);
    // A /120 offers 120..=128 only.
    let small = json_of(
        &[
            "--cidr",
            "fd00::/120",
            "--nodes",
            "1",
            "--pods-per-node",
            "10",
        ],
        0,
    );
    assert_eq!(small["candidates"][0]["block_size"], 120);
    assert_eq!(small["candidates"].as_array().unwrap().len(), 9);
}

#[test]
fn block_size_restricts_the_table_to_one_judged_size() {
    let mut args = EXAMPLE.to_vec();
    args.extend(["--block-size", "25"]);
    let stdout = stdout_of(&args, 0);
    let all = rows(&stdout);
    assert_eq!(all.len(), 1);
    // 2^(25-16) = 512 blocks of 128; one per node; 500 needed, 12 spare.
    assert_eq!(
        all[0][..8],
        ["25", "512", "128", "1", "yes", "500", "12", "(2%)"]
    );
    assert!(
        stdout.contains("Recommendation: blockSize 25 fits: 512 blocks of 128 addresses"),
        "{stdout}"
    );

    // 24: 256 blocks for 500 nodes is 244 short; 500 blocks of /24 take a /15 (512 blocks).
    let mut args = EXAMPLE.to_vec();
    args.extend(["--block-size", "24"]);
    let stdout = stdout_of(&args, 1);
    assert_eq!(
        rows(&stdout)[0][..7],
        ["24", "256", "256", "1", "yes", "500", "-244"]
    );
    assert!(
        stdout.contains(
            "No recommendation: blockSize 24 does not fit: 500 nodes × 1 block = 500 blocks \
             needed, but the pool has 256 (244 short)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("at least a /15 such as 10.244.0.0/15"),
        "{stdout}"
    );

    // 32: 110 single-address blocks per node, over maxBlocksPerHost 20.
    let mut args = EXAMPLE.to_vec();
    args.extend(["--block-size", "32"]);
    let json = json_of(&args, 1);
    assert_eq!(json["recommended"], Value::Null);
    assert_eq!(json["candidates"][0]["fits"], false);
    assert!(
        json["reason"]
            .as_str()
            .unwrap()
            .contains("110 blocks of 1 address, more than maxBlocksPerHost 20"),
        "{}",
        json["reason"]
    );
}

#[test]
fn nothing_fits_prints_the_plan_and_exits_1() {
    let args = ["--cidr", "10.244.0.0/16", "--nodes", "2000"];
    let stdout = stdout_of(&args, 1);
    assert_eq!(rows(&stdout).len(), 13);
    assert!(!stdout.contains("<- recommended"));
    // 2000 nodes × 2 blocks of 64 = 4000 blocks; 2^12 = 4096 ≥ 4000, so a /(26-12) = /14.
    assert!(
        stdout.contains(
            "No recommendation: no blockSize fits 2000 nodes × 110 pods per node in 10.244.0.0/16 \
             with maxBlocksPerHost 20; with blockSize 26 they need 4000 blocks, which takes at least a \
             /14 such as 10.244.0.0/14."
        ),
        "{stdout}"
    );
    let json = json_of(&args, 1);
    assert_eq!(json["recommended"], Value::Null);
    assert_eq!(json["suggested_cidr"], "10.244.0.0/14");
    // The suggestion really fits: the same plan on it recommends 26.
    let fixed = json_of(&["--cidr", "10.244.0.0/14", "--nodes", "2000"], 0);
    assert_eq!(fixed["recommended"], 26);
}

#[test]
fn bad_input_exits_2_with_a_usage_diagnostic() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--cidr", "10.244.1.0/16", "--nodes", "5"],
            "--cidr 10.244.1.0/16 has host bits set; its network is 10.244.0.0/16",
        ),
        (
            &["--cidr", "10.244.0.0", "--nodes", "5"],
            "is an address, not a subnet",
        ),
        (&["--cidr", "banana", "--nodes", "5"], "not a valid subnet"),
        (&["--cidr", "10.0.0.0/33", "--nodes", "5"], "out of range"),
        (
            &["--cidr", "10.0.0.0/16", "--nodes", "0"],
            "--nodes must be at least 1",
        ),
        (
            &[
                "--cidr",
                "10.0.0.0/16",
                "--nodes",
                "5",
                "--pods-per-node",
                "0",
            ],
            "--pods-per-node must be at least 1",
        ),
        (
            &[
                "--cidr",
                "10.0.0.0/16",
                "--nodes",
                "5",
                "--block-size",
                "19",
            ],
            "--block-size 19 is out of range for an IPv4 pool",
        ),
        (
            &["--cidr", "fd00::/64", "--nodes", "5", "--block-size", "26"],
            "--block-size 26 is out of range for an IPv6 pool",
        ),
        (
            &[
                "--cidr",
                "10.0.0.0/26",
                "--nodes",
                "5",
                "--block-size",
                "24",
            ],
            "--block-size 24 makes blocks larger than the pool 10.0.0.0/26",
        ),
        (&["--cidr", "fe80::/64", "--nodes", "5"], "link-local"),
        (
            &["--cidr", "10.0.0.0/16", "--nodes", "many"],
            "invalid value",
        ),
        (&["--nodes", "5"], "--cidr <CIDR>"),
    ];
    for (args, message) in cases {
        plan(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*message));
    }
    plan(&["--cidr", "10.244.1.0/16", "--nodes", "5"])
        .assert()
        .stderr(predicate::str::contains("help: use --cidr 10.244.0.0/16"));
}

/// The README's example is a real run; this fails when the output changes and the README does not.
#[test]
fn readme_shows_real_output() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let example = format!(
        "$ kubectl ippool plan {}\n{}```",
        EXAMPLE.join(" "),
        stdout_of(EXAMPLE, 0)
    );
    assert!(readme.contains(&example), "README.md lacks:\n{example}");
    let last = stdout_of(&["--cidr", "10.244.0.0/16", "--nodes", "2000"], 1);
    let last = last.lines().last().unwrap();
    assert!(readme.contains(last), "README.md lacks:\n{last}");
}

#[test]
fn help_documents_exit_codes() {
    plan(&["--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Exit codes: 0 a plan with a recommendation",
        ))
        .stdout(predicate::str::contains(
            "largest block that keeps at least 25%",
        ));
}

#[test]
fn plan_says_what_lint_says_of_the_pool_it_recommends() {
    for (cidr, range) in [
        ("127.0.0.0/16", "loopback range 127.0.0.0/8"),
        ("224.1.0.0/16", "multicast range 224.0.0.0/4"),
        ("240.0.0.0/12", "reserved range 240.0.0.0/4"),
        ("ff00::/112", "multicast range ff00::/8"),
    ] {
        let stdout = stdout_of(&["--cidr", cidr, "--nodes", "3"], 0);
        assert!(
            stdout.contains(&format!(
                "Warning: IPP110 pool-overlaps-reserved-range: IPPool planned ({cidr}) overlaps the {range}"
            )),
            "{stdout}"
        );
        let report = json_of(&["--cidr", cidr, "--nodes", "3"], 0);
        assert_eq!(report["findings"][0]["code"], "IPP110", "{report:#}");

        // lint gives the same finding for the same pool.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("planned.yaml");
        std::fs::write(
            &path,
            format!(
                "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: planned\nspec:\n  cidr: {cidr}\n  blockSize: {}\n",
                report["recommended"]
            ),
        )
        .unwrap();
        let linted = Command::cargo_bin("kubectl-ippool")
            .unwrap()
            .args(["lint", "-o", "json"])
            .arg(&path)
            .output()
            .unwrap();
        let linted: Value = serde_json::from_slice(&linted.stdout).unwrap();
        assert_eq!(
            linted["diagnostics"][0]["message"], report["findings"][0]["message"],
            "{linted:#}"
        );
    }
    let clean = json_of(&["--cidr", "10.244.0.0/16", "--nodes", "3"], 0);
    assert_eq!(clean["findings"], serde_json::json!([]));
}
