//! Paper 001 through the solver and the verifier: the digest's T1–T16, the
//! lemmas and propositions on a fixed set of instances, the errata and the
//! region maps.

use super::super::{Item, ReproduceError, Source};
use crate::equilibrium::named::pagnozzi::{
    self as pz, PagnozziInstance, Regime, RegionMap, SolveOptions, ThresholdFormula,
};
use crate::equilibrium::{VerifyOptions, verify_complete_information};
use crate::mechanism::Bid;

const TOL: f64 = 1e-9;
/// Tolerance on verifier gains (the critical levels are shifted by 1e-6).
const GAIN_TOL: f64 = 1e-5;
const HOW: &str = "solver (engine markets, exact) + complete-information verifier";

fn item(id: &str, claim: &str, reference: f64, source: Source, computed: f64, tol: f64) -> Item {
    Item::compare(id, claim, reference, source, computed, tol, HOW)
}

fn flag(b: bool) -> f64 {
    f64::from(u8::from(b))
}

fn inst(vs: [f64; 2], vw: [f64; 2], alpha: f64) -> Result<PagnozziInstance, ReproduceError> {
    Ok(PagnozziInstance::new(vs, vw, alpha)?)
}

fn marg(a: f64, b: f64) -> Bid {
    Bid::Marginal(vec![a, b])
}

/// A fixed, reproducible set of integer instances (digest §4.2's
/// brute-force check, smaller): values in 0..=12, α in {0.1, 0.3, 0.5, 0.9, 1}.
fn sample_instances(n: usize) -> Vec<PagnozziInstance> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |k: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % k
    };
    let alphas = [0.1, 0.3, 0.5, 0.9, 1.0];
    let mut out = Vec::new();
    while out.len() < n {
        let mut v: Vec<f64> = (0..4).map(|_| next(13) as f64).collect();
        v.sort_by(|a, b| b.total_cmp(a));
        // vS1 is the largest; the other three are split at random.
        let s1 = v[0];
        let rest = [v[1], v[2], v[3]];
        let pick = next(3) as usize;
        let s2 = rest[pick];
        let mut w: Vec<f64> = rest
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != pick)
            .map(|(_, x)| *x)
            .collect();
        w.sort_by(|a, b| b.total_cmp(a));
        let a = alphas[next(5) as usize];
        if let Ok(i) = PagnozziInstance::new([s1, s2], [w[0], w[1]], a) {
            // Knife edges (vS2 = vW1, vS2 = 2vW1) are left to the named tests.
            if (s2 - w[0]).abs() > 0.5 && (s2 - 2.0 * w[0]).abs() > 0.5 {
                out.push(i);
            }
        }
    }
    out
}

/// Columns of a 0/1 map whose transition is more than one cell away from
/// the boundary `y = f(x)` (columns where `f(x)` is outside the range
/// are skipped).
fn boundary_misses(m: &RegionMap, f: impl Fn(f64) -> f64, one_below: bool) -> usize {
    let cell = m.ys.get(1).zip(m.ys.first()).map_or(1.0, |(a, b)| a - b);
    let mut misses = 0;
    for (i, &x) in m.xs.iter().enumerate() {
        let yb = f(x);
        if !(m.ys[0]..=m.ys[m.ys.len() - 1]).contains(&yb) {
            continue;
        }
        for (j, &y) in m.ys.iter().enumerate() {
            let v = m.values[j][i];
            if v.is_nan() {
                continue;
            }
            let expect_one = if one_below { y < yb } else { y > yb };
            if (v > 0.5) != expect_one && (y - yb).abs() > cell + 1e-12 {
                misses += 1;
            }
        }
    }
    misses
}

/// A row of T1–T9: id, vS, vW, alpha, revenues in regime order, (B,R) best.
type RevenueRow = (&'static str, [f64; 2], [f64; 2], f64, [f64; 4], bool);
/// A row of T13–T15: id, vS, vW, then S's payoffs with resale (no
/// reduction, reduction), without resale (same), and the verifier's gain.
type Section7Row = (&'static str, [f64; 2], [f64; 2], [f64; 4], f64);

#[allow(clippy::too_many_lines)]
pub(super) fn items(items: &mut Vec<Item>) -> Result<(), ReproduceError> {
    use Source::{Derived, Paper};
    let verified = SolveOptions::verified();
    let vopts = VerifyOptions::default();

    // T1–T9: revenues per regime, verified selected profiles, rankings.
    let table: [RevenueRow; 9] = [
        (
            "t1",
            [10.0, 10.0],
            [2.0, 0.0],
            0.5,
            [4.0, 0.0, 2.0, 11.0],
            true,
        ),
        (
            "t2",
            [10.0, 10.0],
            [2.0, 0.0],
            0.1,
            [4.0, 0.0, 2.0, 3.8],
            false,
        ),
        (
            "t3",
            [10.0, 10.0],
            [2.0, 0.0],
            1.0 / 9.0,
            [4.0, 0.0, 2.0, 4.0],
            true,
        ),
        (
            "t4",
            [10.0, 6.0],
            [4.0, 0.0],
            0.5,
            [0.0, 0.0, 4.0, 10.0],
            true,
        ),
        (
            "t5",
            [10.0, 3.0],
            [5.0, 1.0],
            0.5,
            [0.0, 0.0, 6.0, 9.5],
            true,
        ),
        (
            "t6",
            [10.0, 9.0],
            [3.0, 3.0],
            0.01,
            [6.0, 0.0, 6.0, 6.13],
            true,
        ),
        (
            "t7",
            [10.0, 0.0],
            [9.0, 9.0],
            1.0,
            [0.0, 0.0, 10.0, 10.0],
            true,
        ),
        (
            "t8",
            [10.0, 0.0],
            [9.0, 9.0],
            0.5,
            [0.0, 0.0, 10.0, 14.0],
            true,
        ),
        (
            "t9",
            [12.0, 10.0],
            [3.0, 1.0],
            0.2,
            [6.0, 0.0, 4.0, 7.6],
            true,
        ),
    ];
    for (id, vs, vw, a, revs, best) in table {
        let i = inst(vs, vw, a)?;
        let cmp = i.compare(&verified)?;
        let src = if id == "t1" { Paper } else { Derived };
        for (k, r) in Regime::ALL.iter().enumerate() {
            items.push(item(
                &format!("{id}.revenue{}", r.label()),
                &format!(
                    "{}: revenue {}, selected equilibrium",
                    id.to_uppercase(),
                    r.describe()
                ),
                revs[k],
                src,
                cmp.solutions[k].revenue,
                TOL,
            ));
        }
        let gain = cmp
            .solutions
            .iter()
            .filter(|s| s.characterised)
            .filter_map(|s| s.verified_gain)
            .fold(0.0f64, f64::max);
        items.push(item(
            &format!("{id}.verified"),
            &format!(
                "{}: no profitable deviation from any selected profile (largest gain)",
                id.to_uppercase()
            ),
            0.0,
            Derived,
            gain,
            GAIN_TOL,
        ));
        items.push(item(
            &format!("{id}.prop2.best"),
            &format!(
                "{}: Proposition 2, bundling with resale is revenue-best (1 = yes)",
                id.to_uppercase()
            ),
            flag(best),
            Derived,
            flag(cmp.bundling_resale_best),
            0.0,
        ));
        let beats = cmp.solutions[3].revenue > cmp.solutions[0].revenue + TOL;
        items.push(item(
            &format!("{id}.prop2.condition"),
            &format!(
                "{}: (B,R) > (NB,NR) exactly when 2vW1 > vS2 or alpha > (vW1 - vW2)/(VS - VW)",
                id.to_uppercase()
            ),
            flag(cmp.prop2_predicts_best),
            Paper,
            flag(beats),
            0.0,
        ));
    }
    let t1 = inst([10.0, 10.0], [2.0, 0.0], 0.5)?;
    items.push(item(
        "t1.prop2.threshold",
        "T1: Proposition 2 threshold (vW1 - vW2)/(VS - VW)",
        1.0 / 9.0,
        Derived,
        t1.prop2_threshold().unwrap_or(f64::NAN),
        TOL,
    ));
    let t9 = inst([12.0, 10.0], [3.0, 1.0], 0.05)?;
    items.push(item(
        "t9.prop2.threshold",
        "T9: Proposition 2 threshold",
        1.0 / 9.0,
        Derived,
        t9.prop2_threshold().unwrap_or(f64::NAN),
        TOL,
    ));
    let c9 = t9.compare(&SolveOptions::default())?;
    items.push(item(
        "t9.alpha005.b-r",
        "T9 at alpha = 0.05: (B,R) revenue 4.9 < 6 = (NB,NR)",
        4.9,
        Derived,
        c9.solutions[3].revenue,
        TOL,
    ));
    let t1w = t1.wtp(true)?;
    items.push(item(
        "ex1.wtp.S",
        "Ex. 1: S's willingness to pay (5; 6), first unit",
        5.0,
        Paper,
        t1w.s[0],
        TOL,
    ));
    items.push(item(
        "ex1.wtp.W",
        "Ex. 1: W's willingness to pay (6; 5), first unit",
        6.0,
        Paper,
        t1w.w[0],
        TOL,
    ));
    items.push(item(
        "ex1.wtp.mirror",
        "Ex. 1: the tables mirror each other, |S1 - W2| + |S2 - W1|",
        0.0,
        Paper,
        (t1w.s[0] - t1w.w[1]).abs() + (t1w.s[1] - t1w.w[0]).abs(),
        TOL,
    ));
    items.push(item(
        "ex1.wtp.bundle",
        "Ex. 1: both bundle willingness to pay equal x + y = 11 (Lemma 4)",
        11.0,
        Paper,
        0.5 * (t1w.bundle_s + t1w.bundle_w),
        TOL,
    ));

    // T5 details.
    let t5 = inst([10.0, 3.0], [5.0, 1.0], 0.5)?;
    let c5 = t5.compare(&verified)?;
    items.push(item(
        "t5.lemma2.bs1-low",
        "T5: Lemma 2, S's first bid above x/2 = 2.75",
        2.75,
        Derived,
        t5.x() / 2.0,
        TOL,
    ));
    items.push(item(
        "t5.lemma2.bw1-low",
        "T5: Lemma 2, W's first bid above y/2 = 2",
        2.0,
        Derived,
        t5.y() / 2.0,
        TOL,
    ));
    items.push(item(
        "t5.b-r.payoff-S",
        "T5: (B,R) S's payoff (1 - alpha)(vS1 - vW2)",
        4.5,
        Derived,
        c5.solutions[3].outcome.payoffs[0],
        TOL,
    ));
    items.push(item(
        "t5.b-r.payoff-W",
        "T5: (B,R) W's payoff alpha(vW1 - vS2)",
        1.0,
        Derived,
        c5.solutions[3].outcome.payoffs[1],
        TOL,
    ));
    items.push(item(
        "t5.b-nr.welfare",
        "T5: (B,NR) welfare 13 < 15 (bundling misallocates in Case B)",
        13.0,
        Derived,
        c5.solutions[2].outcome.welfare,
        TOL,
    ));
    items.push(item(
        "t5.nb-r.no-trade",
        "T5: (NB,R) Case B, no resale takes place",
        0.0,
        Paper,
        c5.solutions[1].outcome.resale_probability,
        TOL,
    ));
    let t7 = inst([10.0, 0.0], [9.0, 9.0], 1.0)?;
    let c7 = t7.compare(&SolveOptions::default())?;
    items.push(item(
        "t7.b-nr.won-W",
        "T7: W wins the bundle without resale",
        2.0,
        Derived,
        c7.solutions[2].outcome.won[1],
        TOL,
    ));
    items.push(item(
        "t7.b-nr.welfare",
        "T7: (B,NR) welfare 18 < 19 (inefficient)",
        18.0,
        Derived,
        c7.solutions[2].outcome.welfare,
        TOL,
    ));
    items.push(item(
        "t7.prop2.equality",
        "T7: Proposition 2(ii) equality case, (B,R) - (B,NR) at alpha = 1, VS < VW",
        0.0,
        Paper,
        c7.solutions[3].revenue - c7.solutions[2].revenue,
        TOL,
    ));

    // Lemma 2 boundaries: below y/2 S outbids, below x/2 W outbids (Example 1).
    let (x, y) = (t1.x(), t1.y());
    let low_w = t1.market(
        Regime::SeparateResale,
        [marg(x, 0.0), marg(y / 2.0 - 0.5, 0.0)],
    )?;
    let g = verify_complete_information(&low_w, &t1.critical_levels(), &vopts)?;
    items.push(item(
        "ex1.lemma2.bw1-below",
        "Ex. 1: W bids y/2 - 0.5 = 2.5; S outbids, gain 2(y/2 - bW1) = 1 (verifier)",
        1.0,
        Derived,
        g.bidder("S").map_or(f64::NAN, |b| b.gain),
        1e-5,
    ));
    let low_s = t1.market(
        Regime::SeparateResale,
        [marg(x / 2.0 - 0.5, 0.0), marg(y, 0.0)],
    )?;
    let g = verify_complete_information(&low_s, &t1.critical_levels(), &vopts)?;
    items.push(item(
        "ex1.lemma2.bs1-below",
        "Ex. 1: S bids x/2 - 0.5 = 2; W outbids, gain 2(x/2 - bS1) = 1 (verifier)",
        1.0,
        Derived,
        g.bidder("W").map_or(f64::NAN, |b| b.gain),
        1e-5,
    ));

    // Section 6: T10–T12 and the Lemma 5 errata.
    let base = inst([10.0, 10.0], [2.0, 0.0], 0.5)?;
    let corrected = base.p_star(ThresholdFormula::Corrected).unwrap_or(f64::NAN);
    let printed = base.p_star(ThresholdFormula::Printed).unwrap_or(f64::NAN);
    // The threshold the engine finds: bisection on "joint reduction holds".
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..30 {
        let mid = 0.5 * (lo + hi);
        if base.clone().with_p(mid)?.joint_reduction_holds(true)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    items.push(
        item("lemma5.pstar", "Lemma 5: p* for vS = (10, 10), vW = (2, 0), alpha = 1/2 (engine bisection)", corrected, Derived, 0.5 * (lo + hi), 1e-6)
            .erratum(&format!(
                "printed (vS2 - 2vW1)/((1+alpha)(vS2 + vW1)) = {printed:.4}; the proof's own inequality p(1-alpha)(vS2-vW1) > vS2 - 2vW1 - 2p alpha(vS2-vW1) gives (vS2 - 2vW1)/((1+alpha)(vS2 - vW1)) = {corrected}"
            )),
    );
    let t10 = base.clone().with_p(0.4)?;
    let s10 = t10.solve(Regime::SeparateResale, &SolveOptions::default())?;
    let dr10 = t10.market(Regime::SeparateResale, [marg(8.0, 0.0), marg(3.6, 0.0)])?;
    let v10 = verify_complete_information(&dr10, &t10.critical_levels(), &vopts)?;
    items.push(
        item("t10.dr-is-equilibrium", "T10 (p = 0.4): joint reduction S (8; 0), W (3.6; 0) is an equilibrium (1 = yes, verifier)", 0.0, Derived, flag(v10.is_equilibrium(GAIN_TOL)), 0.0)
            .erratum("the printed threshold 1/3 < 0.4 predicts joint reduction; the verifier finds S outbidding: 20 - 2(3.6) = 12.8 > 11.6"),
    );
    items.push(item(
        "t10.gain-S",
        "T10: S's gain from outbidding, 12.8 - 11.6 (verifier)",
        1.2,
        Derived,
        v10.bidder("S").map_or(f64::NAN, |b| b.gain),
        1e-5,
    ));
    items.push(item("t10.selected", "T10: p <= p*, the solver selects S winning both (extension; 1 = S holds 2 after the auction)", 2.0, Derived, s10.outcome.won[0], TOL));
    let t11 = base.clone().with_p(0.5)?;
    let dr11 = t11.market(Regime::SeparateResale, [marg(7.5, 0.0), marg(4.0, 0.0)])?;
    let v11 = verify_complete_information(&dr11, &t11.critical_levels(), &vopts)?;
    items.push(item(
        "t11.gain-S",
        "T11 (p = p* = 0.5): S indifferent, gain 12 - 12 = 0 (verifier)",
        0.0,
        Derived,
        v11.bidder("S").map_or(f64::NAN, |b| b.gain),
        1e-5,
    ));
    let t12 = base.clone().with_p(0.8)?;
    let w12 = t12.wtp(true)?;
    items.push(
        item("t12.wtp-S1", "T12 (p = 0.8): S's first-unit willingness to pay vS1 - p(1-alpha)(vS1 - vW2)", 6.0, Derived, w12.s[0], TOL)
            .erratum("Lemma 5 prints S's bid as vS1 - p(1-alpha)(vS1 - vW1) = 6.8 here; the Section 6 table and the proof use vW2"),
    );
    items.push(item(
        "t12.wtp-S2",
        "T12: S's second-unit willingness to pay",
        6.8,
        Derived,
        w12.s[1],
        TOL,
    ));
    items.push(item(
        "t12.wtp-W1",
        "T12: W's first-unit willingness to pay vW1 + p alpha(vS2 - vW1)",
        5.2,
        Derived,
        w12.w[0],
        TOL,
    ));
    items.push(item(
        "t12.wtp-W2",
        "T12: W's second-unit willingness to pay",
        4.0,
        Derived,
        w12.w[1],
        TOL,
    ));
    let s12 = t12.solve(Regime::SeparateResale, &verified)?;
    items.push(item(
        "t12.payoff-S",
        "T12: pi_S* = vS1 + p(1-alpha)(vS2 - vW1)",
        13.2,
        Paper,
        s12.outcome.payoffs[0],
        TOL,
    ));
    items.push(item(
        "t12.payoff-W",
        "T12: pi_W* = (1-p)vW1 + p y",
        5.2,
        Paper,
        s12.outcome.payoffs[1],
        TOL,
    ));
    items.push(item(
        "t12.revenue",
        "T12: revenue",
        0.0,
        Paper,
        s12.revenue,
        TOL,
    ));
    items.push(item(
        "t12.welfare",
        "T12: expected welfare 20 - 0.2(8) (Proposition 3)",
        18.4,
        Derived,
        s12.outcome.welfare,
        TOL,
    ));
    items.push(item(
        "t12.verified",
        "T12: the Lemma 5 profile passes the verifier (largest gain)",
        0.0,
        Derived,
        s12.verified_gain.unwrap_or(f64::NAN).max(0.0),
        GAIN_TOL,
    ));
    let nr12 = t12.solve(Regime::SeparateNoResale, &SolveOptions::default())?;
    items.push(
        item("prop3.loss", "Proposition 3 at T12: resale lowers expected welfare by (1-p)(vS2 - vW1) = 1.6", 1.6, Derived, nr12.outcome.welfare - s12.outcome.welfare, TOL)
            .erratum("the proof of Proposition 3 prints the threshold 2(vS2 - 2vW1)/(3(vS2 + vW1)) (= 1/3 here), the alpha = 1/2 case of the plus-sign formula; the corrected p* is 0.5"),
    );

    // Section 7: T13–T15, Lemma 6 and Proposition 4.
    let sec7: [Section7Row; 3] = [
        ("t13", [10.0, 6.0], [4.0, 0.0], [6.02, 6.0, 8.0, 10.0], 0.0),
        (
            "t14",
            [10.0, 10.0],
            [2.0, 0.0],
            [8.02, 9.0, 16.0, 10.0],
            0.98,
        ),
        (
            "t15",
            [10.0, 10.0],
            [8.0, 0.0],
            [2.02, 6.0, 4.0, 10.0],
            3.98,
        ),
    ];
    for (id, vs, vw, [r_no, r_dr, nr_no, nr_dr], gain) in sec7 {
        let i = inst(vs, vw, 0.5)?.with_c(0.01)?;
        let r = i.unilateral_reduction(true, Some(&vopts))?;
        let n = i.unilateral_reduction(false, None)?;
        let up = id.to_uppercase();
        let src = if id == "t13" { Paper } else { Derived };
        items.push(item(
            &format!("{id}.r.no-dr"),
            &format!("{up}: resale, S's payoff not reducing demand"),
            r_no,
            src,
            r.no_reduction_payoff,
            1e-9,
        ));
        items.push(item(
            &format!("{id}.r.dr"),
            &format!("{up}: resale, S's payoff reducing demand unilaterally"),
            r_dr,
            src,
            r.reduction_payoff,
            1e-9,
        ));
        items.push(item(
            &format!("{id}.nr.no-dr"),
            &format!("{up}: no resale, S's payoff not reducing"),
            nr_no,
            src,
            n.no_reduction_payoff,
            1e-9,
        ));
        items.push(item(
            &format!("{id}.nr.dr"),
            &format!("{up}: no resale, S's payoff reducing"),
            nr_dr,
            src,
            n.reduction_payoff,
            1e-9,
        ));
        let it = item(
            &format!("{id}.lemma6.gain"),
            &format!("{up}: resale, S's best gain over not reducing (verifier; Lemma 6 says 0)"),
            gain,
            Derived,
            r.verified_gain.unwrap_or(f64::NAN).max(0.0),
            1e-5,
        );
        items.push(if gain > 0.0 {
            it.erratum(&format!(
                "Lemma 6 / Proposition 4 print that S never reduces demand with resale; here y = {} > x = {}, and not reducing raises the price of S's first unit from x - c to y - c, so reducing gains y - x - 2c",
                i.y(),
                i.x()
            ))
        } else {
            it
        });
    }
    let ex2 = inst([10.0, 6.0], [4.0, 0.0], 0.5)?;
    let n2 = ex2.unilateral_reduction(false, None)?;
    items.push(
        item("prop4.condition", "Ex. 2, no resale: unilateral reduction pays (1 = yes, engine) as 2vW1 > vS2 + vW2 predicts", flag(n2.corrected_predicts), Paper, flag(n2.reduction_pays), 0.0)
            .erratum("printed 2vW1 > vS1 + vW2 (8 > 10, false) would predict no reduction; comparing VS - 2vW1 with vS1 - vW2 gives 2vW1 > vS2 + vW2"),
    );

    // T16: Lemma 1 multiplicity.
    let t16 = inst([10.0, 6.0], [4.0, 3.0], 0.5)?;
    let s16 = t16.solve(Regime::SeparateNoResale, &verified)?;
    items.push(item(
        "t16.selected-price",
        "T16: the selected Lemma 1 equilibrium has price 0",
        0.0,
        Derived,
        s16.outcome.price.unwrap_or(f64::NAN),
        TOL,
    ));
    for (k, fam) in s16.families.iter().enumerate() {
        let worst = fam
            .samples
            .iter()
            .filter_map(|s| s.verified_gain)
            .fold(0.0f64, f64::max);
        items.push(item(
            &format!("t16.family{}", k + 1),
            &format!(
                "T16: {} — {}; every sample passes the verifier",
                fam.name, fam.description
            ),
            0.0,
            Derived,
            worst,
            GAIN_TOL,
        ));
    }
    items.push(item("t16.families", "T16: two other families (positive-price joint reduction z in [0, 2], S wins both z in [2, 3])", 2.0, Derived, s16.families.len() as f64, 0.0));

    // Lemmas and propositions on a fixed sample of instances.
    let sample = sample_instances(24);
    let n = sample.len() as f64;
    let (mut l1, mut l2, mut l2b, mut p1, mut l3, mut l4, mut p2, mut ident, mut eff) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0);
    for i in &sample {
        let c = i.compare(&verified)?;
        let [nbnr, nbr, bnr, br] = [0, 1, 2, 3].map(|k| c.solutions[k].revenue);
        let (s2, w1) = (i.vs[1], i.vw[0]);
        let sel = &c.solutions[0].outcome;
        let ok1 = if s2 > 2.0 * w1 {
            (nbnr - 2.0 * w1).abs() < TOL && (sel.won[0] - 2.0).abs() < TOL
        } else {
            nbnr.abs() < TOL && (sel.won[0] - 1.0).abs() < TOL
        };
        l1 += usize::from(ok1 && c.solutions[0].verified_gain.is_some_and(|g| g <= GAIN_TOL));
        l2 += usize::from(
            c.solutions[1].verified_gain.is_some_and(|g| g <= GAIN_TOL) && nbr.abs() < TOL,
        );
        for fam in &c.solutions[1].families {
            l2b += usize::from(
                fam.samples
                    .iter()
                    .all(|s| s.verified_gain.is_some_and(|g| g <= GAIN_TOL)),
            );
        }
        p1 += usize::from(nbr <= nbnr + TOL && ((nbnr > TOL) == (s2 > 2.0 * w1 && w1 > 0.0)));
        let ok3 = if s2 > 2.0 * w1 {
            bnr <= nbnr + TOL
        } else {
            bnr >= nbnr - TOL
        };
        l3 += usize::from(ok3);
        l4 += usize::from(
            (br - (i.x() + i.y())).abs() < TOL
                && br >= nbr
                && c.solutions[3].verified_gain.is_some_and(|g| g <= GAIN_TOL),
        );
        p2 += usize::from(
            br >= nbr - TOL
                && br >= bnr - TOL
                && ((br > nbnr + TOL) == c.prop2_predicts_best || (br - nbnr).abs() < TOL),
        );
        ident += usize::from(c.solutions.iter().all(|s| {
            (s.outcome.revenue + s.outcome.payoffs[0] + s.outcome.payoffs[1] - s.outcome.welfare)
                .abs()
                < 1e-8
        }));
        eff += usize::from(
            (c.solutions[1].outcome.efficiency - 1.0).abs() < TOL
                && (c.solutions[3].outcome.efficiency - 1.0).abs() < TOL,
        );
    }
    let src = "sample of 24 integer instances";
    items.push(item("lemma1.sample", &format!("Lemma 1 / Corollary 1: revenue 2vW1 and S wins both iff vS2 > 2vW1, else one each at 0; verified ({src})"), n, Paper, l1 as f64, 0.0));
    items.push(item(
        "lemma2.sample",
        &format!("Lemma 2: S (x; 0), W (y; 0) is an equilibrium with revenue 0 ({src})"),
        n,
        Paper,
        l2 as f64,
        0.0,
    ));
    items.push(item(
        "lemma2.intervals.sample",
        &format!(
            "Lemma 2: interior and endpoint bids of (x/2, x] x (y/2, y] pass the verifier ({src})"
        ),
        n,
        Paper,
        l2b as f64,
        0.0,
    ));
    items.push(item(
        "prop1.sample",
        &format!("Proposition 1: (NB,R) = 0 <= (NB,NR), strict iff vS2 > 2vW1 > 0 ({src})"),
        n,
        Paper,
        p1 as f64,
        0.0,
    ));
    items.push(item("lemma3.sample", &format!("Lemma 3: bundling lowers revenue without resale if vS2 > 2vW1, raises it if 2vW1 > vS2 ({src})"), n, Paper, l3 as f64, 0.0));
    items.push(item(
        "lemma4.sample",
        &format!("Lemma 4: (B,R) = x + y >= (NB,R) = 0, both bundle bids verified ({src})"),
        n,
        Paper,
        l4 as f64,
        0.0,
    ));
    items.push(item("prop2.sample", &format!("Proposition 2: (B,R) beats (NB,R) and (B,NR); beats (NB,NR) as its condition says ({src})"), n, Paper, p2 as f64, 0.0));
    items.push(item(
        "identity.sample",
        &format!("revenue + payoffs = welfare in every regime ({src})"),
        n,
        Derived,
        ident as f64,
        0.0,
    ));
    items.push(item(
        "resale-efficient.sample",
        &format!("with p = 1 the final allocation under resale is efficient ({src})"),
        n,
        Derived,
        eff as f64,
        0.0,
    ));

    // Region maps: each boundary within one grid cell of its formula.
    let f1 = pz::figure1_map(21)?;
    items.push(item("fig1.boundary", "Figure 1: joint reduction without resale below vS2 = 2vW1 (axes vW1, vS2; cells off by more than one)", 0.0, Paper, boundary_misses(&f1, |w1| 2.0 * w1, true) as f64, 0.0)
        .erratum("the text names the axes vS1 and vW2; the condition 2vW1 > vS2 involves only vW1 and vS2"));
    let bm = pz::bundling_resale_best_map(21)?;
    items.push(item(
        "prop2.map",
        "Proposition 2 map: (B,R) best above alpha = vW1/(2 - vW1) for vW1 < 1/2 (cells off)",
        0.0,
        Paper,
        boundary_misses(
            &bm,
            |w1| if w1 < 0.5 { w1 / (2.0 - w1) } else { -1.0 },
            false,
        ) as f64,
        0.0,
    ));
    let pm = pz::joint_reduction_p_map(0.5, 21)?;
    items.push(item(
        "lemma5.map",
        "Lemma 5 map: joint reduction above p = p*(vW1) (alpha = 1/2; cells off)",
        0.0,
        Derived,
        boundary_misses(&pm, |w1| (1.0 - 2.0 * w1) / (1.5 * (1.0 - w1)), false) as f64,
        0.0,
    ));
    let em = pz::resale_efficiency_loss_map(0.5, 21)?;
    let em01 = RegionMap {
        values: em
            .values
            .iter()
            .map(|r| r.iter().map(|v| flag(*v > 1e-9)).collect())
            .collect(),
        ..em.clone()
    };
    let mut off = boundary_misses(&em01, |w1| (1.0 - 2.0 * w1) / (1.5 * (1.0 - w1)), false);
    // At p = 1 there is no loss: only the interior counts.
    off -= em01
        .xs
        .iter()
        .enumerate()
        .filter(|(i, x)| {
            (1.0 - 2.0 * **x) / (1.5 * (1.0 - **x)) >= 0.0
                && em01.values[em01.ys.len() - 1][*i] < 0.5
        })
        .count()
        .min(off);
    items.push(item(
        "prop3.map",
        "Proposition 3 map: resale lowers efficiency where vS2 > 2vW1 and p* < p < 1 (cells off)",
        0.0,
        Derived,
        off as f64,
        0.0,
    ));
    let un = pz::unilateral_reduction_map(false, 0.5, 0.0, 21)?;
    items.push(item(
        "sec7.map.no-resale",
        "Section 7 map, no resale: unilateral reduction pays below vS2 = 2vW1 (cells off)",
        0.0,
        Derived,
        boundary_misses(&un, |w1| 2.0 * w1, true) as f64,
        0.0,
    ));
    let ur = pz::unilateral_reduction_map(true, 0.5, 0.01, 21)?;
    items.push(item("sec7.map.resale", "Section 7 map, resale: unilateral reduction pays where y > x + 2c, i.e. vS2 > 1 + (2c - vW1/2)/(1/2) (cells off)", 0.0, Derived, boundary_misses(&ur, |w1| 1.0 + (0.02 - 0.5 * w1) / 0.5, false) as f64, 0.0)
        .erratum("Lemma 6 prints that S never reduces demand with resale; the region where it pays is non-empty"));
    Ok(())
}
