//! `aftermarket solve` and `aftermarket verify --strategies` as a user runs them.

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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every game file solves (exit 0 converged, 1 not converged, never 2) and
/// reports its ε and outcomes.
#[test]
fn every_game_file_solves() {
    let dir = root().join("scenarios/solve");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/solve") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        n += 1;
        let p = path.to_str().expect("utf-8 path");
        let o = run(&["solve", p, "--json"]);
        let code = o.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{p}: {:?} {}",
            code,
            stderr(&o)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["format"], "aftermarket-solve", "{p}");
        assert!(v["iters"].as_u64().is_some(), "{p}");
        let converged = v["stop"] == "converged";
        assert_eq!(converged, code == Some(0), "{p}: stop {}", v["stop"]);
    }
    assert!(n >= 10, "expected the worked game files, found {n}");
}

/// The single-item solution is near the closed form and the written
/// strategies verify.
#[test]
fn solved_strategies_verify_and_match_the_closed_form() {
    let tmp = std::env::temp_dir().join(format!("am-solve-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp");
    let strat = tmp.join("s.json");
    let svg = tmp.join("b.svg");
    let o = run(&[
        "solve",
        "scenarios/solve/asymmetric-first-price.toml",
        "--json",
        "--strategies-out",
        strat.to_str().expect("path"),
        "--plot",
        svg.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let linf = v["known_equilibrium"]["linf"]
        .as_array()
        .expect("closed form known");
    for d in linf {
        // Within a few bid steps of the asymmetric uniform closed form.
        assert!(d.as_f64().expect("number") < 0.08, "{d}");
    }
    assert!(std::fs::read_to_string(&svg).expect("svg").contains("<svg"));
    let o = run(&[
        "verify",
        "scenarios/solve/asymmetric-first-price.toml",
        "--strategies",
        strat.to_str().expect("path"),
        "--tol",
        "0.02",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn unknown_game_format_names_file_and_field() {
    let tmp = std::env::temp_dir().join(format!("am-solve-bad-{}.toml", std::process::id()));
    std::fs::write(&tmp, "format = \"dutch\"\n").expect("write");
    let o = run(&["solve", tmp.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("format") && e.contains("dutch"), "{e}");
    assert!(e.contains("am-solve-bad"), "{e}");
}

#[test]
fn a_bad_key_in_a_resale_game_is_named() {
    let tmp = std::env::temp_dir().join(format!("am-solve-bad2-{}.toml", std::process::id()));
    let text =
        std::fs::read_to_string(root().join("scenarios/solve/resale-first-price-symmetric.toml"))
            .expect("read")
            .replace("[aftermarket]", "[aftermarket]\nprice = 3");
    std::fs::write(&tmp, text).expect("write");
    let o = run(&["solve", tmp.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("price"), "{e}");
}
