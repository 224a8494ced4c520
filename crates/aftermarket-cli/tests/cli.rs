//! Runs the `aftermarket` binary as a user would.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aftermarket"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn reproduce_001_matches_and_exits_zero() {
    let o = run(&["reproduce", "001"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(out.contains("paper 001: Marco Pagnozzi (2009)"), "{out}");
    assert!(out.contains("ex1.nb-r.payoff-S"), "{out}");
    assert!(out.contains("0 mismatch(es)"), "{out}");
    assert!(!out.contains("MISMATCH"), "{out}");
}

#[test]
fn reproduce_all_papers_matches() {
    let o = run(&["reproduce"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(out.contains("paper 004: Moshe Babaioff"), "{out}");
    assert!(out.contains("ex1.m5.u-C"), "{out}");
    assert!(out.contains(" 0 mismatch(es)"), "{out}");
}

#[test]
fn reproduce_works_from_any_folder() {
    let o = bin()
        .args(["reproduce", "1"])
        .current_dir(std::env::temp_dir())
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn reproduce_json_is_versioned() {
    let o = run(&["reproduce", "001", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["format"], "aftermarket-reproduce");
    assert_eq!(v["version"], 1);
    assert_eq!(v["papers"][0]["paper"], "001");
}

#[test]
fn unknown_paper_is_an_error_with_exit_2() {
    let o = run(&["reproduce", "042"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no reproduction registered for paper \"042\""));
}

#[test]
fn run_every_scenario_with_and_without_json() {
    let dir = root().join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        n += 1;
        let p = path.to_str().expect("utf-8 path");
        let o = run(&["run", p, "--episodes", "20000"]);
        assert!(o.status.success(), "{p}: {}", stderr(&o));
        assert!(stdout(&o).contains("final welfare"), "{p}");
        let o = run(&["run", p, "--json", "--episodes", "20000"]);
        assert!(o.status.success(), "{p}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["format"], "aftermarket-run", "{p}");
        assert!(v["measures"]["revenue"]["mean"].is_number(), "{p}");
        assert!(v["provenance"]["conventions"]["ties"].is_string(), "{p}");
    }
    assert!(n >= 3, "expected worked scenarios, found {n}");
}

#[test]
fn run_example1_resale_shows_the_trade() {
    let o = run(&["run", "scenarios/pagnozzi-ex1-separate-resale.toml"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        out.contains("aftermarket: W sells 1 to S for 6 in total"),
        "{out}"
    );
}

#[test]
fn monte_carlo_is_the_same_whatever_the_thread_count() {
    let a = run(&[
        "run",
        "scenarios/first-price-uniform-resale.toml",
        "--json",
        "--episodes",
        "30000",
        "--threads",
        "1",
    ]);
    let b = run(&[
        "run",
        "scenarios/first-price-uniform-resale.toml",
        "--json",
        "--episodes",
        "30000",
        "--threads",
        "2",
    ]);
    assert!(a.status.success() && b.status.success());
    let va: serde_json::Value = serde_json::from_slice(&a.stdout).expect("json");
    let vb: serde_json::Value = serde_json::from_slice(&b.stdout).expect("json");
    assert_eq!(va["measures"], vb["measures"]);
}

#[test]
fn check_reports_ok() {
    let o = run(&["check", "scenarios/pagnozzi-ex1-separate-resale.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(": ok"));
}

#[test]
fn bad_scenario_names_file_field_and_rule_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("aftermarket-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let bad = dir.join("bad.toml");
    let text = std::fs::read_to_string(root().join("scenarios/pagnozzi-ex1-separate-resale.toml"))
        .expect("read")
        .replace("values = [2, 0]", "values = [2, 5]");
    std::fs::write(&bad, text).expect("write");
    let o = run(&["check", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml: bidders[1].values: marginal values must be non-increasing"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_file_is_exit_2() {
    let o = run(&["run", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.toml: (file): cannot read"));
}

#[test]
fn compare_lists_every_format_with_its_guarantee() {
    let o = run(&["compare", "scenarios/carbon-allowances.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    for needle in [
        "uniform-price (scenario)",
        "reserve E[OPT]/(2m)",
        "pay-as-bid",
        "posted price E[OPT]/(2m)",
        "none known",
        "(1 − 1/e)·E[OPT]",
        "½·E[OPT]",
        "every Bayes–Nash equilibrium",
        "PoA bound (smoothness)",
        "e/(e−1) ≈ 1.582 (pay-as-bid",
        "no bound (uniform-price is not smooth",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in\n{s}");
    }
    let o = run(&["compare", "--json", "scenarios/carbon-allowances.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["rows"][3]["poa_bound"]["smoothness"]["mu"], 1.0);
}
