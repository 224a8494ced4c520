//! The speculator example: a uniform-price auction whose aftermarket a
//! zero-value speculator monopolises, for any number of units.
//!
//! In paper 004's Example 1 (Theorem 1, Proposition 1) bidder A values
//! units at \\((2, u, 0, \dots)\\) with \\(u \sim U\[1, 1.5\]\\), bidder B at
//! \\((2, z, \dots, z)\\) with a heavy-tailed \\(z\\), and speculator C at
//! nothing. In the equilibrium the auction price is 0, C wins \\(m - 2\\)
//! units and resells them at the monopoly price 1, so B buys them only when
//! \\(z \ge 1\\) (probability \\(1/(2m)\\)). Equilibrium welfare stays
//! below 6 while \\(\mathbb{E}\[\mathrm{OPT}\]\\) grows like
//! \\(\tfrac12 \ln(2m)\\): the price of anarchy is \\(\Omega(\log m)\\).
//! Example 3 posts the balanced per-unit price
//! \\(\mathbb{E}\[\mathrm{OPT}\]/(2m)\\) instead, which Theorem 4 makes
//! robust. The closed forms below are those of the paper 004 digest; the
//! scenario text for any `m` lets the market engine check them by Monte
//! Carlo.
//!
//! ```
//! use aftermarket::analysis::speculator::SpeculatorExample;
//! let e = SpeculatorExample::new(10)?;
//! assert!((e.expected_opt() - 6.362483).abs() < 1e-6);
//! assert!((e.equilibrium_welfare() - 5.60875).abs() < 1e-9);
//! assert!((e.balanced_price() - 0.318124).abs() < 1e-6);
//! # Ok::<(), aftermarket::analysis::balanced::BalancedError>(())
//! ```
//!
//! ## References
//! Paper 004, Examples 1 and 3, Theorem 1, Proposition 1, Theorem 4.

use serde::Serialize;

use super::balanced::BalancedError;

/// Example 1 of paper 004 with `m` units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpeculatorExample {
    m: f64,
    units: usize,
}

impl SpeculatorExample {
    /// The example with `m >= 4` units.
    ///
    /// # Errors
    /// `m < 4`.
    pub fn new(m: usize) -> Result<Self, BalancedError> {
        if m < 4 {
            return Err(BalancedError::InvalidParameter {
                param: "m",
                rule: "must be >= 4",
                value: m.to_string(),
            });
        }
        Ok(SpeculatorExample {
            m: m as f64,
            units: m,
        })
    }

    /// \\(\mathbb{E}\[z\] = \ln(2m)/(2m - 1) + 1/(8m^2)\\).
    pub fn expected_z(&self) -> f64 {
        let m = self.m;
        (2.0 * m).ln() / (2.0 * m - 1.0) + 1.0 / (8.0 * m * m)
    }

    /// \\(\mathbb{E}\[\mathrm{OPT}\] = 5.25 + (m-3)\mathbb{E}\[z\] + 1/(24m^3)\\).
    pub fn expected_opt(&self) -> f64 {
        let m = self.m;
        5.25 + (m - 3.0) * self.expected_z() + 1.0 / (24.0 * m * m * m)
    }

    /// Equilibrium welfare \\(5.25 + \frac{m-3}{2m}(1 + \frac{1}{4m})\\).
    pub fn equilibrium_welfare(&self) -> f64 {
        let m = self.m;
        5.25 + (m - 3.0) / (2.0 * m) * (1.0 + 1.0 / (4.0 * m))
    }

    /// The paper's bound on equilibrium welfare,
    /// \\(5.5 + \frac{m-3}{2m}(1 + \frac{1}{2m}) \le 6\\).
    pub fn paper_bound(&self) -> f64 {
        let m = self.m;
        5.5 + (m - 3.0) / (2.0 * m) * (1.0 + 1.0 / (2.0 * m))
    }

    /// Expected utilities of A, B and C in the equilibrium.
    pub fn utilities(&self) -> [f64; 3] {
        let m = self.m;
        [
            2.25,
            2.0 + (m - 3.0) / (8.0 * m * m),
            1.0 + (m - 3.0) / (2.0 * m),
        ]
    }

    /// \\(\mathbb{E}\[\mathrm{OPT}\]\\) over equilibrium welfare.
    pub fn ratio(&self) -> f64 {
        self.expected_opt() / self.equilibrium_welfare()
    }

    /// Example 3's balanced per-unit price \\(\mathbb{E}\[\mathrm{OPT}\]/(2m)\\).
    pub fn balanced_price(&self) -> f64 {
        self.expected_opt() / (2.0 * self.m)
    }

    /// Expected welfare when A then B buy what they want at the balanced
    /// price and C buys nothing: \\(5.25 + (m-3)\,\mathbb{E}\[z\,1\[z \ge p\]\]\\).
    pub fn balanced_price_welfare(&self) -> f64 {
        let m = self.m;
        let p = self.balanced_price();
        let a = 2.0 * m - 1.0;
        let tail = if p < 1.0 {
            let w0 = 1.0 + a * p;
            ((2.0 * m / w0).ln() + 1.0 / (2.0 * m) - 1.0 / w0) / a
                + 1.0 / (2.0 * m)
                + 1.0 / (8.0 * m * m)
        } else {
            let hi = 1.0 + 1.0 / (2.0 * m);
            ((hi * hi - p.min(hi) * p.min(hi)) / 2.0).max(0.0)
        };
        5.25 + (m - 3.0) * tail
    }

    /// The scenario file of the example with this `m` (the equilibrium
    /// strategies, uniform-price auction, C's monopoly resale).
    pub fn scenario_toml(&self) -> String {
        let m = self.units;
        let a = 2 * m - 1;
        let tail = 1.0 / (2.0 * self.m);
        let zeros = |k: usize| vec!["0"; k].join(", ");
        let mut a_shape = vec!["[2, 0]".to_string(), "[0, 1]".to_string()];
        a_shape.extend((2..m).map(|_| "[0, 0]".to_string()));
        let mut b_shape = vec!["[2, 0]".to_string()];
        b_shape.extend((1..m).map(|_| "[0, 1]".to_string()));
        let mut c_bid = vec!["1"; m - 2];
        c_bid.extend(["0", "0"]);
        format!(
            "name = \"Uniform-price auction with a speculator (paper 004, Example 1, m = {m})\"\n\
             source = \"Babaioff, Immorlica, Li, Lucier, Making Auctions Robust to Aftermarkets, Example 1\"\n\
             information = \"private\"\n\
             disclosure = \"own-outcome\"\n\n\
             [goods]\nkind = \"units\"\nm = {m}\n\n\
             [[bidders]]\nname = \"A\"\nprior = {{ kind = \"uniform\", lo = 1, hi = 1.5 }}\n\
             shape = {{ affine = [{ashape}] }}\nstrategy = {{ kind = \"fixed\", bid = [2, {z1}] }}\n\n\
             [[bidders]]\nname = \"B\"\n\
             prior = {{ kind = \"formula\", cdf = \"if(x < 1, 1 - 1 / (1 + {a} * x), x - {tail})\", lo = 0, hi = {hi} }}\n\
             shape = {{ affine = [{bshape}] }}\nstrategy = {{ kind = \"fixed\", bid = [2, {z1}] }}\n\n\
             [[bidders]]\nname = \"C\"\nvalues = [{z0}]\nstrategy = {{ kind = \"fixed\", bid = [{cbid}] }}\n\n\
             [mechanism]\nkind = \"uniform-price\"\ntie = {{ priority = [\"A\", \"B\", \"C\"] }}\n\n\
             [aftermarket]\nkind = \"monopolist-reseller\"\nseller = \"C\"\nbuyer-order = [\"A\", \"B\"]\n",
            ashape = a_shape.join(", "),
            bshape = b_shape.join(", "),
            z1 = zeros(m - 1),
            z0 = zeros(m),
            cbid = c_bid.join(", "),
            hi = 1.0 + tail,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_table_rows() -> Result<(), BalancedError> {
        let rows: [(usize, f64, f64, f64, f64); 3] = [
            (4, 0.304876, 5.555527, 5.382812, 0.694441),
            (100, 0.0266372, 7.833809, 5.736212, 0.039169),
            (1_000_000_000, 1.07082e-8, 15.958206, 5.75, 7.9791e-9),
        ];
        for (m, ez, opt, eq, p) in rows {
            let e = SpeculatorExample::new(m)?;
            assert!((e.expected_z() - ez).abs() <= 1e-5 * ez);
            assert!((e.expected_opt() - opt).abs() < 1e-6);
            assert!((e.equilibrium_welfare() - eq).abs() < 1e-6);
            assert!((e.balanced_price() - p).abs() <= 1e-5 * p);
        }
        Ok(())
    }

    #[test]
    fn balanced_price_welfare_matches_digest() -> Result<(), BalancedError> {
        for (m, w) in [(10, 5.959320), (100, 7.206064), (1000, 8.339894)] {
            let e = SpeculatorExample::new(m)?;
            assert!((e.balanced_price_welfare() - w).abs() < 1e-6);
        }
        Ok(())
    }

    #[test]
    fn fewer_than_four_units_rejected() {
        let e = SpeculatorExample::new(3).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("m must be >= 4, got 3"));
    }

    #[test]
    fn generated_scenario_for_m5_checks() {
        let e = SpeculatorExample::new(5).map(|e| e.scenario_toml());
        let sc = e.map_err(|e| e.to_string()).and_then(|t| {
            crate::scenario::Scenario::from_toml(&t, "<m=5>", None).map_err(|e| e.to_string())
        });
        assert!(sc.is_ok(), "{sc:?}");
    }
}
