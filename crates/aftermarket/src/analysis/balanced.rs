//! Balanced prices and anonymous reserves: welfare guarantees that survive
//! any aftermarket.
//!
//! A seller who cannot control resale can still guarantee welfare. Paper
//! 004 (Babaioff, Immorlica, Li and Lucier, "Making Auctions Robust to
//! Aftermarkets") shows that posted prices which are
//! \\((\alpha, \beta)\\)-balanced (Definition 5) keep at least
//! \\(\mathbb{E}\[\mathrm{OPT}\]/(1 + \alpha\beta)\\) at every Bayes–Nash
//! equilibrium of the combined market, whatever trade mechanism follows and
//! whatever is revealed (Theorem 4). For \\(m\\) identical units the
//! per-unit price \\(w^v = v(\mathrm{OPT}(v))/m\\) is \\((1, 1)\\)-balanced
//! for every profile \\(v\\) (Claim 1), so the static per-unit price
//! \\(\mathbb{E}\[\mathrm{OPT}\]/(2m)\\) keeps half of the optimum; used as
//! the anonymous reserve of a uniform-price auction it does the same
//! (Theorem 5). A reserve off by \\(\varepsilon\\) costs at most
//! \\(m\varepsilon\\) (Theorem 6), and a reserve computed from an estimate
//! within \\((1 \pm \varepsilon)\mathbb{E}\[\mathrm{OPT}\]\\) keeps
//! \\((1 - \varepsilon)/2\\) of it (Corollary 2). Here the estimate's 95%
//! confidence interval plays that role, so the guarantee printed for a
//! Monte Carlo estimate is widened by its own sampling error.
//!
//! For revenue, paper 003 (Theorem 5, Lemma 5) bounds the first-price
//! auction with the best anonymous reserve, followed by any ex-post-IR
//! aftermarket, within 2.62 of Myerson's optimal revenue for independent
//! regular values; [`myerson_revenue`] and [`anonymous_pricing`] compute
//! both sides for i.i.d. bidders.
//!
//! The guarantees hold at *every* equilibrium; the numbers a market run
//! prints are for the strategies it was given.
//!
//! ```
//! use aftermarket::analysis::balanced::{check_claim1, per_unit_balanced_price};
//! // Two bidders, three units: marginals (5, 1, 0) and (3, 2, 0); OPT = 10.
//! let c = check_claim1(&[vec![5.0, 1.0, 0.0], vec![3.0, 2.0, 0.0]], 3)?;
//! assert!((c.optimal_welfare - 10.0).abs() < 1e-12);
//! assert!(c.holds);
//! assert!((per_unit_balanced_price(10.0, 3)? - 10.0 / 6.0).abs() < 1e-12);
//! # Ok::<(), aftermarket::analysis::balanced::BalancedError>(())
//! ```
//!
//! ## References
//! - Paper 004, Definition 5, Claim 1, Theorems 4–6, Corollary 2.
//! - Paper 003, Theorem 5 and Lemma 5; Jin, Lu, Qi, Tang and Xiao (2019),
//!   "Tight approximation ratio of anonymous pricing", STOC.
//! - Myerson (1981), "Optimal auction design", *Mathematics of Operations
//!   Research* 6(1).

use serde::Serialize;
use thiserror::Error;

use crate::analysis::measures::Estimate;
use crate::analysis::quadrature::integrate_pieces;
use crate::market::{Market, MarketError, McConfig};
use crate::prior::{Prior, monopoly_price};

/// Tolerance of the balancedness inequalities (rounding of sums).
pub const BALANCE_TOL: f64 = 1e-9;

/// Paper 003, Theorem 5: the revenue ratio of the first-price auction with
/// the best anonymous reserve (and of anonymous pricing) against Myerson.
pub const ANONYMOUS_REVENUE_RATIO: f64 = 2.62;

/// Errors of the balanced-price computations.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BalancedError {
    /// A parameter breaks its rule.
    #[error("{param} {rule}, got {value}")]
    InvalidParameter {
        /// The parameter.
        param: &'static str,
        /// The rule it breaks.
        rule: &'static str,
        /// The value given.
        value: String,
    },
    /// The market could not be evaluated.
    #[error(transparent)]
    Market(#[from] MarketError),
}

fn bad(param: &'static str, rule: &'static str, value: impl ToString) -> BalancedError {
    BalancedError::InvalidParameter {
        param,
        rule,
        value: value.to_string(),
    }
}

fn check_units(m: usize) -> Result<f64, BalancedError> {
    if m == 0 {
        return Err(bad("m", "must be >= 1", m));
    }
    Ok(m as f64)
}

fn check_nonneg(param: &'static str, x: f64) -> Result<f64, BalancedError> {
    if !x.is_finite() || x < 0.0 {
        return Err(bad(param, "must be finite and >= 0", x));
    }
    Ok(x)
}

/// \\(\mathbb{E}\[v(\mathrm{OPT}(v))\]\\) of a market: exact through
/// [`Market::exact`] when the prior is finite, else a Monte Carlo estimate
/// with its standard error through [`Market::monte_carlo`].
///
/// # Errors
/// The market fails to run.
pub fn expected_optimal_welfare(market: &Market, mc: McConfig) -> Result<Estimate, BalancedError> {
    match market.exact() {
        Ok(r) => {
            let v = r
                .get("optimal_welfare")
                .ok_or_else(|| MarketError::Invalid("no measure optimal_welfare".into()))?;
            Ok(Estimate::exact(v))
        }
        Err(MarketError::NotFinite(_)) => {
            let r = market.monte_carlo(mc, None)?;
            Ok(r.get("optimal_welfare")
                .ok_or_else(|| MarketError::Invalid("no measure optimal_welfare".into()))?)
        }
        Err(e) => Err(e.into()),
    }
}

/// \\(v(\mathrm{OPT}(v; k))\\): the sum of the `k` largest marginal values
/// (greedy allocation is optimal with non-increasing marginals).
pub fn top_k_welfare(marginals: &[Vec<f64>], k: usize) -> f64 {
    let mut all: Vec<f64> = marginals.iter().flatten().copied().collect();
    all.sort_by(|a, b| b.total_cmp(a));
    all.iter().take(k).sum()
}

/// Paper 004 Claim 1's per-unit price \\(\mathbb{E}\[\mathrm{OPT}\]/(2m)\\),
/// also Theorem 5's anonymous reserve.
///
/// # Errors
/// `m = 0` or a negative expected welfare.
pub fn per_unit_balanced_price(expected_opt: f64, m: usize) -> Result<f64, BalancedError> {
    let mf = check_units(m)?;
    Ok(check_nonneg("expected_opt", expected_opt)? / (2.0 * mf))
}

/// The static price of Theorem 4 from balanced prices of each profile:
/// \\(\frac{\alpha}{1 + \alpha\beta}\,\mathbb{E}_v\[p^v\]\\).
///
/// # Errors
/// \\(\alpha < 1\\), \\(\beta < 1\\) or a negative expected price.
pub fn static_price(alpha: f64, beta: f64, expected_price: f64) -> Result<f64, BalancedError> {
    check_alpha_beta(alpha, beta)?;
    Ok(alpha / (1.0 + alpha * beta) * check_nonneg("expected_price", expected_price)?)
}

/// Theorem 4's guaranteed fraction \\(1/(1 + \alpha\beta)\\) of
/// \\(\mathbb{E}\[\mathrm{OPT}\]\\).
///
/// # Errors
/// \\(\alpha < 1\\) or \\(\beta < 1\\).
pub fn posted_price_fraction(alpha: f64, beta: f64) -> Result<f64, BalancedError> {
    check_alpha_beta(alpha, beta)?;
    Ok(1.0 / (1.0 + alpha * beta))
}

fn check_alpha_beta(alpha: f64, beta: f64) -> Result<(), BalancedError> {
    if !alpha.is_finite() || alpha < 1.0 {
        return Err(bad("alpha", "must be finite and >= 1", alpha));
    }
    if !beta.is_finite() || beta < 1.0 {
        return Err(bad("beta", "must be finite and >= 1", beta));
    }
    Ok(())
}

/// The outcome of checking Definition 5 for a per-unit price on one
/// profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BalanceCheck {
    /// \\(v(\mathrm{OPT}(v))\\) with all `m` units.
    pub optimal_welfare: f64,
    /// The per-unit price checked.
    pub price: f64,
    /// Smallest slack of (i) over `k`:
    /// \\(wk - \frac{1}{\alpha}(v(\mathrm{OPT}) - v(\mathrm{OPT}(M \setminus x)))\\).
    pub slack_i: f64,
    /// Smallest slack of (ii) over `k`:
    /// \\(\beta\, v(\mathrm{OPT}(M \setminus x)) - w(m - k)\\).
    pub slack_ii: f64,
    /// Smallest slack of \\(m_k - \frac{k}{m} m_m\\) (the inequality behind
    /// Theorem 5).
    pub slack_share: f64,
    /// All three hold (within [`BALANCE_TOL`]).
    pub holds: bool,
}

/// Checks Definition 5 of paper 004 for the per-unit price `w` on one
/// profile of non-increasing marginals, for every number `k` of units the
/// allocation \\(x\\) takes:
/// - (i) \\(\sum_i p(x_i) \ge \frac{1}{\alpha}\big(v(\mathrm{OPT}(v)) - v(\mathrm{OPT}(v, M \setminus x))\big)\\);
/// - (ii) \\(\sum_i p(x'_i) \le \beta\, v(\mathrm{OPT}(v, M \setminus x))\\)
///   for every \\(x'\\) of the leftover items (worst case: all \\(m - k\\)).
///
/// With identical units the price of \\(x\\) is \\(wk\\) however it is
/// split, and \\(v(\mathrm{OPT}(v, M \setminus x)) = m_{m-k}\\), the sum of
/// the \\(m - k\\) largest marginals.
///
/// # Errors
/// `m = 0`, \\(\alpha, \beta < 1\\), a negative or non-finite price or
/// marginal value.
pub fn check_balanced(
    marginals: &[Vec<f64>],
    m: usize,
    w: f64,
    alpha: f64,
    beta: f64,
) -> Result<BalanceCheck, BalancedError> {
    let mf = check_units(m)?;
    check_alpha_beta(alpha, beta)?;
    check_nonneg("price", w)?;
    for v in marginals.iter().flatten() {
        check_nonneg("marginals", *v)?;
    }
    let mk: Vec<f64> = (0..=m).map(|k| top_k_welfare(marginals, k)).collect();
    let opt = mk[m];
    let (mut s1, mut s2, mut s3) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    for k in 0..=m {
        let left = mk[m - k];
        s1 = s1.min(w * k as f64 - (opt - left) / alpha);
        s2 = s2.min(beta * left - w * (m - k) as f64);
        s3 = s3.min(mk[k] - k as f64 / mf * opt);
    }
    let tol = BALANCE_TOL * (1.0 + opt.abs());
    Ok(BalanceCheck {
        optimal_welfare: opt,
        price: w,
        slack_i: s1,
        slack_ii: s2,
        slack_share: s3,
        holds: s1 >= -tol && s2 >= -tol && s3 >= -tol,
    })
}

/// Claim 1: checks that \\(w^v = v(\mathrm{OPT}(v))/m\\) is
/// \\((1, 1)\\)-balanced on this profile.
///
/// # Errors
/// As [`check_balanced`].
pub fn check_claim1(marginals: &[Vec<f64>], m: usize) -> Result<BalanceCheck, BalancedError> {
    let mf = check_units(m)?;
    let w = top_k_welfare(marginals, m) / mf;
    check_balanced(marginals, m, w, 1.0, 1.0)
}

/// The anonymous reserve \\(r = \mathbb{E}\[\mathrm{OPT}\]/(2m)\\) and what
/// it guarantees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReserveGuarantee {
    /// The estimate of \\(\mathbb{E}\[\mathrm{OPT}\]\\) used.
    pub expected_opt: Estimate,
    /// The reserve (or posted per-unit price) \\(\hat{\mathbb{E}}\[\mathrm{OPT}\]/(2m)\\).
    pub reserve: f64,
    /// Theorems 4–5: \\(\mathbb{E}\[\mathrm{OPT}\]/2\\) at the estimate.
    pub guarantee: f64,
    /// The largest error \\(\varepsilon\\) of the reserve the 95% interval
    /// allows: half-width / (2m).
    pub reserve_error: f64,
    /// Theorem 6 with that error, at the interval's low end:
    /// \\(\mathbb{E}\[\mathrm{OPT}\]_{lo}/2 - m\varepsilon\\).
    pub guarantee_theorem6: f64,
    /// Corollary 2's relative error \\(\varepsilon\\) = half-width / estimate.
    pub relative_error: f64,
    /// Corollary 2: \\((1 - \varepsilon)/2\\) times the interval's low end.
    pub guarantee_corollary2: f64,
}

/// The anonymous reserve from an estimate of \\(\mathbb{E}\[\mathrm{OPT}\]\\)
/// and its guarantee, widened by the estimate's 95% confidence interval
/// (exact estimates give the plain \\(\mathbb{E}\[\mathrm{OPT}\]/2\\)).
///
/// # Errors
/// `m = 0` or a negative estimate.
pub fn reserve_guarantee(
    expected_opt: Estimate,
    m: usize,
) -> Result<ReserveGuarantee, BalancedError> {
    let mf = check_units(m)?;
    let e = check_nonneg("expected_opt", expected_opt.mean)?;
    let (lo, hi) = expected_opt.ci95();
    let half = (hi - lo) / 2.0;
    let reserve = e / (2.0 * mf);
    let eps = half / (2.0 * mf);
    let rel = if e > 0.0 { (half / e).min(1.0) } else { 0.0 };
    let low = lo.max(0.0);
    Ok(ReserveGuarantee {
        expected_opt,
        reserve,
        guarantee: e / 2.0,
        reserve_error: eps,
        guarantee_theorem6: theorem6_bound(low, m, eps)?,
        relative_error: rel,
        guarantee_corollary2: corollary2_bound(low, rel)?,
    })
}

/// Theorem 6: a reserve within \\(\varepsilon\\) of
/// \\(\mathbb{E}\[\mathrm{OPT}\]/(2m)\\) keeps
/// \\(\mathbb{E}\[\mathrm{OPT}\]/2 - m\varepsilon\\).
///
/// # Errors
/// `m = 0`, negative welfare or \\(\varepsilon\\).
pub fn theorem6_bound(expected_opt: f64, m: usize, eps: f64) -> Result<f64, BalancedError> {
    let mf = check_units(m)?;
    Ok(check_nonneg("expected_opt", expected_opt)? / 2.0 - mf * check_nonneg("eps", eps)?)
}

/// Corollary 2: an estimate \\(\psi \in \[(1-\varepsilon), (1+\varepsilon)\]\,\mathbb{E}\[\mathrm{OPT}\]\\)
/// used as \\(r = \psi/(2m)\\) keeps \\((1 - \varepsilon)/2 \cdot \mathbb{E}\[\mathrm{OPT}\]\\).
///
/// # Errors
/// Negative welfare, or \\(\varepsilon \notin \[0, 1\]\\).
pub fn corollary2_bound(expected_opt: f64, eps: f64) -> Result<f64, BalancedError> {
    if !(0.0..=1.0).contains(&eps) {
        return Err(bad("eps", "must lie in [0, 1]", eps));
    }
    Ok((1.0 - eps) / 2.0 * check_nonneg("expected_opt", expected_opt)?)
}

fn bounded_support(prior: &dyn Prior) -> Result<(f64, f64), BalancedError> {
    let (lo, hi) = prior.support();
    if !lo.is_finite() || !hi.is_finite() || lo < 0.0 {
        return Err(bad(
            "prior",
            "must have a bounded support in [0, inf)",
            format!("[{lo}, {hi}]"),
        ));
    }
    Ok((lo, hi))
}

/// Myerson's optimal revenue for one item and `n` i.i.d. bidders with a
/// regular continuous law: \\(\mathbb{E}\[\max_i \varphi(v_i)^+\]
/// = n\int_{r^*}^{\bar v} \big(v f(v) - (1 - F(v))\big) F(v)^{n-1}\,dv\\)
/// with \\(r^*\\) the monopoly price.
///
/// ```
/// use aftermarket::analysis::balanced::myerson_revenue;
/// use aftermarket::prior::Uniform;
/// let r = myerson_revenue(&Uniform::new(0.0, 1.0)?, 2)?;
/// assert!((r - 5.0 / 12.0).abs() < 1e-8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// `n = 0`, an unbounded support or a law with atoms.
pub fn myerson_revenue(prior: &dyn Prior, n: usize) -> Result<f64, BalancedError> {
    if n == 0 {
        return Err(bad("n", "must be >= 1", n));
    }
    let (_, hi) = bounded_support(prior)?;
    let r = monopoly_price(prior).price;
    let nn = n as i32;
    let g = |v: f64| (v * prior.pdf(v) - (1.0 - prior.cdf(v))) * prior.cdf(v).powi(nn - 1);
    if !prior.atoms().is_empty() {
        return Err(bad("prior", "must be atomless", prior.name()));
    }
    let rev = n as f64 * integrate_pieces(&g, r, hi, &[]);
    Ok(rev.max(0.0))
}

/// The best anonymous posted price for one item and `n` i.i.d. bidders:
/// \\(\max_r r\,(1 - F(r)^n)\\), found on a grid and refined. Paper 003
/// Lemma 5: the first-price auction with anonymous reserve `r`, followed by
/// any ex-post-IR aftermarket with nothing revealed, earns at least this.
///
/// # Errors
/// `n = 0` or an unbounded support.
pub fn anonymous_pricing(prior: &dyn Prior, n: usize) -> Result<(f64, f64), BalancedError> {
    if n == 0 {
        return Err(bad("n", "must be >= 1", n));
    }
    let (lo, hi) = bounded_support(prior)?;
    let nn = n as i32;
    let rev = |r: f64| r * (1.0 - prior.cdf_left(r).powi(nn));
    let steps = 4000;
    let mut best = (lo, rev(lo));
    for s in 0..=steps {
        let r = lo + (hi - lo) * s as f64 / steps as f64;
        let v = rev(r);
        if v > best.1 {
            best = (r, v);
        }
    }
    let h = (hi - lo) / steps as f64;
    let (mut a, mut b) = ((best.0 - h).max(lo), (best.0 + h).min(hi));
    for _ in 0..100 {
        let c = a + (b - a) * 0.381_966;
        let d = b - (b - a) * 0.381_966;
        if rev(c) >= rev(d) {
            b = d;
        } else {
            a = c;
        }
    }
    let mid = 0.5 * (a + b);
    if rev(mid) > best.1 {
        best = (mid, rev(mid));
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prior::Uniform;

    #[test]
    fn digest_hand_example_is_balanced() -> Result<(), BalancedError> {
        let c = check_claim1(&[vec![5.0, 1.0, 0.0], vec![3.0, 2.0, 0.0]], 3)?;
        assert!(c.holds);
        // Slack of (i) is 0 at k = 0 and k = m, 4/3 at k = 1, 5/3 at k = 2.
        assert!(c.slack_i.abs() < 1e-12 && c.slack_ii.abs() < 1e-12);
        Ok(())
    }

    #[test]
    fn too_high_price_breaks_condition_ii() -> Result<(), BalancedError> {
        let c = check_balanced(&[vec![1.0, 1.0]], 2, 2.0, 1.0, 1.0)?;
        assert!(!c.holds);
        assert!(c.slack_ii < 0.0);
        Ok(())
    }

    #[test]
    fn units_must_be_positive() {
        let e = per_unit_balanced_price(1.0, 0).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("m must be >= 1, got 0"));
        let e = static_price(0.5, 1.0, 1.0).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("alpha must be finite and >= 1, got 0.5"));
        let e = corollary2_bound(1.0, 2.0).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("eps must lie in [0, 1], got 2"));
    }

    #[test]
    fn theorem6_and_corollary2_arithmetic() -> Result<(), BalancedError> {
        assert!((theorem6_bound(10.0, 5, 0.1)? - 4.5).abs() < 1e-12);
        assert!((corollary2_bound(10.0, 0.1)? - 4.5).abs() < 1e-12);
        let g = reserve_guarantee(
            Estimate {
                mean: 10.0,
                std_error: Some(0.1),
            },
            5,
        )?;
        assert!((g.reserve - 1.0).abs() < 1e-12);
        assert!(g.guarantee_theorem6 < 5.0 && g.guarantee_theorem6 > 4.5);
        assert!(g.guarantee_corollary2 < 5.0 && g.guarantee_corollary2 > 4.5);
        let x = reserve_guarantee(Estimate::exact(10.0), 5)?;
        assert!((x.guarantee_theorem6 - 5.0).abs() < 1e-12);
        Ok(())
    }

    #[test]
    fn uniform_two_bidders_revenue_benchmarks() -> Result<(), Box<dyn std::error::Error>> {
        let u = Uniform::new(0.0, 1.0)?;
        let my = myerson_revenue(&u, 2)?;
        let (r, a) = anonymous_pricing(&u, 2)?;
        assert!((my - 5.0 / 12.0).abs() < 1e-8);
        assert!((r - 1.0 / 3.0_f64.sqrt()).abs() < 1e-6);
        assert!((a - 0.384_900_2).abs() < 1e-6);
        assert!(my / a <= ANONYMOUS_REVENUE_RATIO);
        Ok(())
    }

    #[test]
    fn errors_are_send_sync() {
        fn f<T: Send + Sync>() {}
        f::<BalancedError>();
        f::<BalanceCheck>();
    }
}
