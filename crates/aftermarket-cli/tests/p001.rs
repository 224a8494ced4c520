//! `aftermarket verify` and `aftermarket regimes` on the paper's and a
//! user's scenarios (paper 001).

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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn verify_accepts_the_lemma_2_profile_of_example_1() {
    let o = run(&["verify", "scenarios/pagnozzi-ex1-separate-resale.toml"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("an ε-equilibrium"), "{out}");
}

#[test]
fn verify_rejects_outbidding_profile_with_exit_1() {
    // S outbids W at price 6: payoff 8 < 14, so S deviates.
    let o = run(&[
        "verify",
        "scenarios/pagnozzi-ex1-separate-resale-outbid.toml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("PROFITABLE DEVIATION"));
}

#[test]
fn verify_json_names_the_gain_per_bidder() {
    let o = run(&["verify", "scenarios/two-units-bargaining.toml", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["format"], "aftermarket-verify");
    assert_eq!(v["equilibrium"], true);
    assert!(v["bidders"][0]["gain"].is_number());
}

#[test]
fn verify_a_user_file_with_a_low_bid_finds_outbidding() {
    let dir = std::env::temp_dir().join("aftermarket-p001-cli");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let text = std::fs::read_to_string(root().join("scenarios/two-units-bargaining.toml"))
        .expect("scenario")
        .replace("bid = [5.8, 0]", "bid = [2.5, 0]");
    let path = dir.join("low.toml");
    std::fs::write(&path, text).expect("write");
    let o = run(&["verify", path.to_str().expect("utf-8"), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let gain = v["bidders"][0]["gain"].as_f64().expect("gain");
    assert!((gain - 0.8).abs() < 1e-5, "{gain}");
}

#[test]
fn regimes_of_example_1_rank_bundling_with_resale_first() {
    let o = run(&["regimes", "scenarios/pagnozzi-ex1-separate-resale.toml"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("ranking by revenue: (B,R) 11 > (NB,NR) 4 > (B,NR) 2 > (NB,R) 0"),
        "{out}"
    );
    assert!(out.contains("Lemma 1(ii)"), "{out}");
    assert!(
        out.contains("bundling and allowing resale is revenue-best"),
        "{out}"
    );
}

#[test]
fn regimes_json_has_the_four_revenues() {
    let o = run(&["regimes", "scenarios/two-units-bargaining.toml", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["format"], "aftermarket-regimes");
    let revs: Vec<f64> = v["comparison"]["solutions"]
        .as_array()
        .expect("solutions")
        .iter()
        .map(|s| s["revenue"].as_f64().expect("revenue"))
        .collect();
    assert_eq!(revs.len(), 4);
    for (a, b) in revs.iter().zip([0.0, 0.0, 7.0, 10.6]) {
        assert!((a - b).abs() < 1e-9, "{revs:?}");
    }
}

#[test]
fn regimes_rejects_a_scenario_without_bargaining() {
    let o = run(&["regimes", "scenarios/pagnozzi-ex1-separate-no-resale.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("aftermarket"));
}

#[test]
fn reproduce_001_covers_the_test_vectors_and_errata() {
    let o = run(&["reproduce", "001"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    for id in [
        "t1.revenue(B,R)",
        "t10.dr-is-equilibrium",
        "t14.lemma6.gain",
        "t16.families",
        "fig1.boundary",
        "prop4.condition",
    ] {
        assert!(out.contains(id), "{id} missing");
    }
    assert!(out.contains("corrected erratum"), "{out}");
    assert!(out.contains("0 mismatch(es)"), "{out}");
}

#[test]
fn regimes_sweep_draws_figure1_with_the_boundary_within_one_cell() {
    let dir =
        std::env::temp_dir().join(format!("aftermarket-regimes-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let csv = dir.join("fig1.csv");
    let svg = dir.join("fig1.svg");
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_aftermarket"))
        .current_dir(&root)
        .args([
            "sweep",
            "scenarios/pagnozzi-sweep-base.toml",
            "--model",
            "regimes",
            "--axis",
            "bidders.1.values.0=0:1:21",
            "--axis",
            "bidders.0.values.1=0:1:21",
            "--measure",
            "joint_dr_no_resale",
            "--out",
            csv.to_str().expect("utf-8"),
            "--svg",
            svg.to_str().expect("utf-8"),
            "--threshold",
            "0.5",
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut checked = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (w1, s2, v): (f64, f64, f64) = (
            f[2].parse().expect("w1"),
            f[3].parse().expect("s2"),
            f[4].parse().expect("value"),
        );
        // Away from the boundary (more than one cell of 0.05), the map
        // agrees with 2 vW1 > vS2.
        if (2.0 * w1 - s2).abs() > 0.11 {
            let want = if 2.0 * w1 > s2 { 1.0 } else { 0.0 };
            assert!((v - want).abs() < 1e-12, "vW1 = {w1}, vS2 = {s2}: {v}");
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
    assert!(
        std::fs::read_to_string(&svg)
            .expect("svg")
            .contains("joint_dr_no_resale")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
