//! `aftermarket sweep` run as a user would.

use std::path::{Path, PathBuf};
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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn exact_sweep_of_the_bargaining_share_writes_csv_and_svg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("alpha.csv");
    let svg = dir.path().join("alpha.svg");
    let o = run(&[
        "sweep",
        "scenarios/pagnozzi-ex1-separate-resale.toml",
        "--axis",
        "aftermarket.alpha=0.25:1:4",
        "--measure",
        "resale_payments",
        "--measure",
        "payoff[S]",
        "--out",
        path(&out),
        "--svg",
        path(&svg),
        "--overlay",
        "2 + 8x=2 + 8 * x",
    ]);
    let stdout = text(&o.stdout);
    assert!(o.status.success(), "{stdout}\n{}", text(&o.stderr));
    assert!(
        stdout.contains("points: 4 (0 resumed, 4 evaluated now); failed: 0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("resale_payments  4    aftermarket.alpha=0.25  10   aftermarket.alpha=1"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(&out).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "point,seed,aftermarket.alpha,resale_payments,payoff[S],status,error"
    );
    assert_eq!(lines.len(), 5);
    // α = 1/2: W resells at 6 and S keeps 10 + 10 − 6 (paper 001, Example 1).
    assert!(
        lines[2].starts_with("1,") && lines[2].ends_with(",0.5,6,14,ok,"),
        "{}",
        lines[2]
    );
    let picture = std::fs::read_to_string(&svg).expect("svg");
    assert!(picture.starts_with("<svg") && picture.contains(">\n2 + 8x\n</text>"));

    // Without --resume or --force an existing file is kept.
    let again = run(&[
        "sweep",
        "scenarios/pagnozzi-ex1-separate-resale.toml",
        "--axis",
        "aftermarket.alpha=0.25:1:4",
        "--out",
        path(&out),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists; pass --resume"));
}

fn fp_sweep(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        "scenarios/first-price-uniform-resale.toml",
        "--axis",
        "bidders.0.strategy.slope=0.3:0.7:3",
        "--axis",
        "mechanism.reserve=0,0.2",
        "--measure",
        "revenue",
        "--measure",
        "resale_probability",
        "--episodes",
        "500",
        "--out",
        path(out),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn monte_carlo_sweep_of_a_strategy_resumes_to_the_same_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whole = dir.path().join("whole.csv");
    let svg = dir.path().join("map.svg");
    let o = fp_sweep(
        &whole,
        &["--threads", "1", "--svg", path(&svg), "--threshold", "0.05"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("seed 7"), "{}", text(&o.stderr));
    let reference = std::fs::read_to_string(&whole).expect("csv");
    assert!(reference.starts_with(
        "point,seed,bidders.0.strategy.slope,mechanism.reserve,revenue,revenue_se,resale_probability,resale_probability_se,status,error\n"
    ));
    assert_eq!(reference.lines().count(), 7);
    assert!(
        std::fs::read_to_string(&svg)
            .expect("svg")
            .contains("where revenue &gt; 0.05")
    );

    // Keep the header and two rows, as an interrupted run would, then resume.
    let cut = dir.path().join("cut.csv");
    let head: Vec<&str> = reference.lines().take(3).collect();
    std::fs::write(&cut, format!("{}\n4,1", head.join("\n"))).expect("write");
    let o = fp_sweep(&cut, &["--resume", "--threads", "2"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("points: 6 (2 resumed, 4 evaluated now)"));
    assert_eq!(std::fs::read_to_string(&cut).expect("csv"), reference);
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.csv");
    let cases: [(&[&str], &str); 4] = [
        (
            // Bidder B bids by a formula, so it has no slope to set.
            &["--axis", "bidders.1.strategy.slope=0:1:3"],
            "field `bidders.1.strategy.slope`: not in the scenario file",
        ),
        (
            &["--axis", "bidders.5.prior.hi=1,2"],
            "`bidders` has 2 entries",
        ),
        (&["--axis", "mechanism.reserve=0:1"], "a range is `lo:hi:n`"),
        (
            &["--axis", "mechanism.reserve=0,1", "--measure", "profit"],
            "unknown measure `profit`",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec![
            "sweep",
            "scenarios/first-price-uniform-resale.toml",
            "--episodes",
            "10",
            "--out",
            path(&out),
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(message), "{extra:?}: {err}");
    }
    assert!(!out.exists());
}
