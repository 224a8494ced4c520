//! `aftermarket core` on reallocation markets.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aftermarket"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

#[test]
fn example1_is_blocked_by_a_with_each_buyer() {
    let o = run(&["core", "scenarios/reallocation/rostek-yoder-example1.toml"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("outside the bidder-core"), "{out}");
    assert!(out.contains("{a, 1}") && out.contains("{a, 2}"), "{out}");
    assert!(out.contains("Vickrey revenue: 2.25"), "{out}");
}

#[test]
fn json_report_is_versioned_and_complete() {
    let o = run(&["core", "scenarios/reallocation/electricity.toml", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["format"], "aftermarket-core");
    assert_eq!(v["version"], 1);
    let r = &v["report"];
    assert_eq!(r["bidders"].as_array().map(Vec::len), Some(4));
    assert!(r["vickrey"]["revenue"].is_number());
    assert!(r["core_selecting"]["min_revenue"]["revenue"].is_number());
    assert!(r["blocking"].is_array());
}

#[test]
fn bad_matrix_names_the_field() {
    let dir = std::env::temp_dir().join(format!("aftermarket-core-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let bad = dir.join("bad.toml");
    let text =
        std::fs::read_to_string(root().join("scenarios/reallocation/rostek-yoder-example1.toml"))
            .expect("read")
            .replace("theta = [2.0]\nS = [[1.0]]", "theta = [2.0]\nS = [[-1.0]]");
    std::fs::write(&bad, text).expect("write");
    let o = run(&["core", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("bidders[2].S"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
