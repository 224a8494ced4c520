//! Core-selecting payment rules for packages of distinct items, with closed
//! forms for the local-local-global (LLG) market.
//!
//! In LLG there are two items A and B; local 1 bids \\(b_1\\) for A, local 2
//! bids \\(b_2\\) for B, the global bidder bids \\(b_g\\) for AB. The locals win
//! when \\(b_1 + b_2 \ge b_g\\) (ties to the locals). Their VCG payments are
//! \\(p_i^V = \max(0, b_g - b_{-i})\\), which may fall short of \\(b_g\\); the core
//! requires \\(p_1 + p_2 \ge b_g\\), \\(p_i^V \le p_i \le b_i\\), and the
//! minimum-revenue core is the segment \\(p_1+p_2 = b_g\\). The rules pick a
//! point of that segment:
//!
//! - **nearest-VCG** (Day & Cramton 2012): closest to \\((p_1^V, p_2^V)\\);
//! - **nearest-zero**: closest to \\((0,0)\\);
//! - **nearest-bid**: closest to \\((b_1, b_2)\\) (equal payoff reductions);
//! - **proxy** (Ausubel & Milgrom's ascending proxy auction): locals raise
//!   their offers at equal rates until they jointly reach \\(b_g\\), a local
//!   stopping at its bid: \\(p_1 = \min(b_1, \max(b_g/2, b_g - b_2))\\). In LLG
//!   it coincides with nearest-zero.
//!
//! When the global bidder wins it pays \\(b_1 + b_2\\) under every rule.
//! Projection onto the segment gives each closed form:
//! \\(p_1 = \mathrm{clamp}((b_g + t_1 - t_2)/2,\ p_1^V,\ b_g - p_2^V)\\) for target \\(t\\).
//!
//! The general version ([`package_core_payments`]) solves the
//! minimum-revenue-core LP and then the nearest-target QP for any XOR package
//! bids; it agrees with the closed forms on LLG.
//!
//! ## References
//! - Day, R. and Cramton, P. (2012), "Quadratic core-selecting payment rules for combinatorial auctions", *Operations Research*.
//! - Ausubel, L. and Baranov, O. (2020), "Core-selecting auctions with incomplete information", *International Journal of Game Theory*.
//! - Ausubel, L. and Milgrom, P. (2002), "Ascending auctions with package bidding".

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::lp::{Row, Solve, project, solve};

/// Errors of the package payment rules.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum LlgError {
    /// A bid broke a rule.
    #[error("{param} {rule}, got {value}")]
    InvalidBid {
        /// Which bid.
        param: String,
        /// The rule.
        rule: &'static str,
        /// The value.
        value: f64,
    },
    /// Too many items or bidders for enumeration.
    #[error("{param} must be <= {max}, got {got}")]
    TooLarge {
        /// Which size.
        param: &'static str,
        /// The limit.
        max: usize,
        /// The size given.
        got: usize,
    },
    /// The LP/QP solver failed.
    #[error("solver {0}")]
    Solver(String),
}

/// The payment rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentRule {
    /// VCG payments (not core-selecting).
    Vcg,
    /// Nearest-VCG (quadratic) over the minimum-revenue core.
    NearestVcg,
    /// Nearest-zero over the minimum-revenue core.
    NearestZero,
    /// Nearest-bid over the minimum-revenue core.
    NearestBid,
    /// Ascending proxy auction.
    Proxy,
}

/// Payments in LLG: \\((p_1, p_2, p_g)\\) and who wins.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LlgOutcome {
    /// The locals win (else the global bidder).
    pub locals_win: bool,
    /// Payment of local 1.
    pub local1: f64,
    /// Payment of local 2.
    pub local2: f64,
    /// Payment of the global bidder.
    pub global: f64,
}

fn check(name: &str, b: f64) -> Result<(), LlgError> {
    if !b.is_finite() || b < 0.0 {
        return Err(LlgError::InvalidBid {
            param: name.into(),
            rule: "must be finite and >= 0",
            value: b,
        });
    }
    Ok(())
}

#[inline]
fn segment(b1: f64, b2: f64, bg: f64, t1: f64, t2: f64) -> (f64, f64) {
    let v1 = (bg - b2).max(0.0);
    let v2 = (bg - b1).max(0.0);
    // At a tie b1 + b2 = bg the core is the single point (v1, bg - v1), and
    // rounding can put bg - v2 a hair below v1; f64::clamp panics then.
    let p1 = (0.5 * (bg + t1 - t2)).clamp(v1, (bg - v2).max(v1));
    (p1, bg - p1)
}

/// LLG payments under `rule`.
///
/// ```
/// use aftermarket::coalition::llg::{llg_payments, PaymentRule};
/// let o = llg_payments(0.6, 0.8, 1.0, PaymentRule::NearestVcg)?;
/// // VCG (0.2, 0.4) sums to 0.6 < 1: the deficit 0.4 is split equally
/// assert!((o.local1 - 0.4).abs() < 1e-15 && (o.local2 - 0.6).abs() < 1e-15);
/// # Ok::<(), aftermarket::coalition::llg::LlgError>(())
/// ```
///
/// # Errors
/// A bid that is negative or not finite.
#[inline]
pub fn llg_payments(b1: f64, b2: f64, bg: f64, rule: PaymentRule) -> Result<LlgOutcome, LlgError> {
    check("b1", b1)?;
    check("b2", b2)?;
    check("bg", bg)?;
    if b1 + b2 < bg {
        return Ok(LlgOutcome {
            locals_win: false,
            local1: 0.0,
            local2: 0.0,
            global: b1 + b2,
        });
    }
    let v1 = (bg - b2).max(0.0);
    let v2 = (bg - b1).max(0.0);
    let (p1, p2) = match rule {
        PaymentRule::Vcg => (v1, v2),
        PaymentRule::NearestVcg => segment(b1, b2, bg, v1, v2),
        PaymentRule::NearestZero => segment(b1, b2, bg, 0.0, 0.0),
        PaymentRule::NearestBid => segment(b1, b2, bg, b1, b2),
        PaymentRule::Proxy => {
            let p1 = b1.min((0.5 * bg).max(bg - b2));
            (p1, bg - p1)
        }
    };
    Ok(LlgOutcome {
        locals_win: true,
        local1: p1,
        local2: p2,
        global: 0.0,
    })
}

/// The proxy auction simulated with increments `step`: each round, every
/// local whose offer is below its bid raises by `step` (or to its bid) until
/// the offers cover \\(b_g\\). Converges to [`PaymentRule::Proxy`] as `step → 0`.
///
/// # Errors
/// Bad bids or a non-positive `step`.
pub fn llg_proxy_ascending(b1: f64, b2: f64, bg: f64, step: f64) -> Result<LlgOutcome, LlgError> {
    check("b1", b1)?;
    check("b2", b2)?;
    check("bg", bg)?;
    if !(step > 0.0 && step.is_finite()) {
        return Err(LlgError::InvalidBid {
            param: "step".into(),
            rule: "must be > 0",
            value: step,
        });
    }
    if b1 + b2 < bg {
        return llg_payments(b1, b2, bg, PaymentRule::Proxy);
    }
    let (mut p1, mut p2) = (0.0_f64, 0.0_f64);
    while p1 + p2 < bg {
        let need = bg - p1 - p2;
        let r1 = (b1 - p1).max(0.0);
        let r2 = (b2 - p2).max(0.0);
        let active = usize::from(r1 > 0.0) + usize::from(r2 > 0.0);
        if active == 0 {
            break;
        }
        let inc = step.min(need / active as f64);
        p1 += inc.min(r1);
        p2 += inc.min(r2);
    }
    Ok(LlgOutcome {
        locals_win: true,
        local1: p1,
        local2: p2,
        global: 0.0,
    })
}

/// XOR package bids on up to 16 distinct items: for each bidder, a list of
/// (bundle as item bit mask, bid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageBids {
    /// Number of items.
    pub n_items: usize,
    /// Each bidder's XOR bids.
    pub bids: Vec<Vec<(u32, f64)>>,
}

/// Winners, their bundles and payments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageOutcome {
    /// Bundle won by each bidder (0 = nothing).
    pub bundles: Vec<u32>,
    /// Payment of each bidder.
    pub payments: Vec<f64>,
    /// Welfare of the winning allocation (by bids).
    pub welfare: f64,
    /// VCG payments (for reference).
    pub vcg: Vec<f64>,
}

/// Max welfare of bidders in `coalition` over item sets: DP over bidders.
fn welfare(bids: &PackageBids, coalition: u32) -> (f64, Vec<u32>) {
    let full = (1usize << bids.n_items) - 1;
    let nb = bids.bids.len();
    // best[m] = best welfare using items within m, for bidders processed so far
    let mut best = vec![0.0_f64; full + 1];
    let mut choice: Vec<Vec<u32>> = Vec::with_capacity(nb);
    for (i, list) in bids.bids.iter().enumerate() {
        let mut next = best.clone();
        let mut ch = vec![0u32; full + 1];
        if coalition >> i & 1 == 1 {
            for m in 0..=full {
                for &(s, b) in list {
                    let s = s as usize;
                    if s & !m == 0 && s != 0 {
                        let cand = best[m & !s] + b;
                        if cand > next[m] {
                            next[m] = cand;
                            ch[m] = s as u32;
                        }
                    }
                }
            }
        }
        choice.push(ch);
        best = next;
    }
    let mut bundles = vec![0u32; nb];
    let mut m = full;
    for i in (0..nb).rev() {
        let s = choice[i][m];
        bundles[i] = s;
        m &= !(s as usize);
    }
    (best[full], bundles)
}

fn validate(bids: &PackageBids) -> Result<(), LlgError> {
    if bids.n_items == 0 || bids.n_items > 16 {
        return Err(LlgError::TooLarge {
            param: "n_items",
            max: 16,
            got: bids.n_items,
        });
    }
    if bids.bids.len() > 16 {
        return Err(LlgError::TooLarge {
            param: "n_bidders",
            max: 16,
            got: bids.bids.len(),
        });
    }
    for (i, list) in bids.bids.iter().enumerate() {
        for (k, &(s, b)) in list.iter().enumerate() {
            check(&format!("bids[{i}][{k}]"), b)?;
            if s >> bids.n_items != 0 {
                return Err(LlgError::InvalidBid {
                    param: format!("bids[{i}][{k}].bundle"),
                    rule: "must name only existing items",
                    value: s as f64,
                });
            }
        }
    }
    Ok(())
}

/// Core-selecting payments for XOR package bids by LP (minimum revenue) and
/// QP (nearest target), with every coalition constraint enumerated:
/// \\(\sum_{i\in W\setminus C} p_i \ge w(C) - \sum_{i\in W\cap C} b_i\\) for
/// every bidder coalition \\(C\\), and \\(p_i \le b_i\\).
/// [`PaymentRule::Proxy`] is answered by nearest-zero (equal in LLG).
///
/// # Errors
/// Invalid bids, sizes beyond 16, or a solver failure.
pub fn package_core_payments(
    bids: &PackageBids,
    rule: PaymentRule,
) -> Result<PackageOutcome, LlgError> {
    validate(bids)?;
    let nb = bids.bids.len();
    let everyone = if nb == 0 { 0 } else { (1u32 << nb) - 1 };
    let (w, bundles) = welfare(bids, everyone);
    let bid_of = |i: usize| -> f64 {
        bids.bids[i]
            .iter()
            .find(|(s, _)| *s == bundles[i])
            .map(|x| x.1)
            .unwrap_or(0.0)
    };
    let won: Vec<f64> = (0..nb).map(bid_of).collect();
    let vcg: Vec<f64> = (0..nb)
        .map(|i| {
            if bundles[i] == 0 {
                0.0
            } else {
                welfare(bids, everyone & !(1 << i)).0 - (w - won[i])
            }
        })
        .collect();
    let winners: Vec<usize> = (0..nb).filter(|&i| bundles[i] != 0).collect();
    let nw = winners.len();
    if nw == 0 {
        return Ok(PackageOutcome {
            bundles,
            payments: vec![0.0; nb],
            welfare: w,
            vcg,
        });
    }
    let mut rows = Vec::new();
    for c in 0..=everyone {
        let mut a = vec![0.0; nw];
        let mut rhs = welfare(bids, c).0;
        for (k, &i) in winners.iter().enumerate() {
            if c >> i & 1 == 1 {
                rhs -= won[i];
            } else {
                a[k] = -1.0;
            }
        }
        if a.iter().any(|x| *x != 0.0) {
            rows.push(Row { a, b: -rhs });
        }
    }
    for (k, &i) in winners.iter().enumerate() {
        let mut a = vec![0.0; nw];
        a[k] = 1.0;
        rows.push(Row { a, b: won[i] });
    }
    let target: Vec<f64> = match rule {
        PaymentRule::Vcg => {
            return Ok(PackageOutcome {
                bundles,
                payments: vcg.clone(),
                welfare: w,
                vcg,
            });
        }
        PaymentRule::NearestVcg => winners.iter().map(|&i| vcg[i]).collect(),
        PaymentRule::NearestZero | PaymentRule::Proxy => vec![0.0; nw],
        PaymentRule::NearestBid => winners.iter().map(|&i| won[i]).collect(),
    };
    let lp = match solve(nw, None, &vec![1.0; nw], &rows) {
        Solve::Optimal(x) => x,
        Solve::Infeasible => return Err(LlgError::Solver("core LP infeasible".into())),
        Solve::Failed(e) => return Err(LlgError::Solver(e)),
    };
    let s_star: f64 = lp.iter().sum();
    let scale = 1.0 + w.abs();
    let mut qrows = rows.clone();
    qrows.push(Row {
        a: vec![1.0; nw],
        b: s_star + 1e-9 * scale,
    });
    let c: Vec<f64> = target.iter().map(|t| -t).collect();
    let x = match solve(nw, Some(&vec![1.0; nw]), &c, &qrows) {
        Solve::Optimal(x) => x,
        Solve::Infeasible => return Err(LlgError::Solver("core QP infeasible".into())),
        Solve::Failed(e) => return Err(LlgError::Solver(e)),
    };
    // polish: project the target onto the constraints active at the QP answer
    let active: Vec<&Row> = rows
        .iter()
        .filter(|r| r.b - r.a.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>() <= 1e-7 * scale)
        .collect();
    let x = match project(&target, &active) {
        Some(p)
            if rows.iter().all(|r| {
                r.a.iter().zip(&p).map(|(a, b)| a * b).sum::<f64>() <= r.b + 1e-12 * scale
            }) && p.iter().sum::<f64>() <= s_star + 1e-8 * scale =>
        {
            p
        }
        _ => x,
    };
    let mut payments = vec![0.0; nb];
    for (k, &i) in winners.iter().enumerate() {
        payments[i] = x[k];
    }
    Ok(PackageOutcome {
        bundles,
        payments,
        welfare: w,
        vcg,
    })
}

/// The LLG market as package bids (items A = bit 0, B = bit 1; bidders local 1, local 2, global).
pub fn llg_package_bids(b1: f64, b2: f64, bg: f64) -> PackageBids {
    PackageBids {
        n_items: 2,
        bids: vec![vec![(0b01, b1)], vec![(0b10, b2)], vec![(0b11, bg)]],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1/24 + 1/24 rounds a hair away from 2/24; a tie must not panic, and
    /// each local pays its bid.
    #[test]
    fn a_rounded_tie_pays_the_bids() {
        let (b, bg) = (1.0 / 24.0, 2.0 / 24.0);
        for rule in [
            PaymentRule::Vcg,
            PaymentRule::NearestVcg,
            PaymentRule::NearestZero,
            PaymentRule::NearestBid,
            PaymentRule::Proxy,
        ] {
            let out = llg_payments(b, b, bg, rule).expect("a tie is a valid bid profile");
            if out.locals_win {
                assert!((out.local1 - b).abs() < 1e-12, "{rule:?}: {out:?}");
                assert!((out.local2 - b).abs() < 1e-12, "{rule:?}: {out:?}");
            } else {
                assert!((out.global - 2.0 * b).abs() < 1e-12, "{rule:?}: {out:?}");
            }
        }
    }

    #[test]
    fn general_lp_matches_closed_forms() {
        let cases = [
            (0.6, 0.8, 1.0),
            (0.2, 0.9, 1.0),
            (0.7, 0.7, 0.5),
            (0.1, 0.95, 1.0),
            (0.3, 0.3, 1.0),
        ];
        for (b1, b2, bg) in cases {
            for rule in [
                PaymentRule::Vcg,
                PaymentRule::NearestVcg,
                PaymentRule::NearestZero,
                PaymentRule::NearestBid,
            ] {
                let c = llg_payments(b1, b2, bg, rule).expect("ok");
                let g = package_core_payments(&llg_package_bids(b1, b2, bg), rule).expect("ok");
                let want = [c.local1, c.local2, c.global];
                for (a, b) in g.payments.iter().zip(want) {
                    assert!((a - b).abs() < 1e-7, "{rule:?} {b1} {b2} {bg}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn proxy_equals_nearest_zero_and_ascending() {
        for (b1, b2, bg) in [(0.6, 0.8, 1.0), (0.2, 0.9, 1.0), (0.45, 0.9, 0.8)] {
            let p = llg_payments(b1, b2, bg, PaymentRule::Proxy).expect("ok");
            let z = llg_payments(b1, b2, bg, PaymentRule::NearestZero).expect("ok");
            let a = llg_proxy_ascending(b1, b2, bg, 1e-5).expect("ok");
            assert!((p.local1 - z.local1).abs() < 1e-15);
            assert!((p.local1 - a.local1).abs() < 1e-4);
        }
    }

    #[test]
    fn negative_bid_is_rejected() {
        let e = llg_payments(-1.0, 0.5, 0.5, PaymentRule::Vcg).expect_err("must fail");
        assert_eq!(e.to_string(), "b1 must be finite and >= 0, got -1");
    }
}
