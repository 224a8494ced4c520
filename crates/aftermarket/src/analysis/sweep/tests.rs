use std::path::{Path, PathBuf};

use super::*;

fn scenario(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name);
    std::fs::read_to_string(p).expect("scenario file")
}

fn ex1() -> String {
    scenario("pagnozzi-ex1-separate-resale.toml")
}

fn first_price() -> String {
    scenario("first-price-uniform-resale.toml")
}

fn grid(specs: &[&str]) -> Grid {
    Grid::new(
        specs
            .iter()
            .map(|s| Axis::parse(s).expect("axis"))
            .collect(),
    )
    .expect("grid")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A small Monte Carlo sweep: the strong bidder's slope and the weak
/// bidder's value range.
fn mc_target(g: &Grid) -> ScenarioTarget {
    ScenarioTarget::new(
        &first_price(),
        "fp.toml",
        None,
        g.axes(),
        &strings(&["revenue", "resale_probability"]),
        EvalOptions {
            method: None,
            episodes: Some(600),
        },
    )
    .expect("target")
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(f)
}

#[test]
fn targets_are_send_sync_and_object_safe() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<ScenarioTarget>();
    is_send_sync::<Box<dyn SweepTarget>>();
    is_send_sync::<CsvSink>();
}

#[test]
fn set_field_walks_tables_and_lists() {
    let mut doc: toml::Value = toml::from_str::<toml::Table>(&ex1())
        .map(toml::Value::Table)
        .expect("toml");
    assert!(!set_field(&mut doc, "bidders.1.values.0", 3.5).expect("set"));
    assert!(!set_field(&mut doc, "bidders.0.values.1", 7.0).expect("set"));
    assert!(!set_field(&mut doc, "aftermarket.alpha", 0.25).expect("set"));
    assert!(set_field(&mut doc, "mechanism.reserve", 1.0).expect("added"));
    let b = &doc["bidders"];
    assert_eq!(b[1]["values"][0].as_float(), Some(3.5));
    // An integer stays an integer when the new value is whole.
    assert_eq!(b[0]["values"][1].as_integer(), Some(7));
    assert_eq!(doc["aftermarket"]["alpha"].as_float(), Some(0.25));
    assert_eq!(doc["mechanism"]["reserve"].as_float(), Some(1.0));
}

#[test]
fn set_field_errors_name_the_field() {
    let mut doc: toml::Value = toml::from_str::<toml::Table>(&ex1())
        .map(toml::Value::Table)
        .expect("toml");
    let msg = |doc: &mut toml::Value, f: &str| set_field(doc, f, 1.0).expect_err(f).to_string();
    assert_eq!(
        msg(&mut doc, "bidders.2.values.0"),
        "field `bidders.2.values.0`: `bidders` has 2 entries; index 2 is past the end"
    );
    assert_eq!(
        msg(&mut doc, "bidders.x.values"),
        "field `bidders.x.values`: `bidders` is a list; `x` is not an index"
    );
    assert_eq!(
        msg(&mut doc, "auction.reserve"),
        "field `auction.reserve`: the scenario has no key `auction`"
    );
    assert_eq!(
        msg(&mut doc, "bidders.0.name"),
        "field `bidders.0.name`: is a string, not a number"
    );
    assert_eq!(
        msg(&mut doc, "aftermarket.alpha.x"),
        "field `aftermarket.alpha.x`: `aftermarket.alpha` is a float, not a table or list"
    );
    assert_eq!(
        msg(&mut doc, "aftermarket..alpha"),
        "field `aftermarket..alpha`: empty path segment"
    );
}

#[test]
fn a_misspelt_new_key_is_found_before_the_sweep() {
    let g = grid(&["mechanism.reservee=0:1:3"]);
    let err = ScenarioTarget::new(
        &ex1(),
        "ex1.toml",
        None,
        g.axes(),
        &[],
        EvalOptions::default(),
    )
    .expect_err("unknown key");
    let msg = err.to_string();
    assert!(
        msg.starts_with("field `mechanism.reservee`: not in the scenario file"),
        "{msg}"
    );
    assert!(msg.contains("reservee"), "{msg}");
}

#[test]
fn unknown_measures_are_named() {
    let g = grid(&["aftermarket.alpha=0:1:3"]);
    let err = ScenarioTarget::new(
        &ex1(),
        "ex1.toml",
        None,
        g.axes(),
        &strings(&["welfare"]),
        EvalOptions::default(),
    )
    .expect_err("unknown measure");
    assert!(
        err.to_string()
            .starts_with("unknown measure `welfare`; available: optimal_welfare")
    );
}

#[test]
fn exact_sweep_follows_the_bargaining_share() {
    let g = grid(&["aftermarket.alpha=0.2:1:5", "bidders.1.values.0=1,2"]);
    let t = ScenarioTarget::new(
        &ex1(),
        "ex1.toml",
        None,
        g.axes(),
        &strings(&["resale_payments", "payoff[W]"]),
        EvalOptions::default(),
    )
    .expect("target");
    assert!(t.is_exact());
    assert_eq!(t.columns(), strings(&["resale_payments", "payoff[W]"]));
    let mut sink = VecSink::default();
    let s = run_sweep(&t, &g, 1, &mut sink, None).expect("sweep");
    assert_eq!((s.points, s.evaluated, s.failed), (10, 10, 0));
    for r in sink.rows() {
        let (alpha, v_w) = (r.params[0], r.params[1]);
        let v = r.values.as_ref().expect("ok");
        // W resells its unit to S at vW + α (vS − vW) (paper 001, Example 1).
        let price = v_w + alpha * (10.0 - v_w);
        assert!((v[0] - price).abs() < 1e-9, "{r:?}");
        assert!((v[1] - price).abs() < 1e-9, "{r:?}");
    }
}

#[test]
fn a_failing_point_is_recorded_and_the_sweep_goes_on() {
    let g = grid(&["aftermarket.alpha=0.5,1.5,1"]);
    let t = ScenarioTarget::new(
        &ex1(),
        "ex1.toml",
        None,
        g.axes(),
        &strings(&["revenue"]),
        EvalOptions::default(),
    )
    .expect("target");
    let mut sink = VecSink::default();
    let s = run_sweep(&t, &g, 1, &mut sink, None).expect("sweep");
    assert_eq!((s.evaluated, s.failed), (3, 1));
    let rows = sink.rows();
    assert!(rows[0].values.is_ok() && rows[2].values.is_ok());
    let msg = rows[1].values.as_ref().expect_err("alpha 1.5");
    assert!(msg.contains("alpha"), "{msg}");
}

#[test]
fn monte_carlo_adds_standard_errors_and_ignores_thread_count() {
    let g = grid(&[
        "bidders.0.strategy.slope=0.3:0.7:3",
        "bidders.1.prior.hi=1,1.5",
    ]);
    let t = mc_target(&g);
    assert!(!t.is_exact());
    assert_eq!(
        t.columns(),
        strings(&[
            "revenue",
            "revenue_se",
            "resale_probability",
            "resale_probability_se"
        ])
    );
    let run = |threads| {
        in_pool(threads, || {
            let mut sink = VecSink::default();
            run_sweep(&t, &g, 5, &mut sink, None).expect("sweep");
            sink.rows().to_vec()
        })
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one, two);
    assert_eq!(one.len(), 6);
    // Each point has its own seed.
    assert_ne!(one[0].seed, one[1].seed);
    assert!(
        one.iter()
            .all(|r| r.values.as_ref().is_ok_and(|v| v[1] > 0.0))
    );
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn run_to_file(t: &ScenarioTarget, g: &Grid, path: &Path, threads: usize) -> String {
    in_pool(threads, || {
        let mut sink = CsvSink::create(path, &g.fields(), &t.columns()).expect("sink");
        run_sweep(t, g, 9, &mut sink, None).expect("sweep");
    });
    std::fs::read_to_string(path).expect("read")
}

/// A sink that stops the sweep after `left` rows, like an interruption.
struct Interrupted {
    inner: CsvSink,
    left: usize,
}

impl SweepSink for Interrupted {
    fn finished(&self) -> Vec<Finished> {
        self.inner.finished()
    }
    fn write(&mut self, row: &SweepRow) -> Result<(), SweepError> {
        if self.left == 0 {
            return Err(SweepError::Target("interrupted".into()));
        }
        self.left -= 1;
        self.inner.write(row)
    }
}

#[test]
fn resumed_sweep_gives_the_uninterrupted_file() {
    let g = grid(&[
        "bidders.0.strategy.slope=0.3:0.7:3",
        "bidders.1.prior.hi=1,1.5",
    ]);
    let t = mc_target(&g);
    let dir = tmp();
    let whole = dir.path().join("whole.csv");
    let reference = run_to_file(&t, &g, &whole, 1);
    assert_eq!(reference.lines().count(), 7);
    assert!(reference.starts_with(
        "point,seed,bidders.0.strategy.slope,bidders.1.prior.hi,revenue,revenue_se,resale_probability,resale_probability_se,status,error\n0,"
    ));
    assert_eq!(
        run_to_file(&t, &g, &dir.path().join("two.csv"), 2),
        reference
    );

    for threads in [1, 2] {
        let path = dir.path().join(format!("cut{threads}.csv"));
        // Stopped after three rows, then a half-written fourth.
        let sink = CsvSink::create(&path, &g.fields(), &t.columns()).expect("sink");
        let mut cut = Interrupted {
            inner: sink,
            left: 3,
        };
        in_pool(threads, || run_sweep(&t, &g, 9, &mut cut, None)).expect_err("interrupted");
        let mut text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.lines().count(), 4);
        text.push_str("5,123,0.7,1.");
        std::fs::write(&path, &text).expect("write");

        let mut sink = CsvSink::resume(&path, &g.fields(), &t.columns()).expect("resume");
        let s = in_pool(threads, || run_sweep(&t, &g, 9, &mut sink, None)).expect("sweep");
        assert_eq!((s.resumed, s.evaluated), (3, 3));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), reference);
    }

    // Resuming a finished file evaluates nothing and changes nothing.
    let mut sink = CsvSink::resume(&whole, &g.fields(), &t.columns()).expect("resume");
    let s = run_sweep(&t, &g, 9, &mut sink, None).expect("sweep");
    assert_eq!((s.resumed, s.evaluated), (6, 0));
    assert_eq!(std::fs::read_to_string(&whole).expect("read"), reference);
}

#[test]
fn resume_refuses_another_sweeps_file() {
    let g = grid(&["aftermarket.alpha=0.5:1:3"]);
    let t = ScenarioTarget::new(
        &ex1(),
        "ex1.toml",
        None,
        g.axes(),
        &strings(&["revenue"]),
        EvalOptions::default(),
    )
    .expect("target");
    let dir = tmp();
    let path: PathBuf = dir.path().join("r.csv");
    run_to_file(&t, &g, &path, 1);
    let err =
        CsvSink::resume(&path, &g.fields(), &strings(&["final_welfare"])).expect_err("header");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: cannot resume: its header is `point,seed,aftermarket.alpha,revenue,status,error` but this sweep writes `point,seed,aftermarket.alpha,final_welfare,status,error`",
            path.display()
        )
    );
    // Same header, other values or seed: refused by the runner.
    let other = grid(&["aftermarket.alpha=0.5:0.9:3"]);
    let mut sink = CsvSink::resume(&path, &g.fields(), &t.columns()).expect("resume");
    let err = run_sweep(&t, &other, 9, &mut sink, None).expect_err("values");
    assert!(
        err.to_string()
            .starts_with("recorded point 1 has parameters [0.75]"),
        "{err}"
    );
    let err = run_sweep(&t, &g, 10, &mut sink, None).expect_err("seed");
    assert!(err.to_string().contains("another base seed"), "{err}");
}

/// A closed-form model swept like a scenario: revenue of a second-price
/// auction with two uniform [0, 1] bidders and reserve r is
/// 1/3 + r² − 4r³/3.
struct ReserveRevenue;

impl SweepTarget for ReserveRevenue {
    fn columns(&self) -> Vec<String> {
        vec!["revenue".into()]
    }
    fn evaluate(&self, point: &[f64], _seed: u64) -> Result<Vec<f64>, SweepError> {
        let r = point.first().copied().unwrap_or(0.0);
        if !(0.0..=1.0).contains(&r) {
            return Err(SweepError::Target(format!(
                "reserve must be in [0, 1], got {r}"
            )));
        }
        Ok(vec![1.0 / 3.0 + r * r - 4.0 * r * r * r / 3.0])
    }
    fn n_params(&self) -> Option<usize> {
        Some(1)
    }
}

#[test]
fn closed_forms_sweep_too() {
    let g = grid(&["reserve=0:1:5"]);
    let mut sink = VecSink::default();
    run_sweep(&ReserveRevenue, &g, 0, &mut sink, None).expect("sweep");
    let best = sink
        .rows()
        .iter()
        .max_by(|a, b| {
            a.values.as_ref().expect("ok")[0].total_cmp(&b.values.as_ref().expect("ok")[0])
        })
        .expect("rows");
    assert!((best.params[0] - 0.5).abs() < 1e-12);
    let two = grid(&["reserve=0:1:5", "other=1,2"]);
    let err = run_sweep(&ReserveRevenue, &two, 0, &mut VecSink::default(), None).expect_err("dims");
    assert_eq!(
        err.to_string(),
        "the target takes 1 parameter(s) but the grid has 2 axis/axes"
    );
}

/// True if the SVG has a text element reading `s`.
fn has_text(svg: &str, s: &str) -> bool {
    svg.contains(&format!(">\n{s}\n</text>"))
}

#[test]
fn plots_are_deterministic_svg_with_text() {
    let g = grid(&["x=0:1:4", "y=0:2:3"]);
    let rows: Vec<SweepRow> = (0..g.len())
        .map(|i| {
            let p = g.point(i).expect("point");
            SweepRow {
                point: i,
                seed: 0,
                values: if i == 5 {
                    Err("no".into())
                } else {
                    Ok(vec![p[0] * p[1]])
                },
                params: p,
            }
        })
        .collect();
    let table = SweepTable {
        fields: g.fields(),
        columns: strings(&["z"]),
        rows,
    };
    let overlays = vec![Overlay::parse("y = 2x=2 * x").expect("overlay")];
    let a = plot_sweep(&table, &g, "z", &overlays, Scale::Continuous, None).expect("svg");
    let b = plot_sweep(&table, &g, "z", &overlays, Scale::Continuous, None).expect("svg");
    assert_eq!(a, b);
    assert!(a.starts_with("<svg"));
    assert!(has_text(&a, "z over x and y"));
    assert!(has_text(&a, "y = 2x"));
    assert!(has_text(&a, "failed"));
    let region = plot_sweep(&table, &g, "z", &[], Scale::Threshold(0.5), None).expect("svg");
    assert!(has_text(&region, "where z &gt; 0.5"), "{region}");
    assert!(has_text(&region, "≤ 0.5"));

    let line = grid(&["x=0:1:4"]);
    let t1 = SweepTable {
        fields: line.fields(),
        columns: strings(&["z", "z_se"]),
        rows: (0..4)
            .map(|i| SweepRow {
                point: i,
                seed: 0,
                params: line.point(i).expect("point"),
                values: Ok(vec![i as f64, 0.1]),
            })
            .collect(),
    };
    let l1 = plot_sweep(&t1, &line, "z", &[], Scale::Continuous, Some("line")).expect("svg");
    assert_eq!(
        l1,
        plot_sweep(&t1, &line, "z", &[], Scale::Continuous, Some("line")).expect("svg")
    );
    assert!(has_text(&l1, "line"));
    let err = plot_sweep(&t1, &line, "w", &[], Scale::Continuous, None).expect_err("unknown");
    assert_eq!(err.to_string(), "unknown measure `w`; available: z, z_se");
}

#[test]
fn overlay_formulas_use_x_only() {
    let o = Overlay::parse("b = x/2=x / 2").expect("overlay");
    assert_eq!((o.label.as_str(), o.formula.text()), ("b = x/2", "x / 2"));
    let o = Overlay::parse("max(x, 1)").expect("overlay");
    assert_eq!(o.label, "max(x, 1)");
    let err = Overlay::parse("bound=v / 2").expect_err("v");
    assert!(err.to_string().contains("unknown variable `v`"), "{err}");
}
