//! The `global-local` subcommand and `reproduce 000`, run as a user would.

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aftermarket"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("the binary runs")
}

#[test]
fn global_local_compares_the_regimes_of_a_user_file() {
    let o = run(&[
        "global-local",
        "scenarios/global-local/regional-licences.toml",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for r in [
        "proposition-1 no resale",
        "example-1 + resale",
        "vcg-truthful + resale",
    ] {
        assert!(out.contains(r), "{out}");
    }
}

#[test]
fn global_local_json_is_versioned() {
    let o = run(&[
        "global-local",
        "scenarios/global-local/paper000-a.toml",
        "--json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["version"], 1);
    let rows = v["regimes"].as_array().expect("rows");
    let sr = rows
        .iter()
        .find(|r| r["regime"] == "example-1 + resale")
        .expect("example 1");
    let rev = sr["mean"]["revenue"].as_f64().expect("number");
    assert!((rev - 8.0 / 9.0).abs() < 1e-6, "{rev}");
}

#[test]
fn bad_global_local_file_names_the_field() {
    let dir = std::env::temp_dir().join("aftermarket-p000-bad.toml");
    std::fs::write(
        &dir,
        "n = 2\n[values]\nkind = \"linear\"\nalpha = [1, 3]\n[signals]\nkind = \"uniform\"\nhi = 1\n[run]\nmethod = \"guess\"\n",
    )
    .expect("write");
    let o = run(&["global-local", dir.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run.method"));
}

#[test]
fn reproduce_000_matches() {
    let o = run(&["reproduce", "000"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("7.2.sr.revenue"), "{out}");
}
