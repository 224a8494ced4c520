//! Bad scenario files get errors naming the file, the field and the rule.

use proptest::prelude::*;

use super::Scenario;

const GOOD: &str = r#"
name = "t"
information = "complete"
[goods]
kind = "units"
m = 2
[[bidders]]
name = "S"
values = [10, 10]
strategy = { kind = "fixed", bid = [5, 0] }
[[bidders]]
name = "W"
values = [2, 0]
strategy = { kind = "fixed", bid = [6, 0] }
[mechanism]
kind = "uniform-price"
[aftermarket]
kind = "none"
"#;

fn err(text: &str) -> String {
    match Scenario::from_toml(text, "t.toml", None) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_good_file_checks() {
    assert!(Scenario::from_toml(GOOD, "t.toml", None).is_ok());
}

#[test]
fn non_monotone_values_name_the_bidder_field() {
    let e = err(&GOOD.replace("values = [2, 0]", "values = [2, 3]"));
    assert_eq!(
        e,
        "t.toml: bidders[1].values: marginal values must be non-increasing, but unit 2 is worth 3 after 2"
    );
}

#[test]
fn negative_values_are_rejected() {
    let e = err(&GOOD.replace("values = [2, 0]", "values = [-1]"));
    assert!(e.starts_with("t.toml: bidders[1].values:"), "{e}");
    assert!(e.contains("must be >= 0, got -1"), "{e}");
}

#[test]
fn nan_is_rejected() {
    let e = err(&GOOD.replace("values = [2, 0]", "values = [nan, 0]"));
    assert!(e.contains("bidders[1].values[0]: must be finite"), "{e}");
}

#[test]
fn missing_values_are_named() {
    let e = err(&GOOD.replace("values = [2, 0]\n", ""));
    assert!(e.contains("bidders[1]: missing values"), "{e}");
}

#[test]
fn empty_bidder_list_is_rejected() {
    let text = "name = \"t\"\n[goods]\nkind = \"single\"\n[mechanism]\nkind = \"first-price\"\n";
    assert_eq!(
        err(text),
        "t.toml: bidders: the market needs at least one bidder"
    );
}

#[test]
fn unknown_mechanism_lists_the_known_ones() {
    let e = err(&GOOD.replace("kind = \"uniform-price\"", "kind = \"dutch\""));
    assert!(
        e.starts_with("t.toml: mechanism.kind: unknown mechanism \"dutch\"; known: first-price"),
        "{e}"
    );
}

#[test]
fn misspelt_key_is_reported_with_its_line() {
    let e = err(&GOOD.replace("[goods]\nkind", "[goods]\nkidn"));
    assert!(e.starts_with("t.toml: line "), "{e}");
}

#[test]
fn unknown_bidder_in_aftermarket_is_named() {
    let e = err(&GOOD.replace(
        "[aftermarket]\nkind = \"none\"",
        "[aftermarket]\nkind = \"nash-bargaining\"\nalpha = 0.5\nweak = \"Q\"",
    ));
    assert_eq!(
        e,
        "t.toml: aftermarket.weak: unknown bidder \"Q\"; bidders are S, W"
    );
}

#[test]
fn probability_outside_unit_interval_is_rejected() {
    let e = err(&GOOD.replace(
        "[aftermarket]\nkind = \"none\"",
        "[aftermarket]\nkind = \"nash-bargaining\"\nalpha = 0.5\nweak = \"W\"\ntrade-probability = 1.5",
    ));
    assert!(
        e.starts_with("t.toml: aftermarket.trade-probability:"),
        "{e}"
    );
    assert!(e.contains("1.5"), "{e}");
}

#[test]
fn field_that_does_not_apply_is_rejected() {
    let e = err(&GOOD.replace(
        "[aftermarket]\nkind = \"none\"",
        "[aftermarket]\nkind = \"none\"\nalpha = 0.5",
    ));
    assert_eq!(
        e,
        "t.toml: aftermarket.alpha: does not apply to the none aftermarket"
    );
}

#[test]
fn duplicate_bidder_names_are_rejected() {
    let e = err(&GOOD.replace("name = \"W\"", "name = \"S\""));
    assert!(
        e.contains("bidders[1].name: bidder name \"S\" is used twice"),
        "{e}"
    );
}

#[test]
fn every_builtin_scenario_checks() {
    for (name, _) in super::builtin::SCENARIOS {
        if let Err(e) = super::builtin::load(name) {
            panic!("{name}: {e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary text never panics the parser.
    #[test]
    fn arbitrary_text_never_panics(s in ".{0,400}") {
        let _ = Scenario::from_toml(&s, "fuzz.toml", None);
    }

    /// Random edits of a good file never panic: each line may be dropped
    /// or have its number replaced.
    #[test]
    fn mutated_good_file_never_panics(drop in proptest::collection::vec(any::<bool>(), 20), x in -1e3f64..1e3) {
        let text: String = GOOD
            .lines()
            .zip(drop.iter().cycle())
            .map(|(l, d)| if *d { l.replace('2', &format!("{x}")) } else { l.to_string() })
            .collect::<Vec<_>>()
            .join("\n");
        let _ = Scenario::from_toml(&text, "fuzz.toml", None);
    }
}

#[test]
fn formula_shape_gives_marginal_values() {
    let text = r#"
name = "formula shape"
[goods]
kind = "units"
m = 3
[[bidders]]
name = "A"
prior = { kind = "uniform", lo = 1, hi = 2 }
shape = { marginal = "v / k", m = 3 }
[[bidders]]
name = "B"
values = [1, 0.5]
[mechanism]
kind = "uniform-price"
"#;
    let sc = Scenario::from_toml(text, "t.toml", None).expect("valid");
    let a = sc.market.prior.marginal(0).expect("independent");
    let (_, shape) = a.scalar().expect("scalar");
    let v = shape.valuation(1.5).expect("valid");
    let mv = v.as_units().expect("units");
    assert!((mv.marginal(2) - 0.75).abs() < 1e-12);
    assert!((mv.marginal(3) - 0.5).abs() < 1e-12);
}

#[test]
fn increasing_formula_shape_is_rejected() {
    let text = r#"
name = "bad formula shape"
[goods]
kind = "units"
m = 2
[[bidders]]
name = "A"
prior = { kind = "uniform", lo = 1, hi = 2 }
shape = { marginal = "v * k", m = 2 }
[mechanism]
kind = "uniform-price"
"#;
    let e = err(text);
    assert!(e.starts_with("t.toml: bidders[0].shape:"), "{e}");
    assert!(e.contains("must be non-increasing"), "{e}");
}
