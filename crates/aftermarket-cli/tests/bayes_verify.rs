//! `aftermarket verify` on Bayesian scenarios (papers 003 and 004).

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aftermarket"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

#[test]
fn example_4_of_paper_003_is_not_an_equilibrium() {
    let o = run(&[
        "verify",
        "scenarios/bid-contingent-resale.toml",
        "--levels",
        "1",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["game"], "bayesian");
    assert_eq!(v["equilibrium"], false);
    let types = v["types"].as_array().expect("rows");
    let gain_of = |bidder: &str, value: f64| {
        types
            .iter()
            .find(|t| t["bidder"] == bidder && t["valuation"]["units"][0].as_f64() == Some(value))
            .and_then(|t| t["gain"].as_f64())
    };
    for value in [0.0, 2.0] {
        let g = gain_of("2", value).expect("agent 2's row");
        assert!((g - 0.25).abs() < 1e-5, "type {value}: {g}");
    }
    assert!((v["ex_ante"]["sold"].as_f64().expect("sold") - 13.0 / 16.0).abs() < 1e-12);
}

#[test]
fn example_1_of_paper_004_verifies_on_a_coarse_grid() {
    let o = run(&[
        "verify",
        "scenarios/speculator-uniform-price.toml",
        "--grid",
        "2",
        "--no-halves",
        "--eps",
        "0.001",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("an ε-Bayes–Nash equilibrium"), "{out}");
    assert!(!out.contains("PROFITABLE"), "{out}");
}
