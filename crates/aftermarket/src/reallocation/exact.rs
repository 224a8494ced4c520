//! Exact rational arithmetic for quadratic markets, to decide ties.
//!
//! Lemma 1's eq. (5) makes \\(\{a\}\cup X\setminus\{i\}\\) exactly tight, many
//! examples have further exact ties (Example 2's \\(\{a,i,j\}\\) coalitions)
//! and Example 3's blocking margin is only \\(8581/11449400\\). With inputs
//! that are short decimals, the surplus of Lemma 3,
//! \\(v(Z,q) = \tfrac12\sum_Z\theta_i'S_i^{-1}\theta_i - \tfrac12 d'H(Z)d\\),
//! \\(d = \sum_Z S_i^{-1}\theta_i - q\\), is computed here in reduced fractions
//! of `i128` (every operation checked; overflow is an error, never a wrong
//! answer), and so are the Vickrey payoffs and every coalition's slack.

use super::ReallocationError;
use super::market::{Mask, ReallocationMarket, members};

/// Largest denominator accepted when reading an `f64` as a fraction.
pub const MAX_INPUT_DENOMINATOR: i128 = 1_000_000_000;

/// A reduced fraction with a positive denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a.max(1)
}

const OVF: ReallocationError = ReallocationError::Overflow("rational arithmetic");

impl Rational {
    /// Zero.
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    /// One.
    pub const ONE: Rational = Rational { num: 1, den: 1 };

    /// \\(n/d\\), reduced.
    ///
    /// # Errors
    /// `d == 0`.
    pub fn new(n: i128, d: i128) -> Result<Self, ReallocationError> {
        if d == 0 {
            return Err(ReallocationError::InvalidParameter {
                param: "denominator".into(),
                rule: "must be non-zero",
                value: 0.0,
            });
        }
        let g = gcd(n, d);
        let s = if d < 0 { -1 } else { 1 };
        Ok(Self {
            num: s * n / g,
            den: s * d / g,
        })
    }
    /// Numerator.
    pub fn numer(&self) -> i128 {
        self.num
    }
    /// Denominator (> 0).
    pub fn denom(&self) -> i128 {
        self.den
    }
    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.num as f64 / self.den as f64
    }
    /// The fraction with the smallest denominator equal to `x` up to 4 ulps
    /// (continued fractions), so decimal inputs like `0.19` read as `19/100`.
    ///
    /// # Errors
    /// Non-finite `x`, or no fraction with denominator ≤ [`MAX_INPUT_DENOMINATOR`].
    pub fn from_f64(x: f64) -> Result<Self, ReallocationError> {
        if !x.is_finite() {
            return Err(ReallocationError::InvalidParameter {
                param: "x".into(),
                rule: "must be finite",
                value: x,
            });
        }
        let tol = 4.0 * f64::EPSILON * x.abs().max(f64::MIN_POSITIVE);
        let (mut p0, mut q0, mut p1, mut q1) = (0i128, 1i128, 1i128, 0i128);
        let mut r = x;
        for _ in 0..64 {
            let a = r.floor();
            if a.abs() > 1e18 {
                break;
            }
            let ai = a as i128;
            let p2 = ai
                .checked_mul(p1)
                .and_then(|v| v.checked_add(p0))
                .ok_or(OVF)?;
            let q2 = ai
                .checked_mul(q1)
                .and_then(|v| v.checked_add(q0))
                .ok_or(OVF)?;
            if q2 > MAX_INPUT_DENOMINATOR {
                break;
            }
            (p0, q0, p1, q1) = (p1, q1, p2, q2);
            if (p1 as f64 / q1 as f64 - x).abs() <= tol {
                return Self::new(p1, q1);
            }
            let frac = r - a;
            if frac <= 0.0 {
                break;
            }
            r = 1.0 / frac;
        }
        Err(ReallocationError::InvalidParameter {
            param: "x".into(),
            rule: "must be a fraction with denominator <= 1e9 for exact arithmetic",
            value: x,
        })
    }
    /// \\(a + b\\).
    ///
    /// # Errors
    /// Overflow.
    pub fn checked_add(self, o: Self) -> Result<Self, ReallocationError> {
        let g = gcd(self.den, o.den);
        let l = (self.den / g).checked_mul(o.den).ok_or(OVF)?;
        let a = self.num.checked_mul(l / self.den).ok_or(OVF)?;
        let b = o.num.checked_mul(l / o.den).ok_or(OVF)?;
        Self::new(a.checked_add(b).ok_or(OVF)?, l)
    }
    /// \\(a - b\\).
    ///
    /// # Errors
    /// Overflow.
    pub fn checked_sub(self, o: Self) -> Result<Self, ReallocationError> {
        self.checked_add(Self {
            num: o.num.checked_neg().ok_or(OVF)?,
            den: o.den,
        })
    }
    /// \\(ab\\).
    ///
    /// # Errors
    /// Overflow.
    pub fn checked_mul(self, o: Self) -> Result<Self, ReallocationError> {
        let g1 = gcd(self.num, o.den);
        let g2 = gcd(o.num, self.den);
        let n = (self.num / g1).checked_mul(o.num / g2).ok_or(OVF)?;
        let d = (self.den / g2).checked_mul(o.den / g1).ok_or(OVF)?;
        Self::new(n, d)
    }
    /// \\(a / b\\).
    ///
    /// # Errors
    /// Division by zero or overflow.
    pub fn checked_div(self, o: Self) -> Result<Self, ReallocationError> {
        if o.num == 0 {
            return Err(ReallocationError::Precondition(
                "exact division by zero".into(),
            ));
        }
        self.checked_mul(Self::new(o.den, o.num)?)
    }
    /// Sign: -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        self.num.signum() as i32
    }
}

impl std::fmt::Display for Rational {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

type Vector = Vec<Rational>;
type Matrix = Vec<Vec<Rational>>;

/// Solves \\(Ax = b\\) by Gauss–Jordan elimination with exact pivots.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: Matrix, mut b: Vector) -> Result<Vector, ReallocationError> {
    let k = b.len();
    for c in 0..k {
        let p = (c..k).find(|&r| a[r][c].signum() != 0).ok_or_else(|| {
            ReallocationError::NotPositiveDefinite {
                param: "sum of S_i^-1".into(),
            }
        })?;
        a.swap(c, p);
        b.swap(c, p);
        for r in 0..k {
            if r != c && a[r][c].signum() != 0 {
                let f = a[r][c].checked_div(a[c][c])?;
                for cc in c..k {
                    a[r][cc] = a[r][cc].checked_sub(f.checked_mul(a[c][cc])?)?;
                }
                b[r] = b[r].checked_sub(f.checked_mul(b[c])?)?;
            }
        }
    }
    (0..k).map(|i| b[i].checked_div(a[i][i])).collect()
}

fn inverse(m: &Matrix) -> Result<Matrix, ReallocationError> {
    let k = m.len();
    let cols = (0..k)
        .map(|c| {
            solve(
                m.clone(),
                (0..k)
                    .map(|r| {
                        if r == c {
                            Rational::ONE
                        } else {
                            Rational::ZERO
                        }
                    })
                    .collect(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((0..k)
        .map(|r| (0..k).map(|c| cols[c][r]).collect())
        .collect())
}

fn matvec(m: &Matrix, v: &Vector) -> Result<Vector, ReallocationError> {
    m.iter()
        .map(|row| {
            row.iter().zip(v).try_fold(Rational::ZERO, |acc, (a, b)| {
                acc.checked_add(a.checked_mul(*b)?)
            })
        })
        .collect()
}

fn dot(a: &Vector, b: &Vector) -> Result<Rational, ReallocationError> {
    a.iter().zip(b).try_fold(Rational::ZERO, |acc, (x, y)| {
        acc.checked_add(x.checked_mul(*y)?)
    })
}

/// A quadratic market in exact fractions.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactMarket {
    qbar: Vector,
    s_inv: Vec<Matrix>,
    s_inv_theta: Vec<Vector>,
    own: Vec<Rational>,
}

/// One coalition's exact slack \\(\sum_Z\pi - V(Z)\\) under the Vickrey profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactSlack {
    /// Bidder members.
    pub members: Vec<usize>,
    /// Whether the auctioneer is a member.
    pub with_auctioneer: bool,
    /// The slack (negative = blocks, zero = exactly tight).
    pub slack: Rational,
}

impl ExactMarket {
    /// Reads a quadratic market's \\(\theta_i\\), \\(S_i\\), offsets and \\(\bar q\\) as fractions.
    ///
    /// # Errors
    /// Non-quadratic valuations, entries that are not short fractions, overflow.
    pub fn from_market(market: &ReallocationMarket) -> Result<Self, ReallocationError> {
        let qs = market.quadratics().ok_or_else(|| {
            ReallocationError::Precondition("exact arithmetic needs quadratic valuations".into())
        })?;
        let k = market.k();
        let qbar = market
            .qbar()
            .iter()
            .map(|x| Rational::from_f64(*x))
            .collect::<Result<Vector, _>>()?;
        let mut s_inv = Vec::new();
        let mut s_inv_theta = Vec::new();
        let mut own = Vec::new();
        for q in qs {
            let s: Matrix = (0..k)
                .map(|r| (0..k).map(|c| Rational::from_f64(q.s()[(r, c)])).collect())
                .collect::<Result<_, _>>()?;
            let th: Vector = q
                .theta()
                .iter()
                .map(|x| Rational::from_f64(*x))
                .collect::<Result<_, _>>()?;
            let si = inverse(&s)?;
            let sit = matvec(&si, &th)?;
            let c = Rational::from_f64(q.offset())?;
            own.push(dot(&th, &sit)?.checked_add(c.checked_add(c)?)?);
            s_inv.push(si);
            s_inv_theta.push(sit);
        }
        Ok(Self {
            qbar,
            s_inv,
            s_inv_theta,
            own,
        })
    }

    /// \\(v(Z, q)\\) exactly (0 for the empty coalition).
    ///
    /// # Errors
    /// Overflow.
    #[allow(clippy::needless_range_loop)]
    pub fn surplus(&self, z: Mask, q: &[Rational]) -> Result<Rational, ReallocationError> {
        if z == 0 {
            return Ok(Rational::ZERO);
        }
        let k = self.qbar.len();
        let mut a = vec![vec![Rational::ZERO; k]; k];
        let mut d: Vector = q
            .iter()
            .map(|x| Rational {
                num: -x.num,
                den: x.den,
            })
            .collect();
        let mut own = Rational::ZERO;
        for i in members(z) {
            for r in 0..k {
                for c in 0..k {
                    a[r][c] = a[r][c].checked_add(self.s_inv[i][r][c])?;
                }
                d[r] = d[r].checked_add(self.s_inv_theta[i][r])?;
            }
            own = own.checked_add(self.own[i])?;
        }
        let x = solve(a, d.clone())?;
        let half = Rational::new(1, 2)?;
        half.checked_mul(own.checked_sub(dot(&d, &x)?)?)
    }

    /// Vickrey payoffs \\(\pi_i^V\\) and revenue \\(\pi_a^V\\) with every bidder participating.
    ///
    /// # Errors
    /// Overflow.
    pub fn vickrey(&self) -> Result<(Vec<Rational>, Rational), ReallocationError> {
        let n = self.s_inv.len();
        let all = (1u64 << n) - 1;
        let vx = self.surplus(all, &self.qbar)?;
        let mut pis = Vec::new();
        let mut total = Rational::ZERO;
        for i in 0..n {
            let p = vx.checked_sub(self.surplus(all & !(1 << i), &self.qbar)?)?;
            total = total.checked_add(p)?;
            pis.push(p);
        }
        Ok((pis, vx.checked_sub(total)?))
    }

    /// The exact slack of every coalition (with and without the auctioneer)
    /// under the Vickrey profile.
    ///
    /// ```
    /// use aftermarket::reallocation::{exact::{ExactMarket, Rational}, reproduce::example3};
    /// use nalgebra::dvector;
    /// let m = ExactMarket::from_market(&example3(dvector![1.0, 0.0])?)?;
    /// let blocking: Vec<_> = m.vickrey_slacks()?.into_iter().filter(|s| s.slack.signum() < 0).collect();
    /// assert_eq!(blocking.len(), 1);
    /// assert_eq!(blocking[0].slack, Rational::new(-8581, 11449400)?);
    /// # Ok::<(), aftermarket::reallocation::ReallocationError>(())
    /// ```
    ///
    /// # Errors
    /// Overflow.
    pub fn vickrey_slacks(&self) -> Result<Vec<ExactSlack>, ReallocationError> {
        let n = self.s_inv.len();
        let (pis, rev) = self.vickrey()?;
        let zero = vec![Rational::ZERO; self.qbar.len()];
        let mut out = Vec::new();
        for z in 0..(1u64 << n) {
            let sum = members(z)
                .iter()
                .try_fold(Rational::ZERO, |a, &i| a.checked_add(pis[i]))?;
            out.push(ExactSlack {
                members: members(z),
                with_auctioneer: true,
                slack: sum
                    .checked_add(rev)?
                    .checked_sub(self.surplus(z, &self.qbar)?)?,
            });
            if z != 0 {
                out.push(ExactSlack {
                    members: members(z),
                    with_auctioneer: false,
                    slack: sum.checked_sub(self.surplus(z, &zero)?)?,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reallocation::reproduce::{example1, example2};

    #[test]
    fn decimals_read_exactly() {
        assert_eq!(
            Rational::from_f64(0.19).expect("ok"),
            Rational::new(19, 100).expect("ok")
        );
        assert_eq!(
            Rational::from_f64(-5.8).expect("ok"),
            Rational::new(-29, 5).expect("ok")
        );
    }

    #[test]
    fn example1_exact_values_and_ties() {
        let m = ExactMarket::from_market(&example1().expect("ok")).expect("ok");
        let (pis, rev) = m.vickrey().expect("ok");
        assert_eq!(pis[0], Rational::new(3, 4).expect("ok"));
        assert_eq!(rev, Rational::new(9, 4).expect("ok"));
        let s = m.vickrey_slacks().expect("ok");
        let tight: Vec<_> = s
            .iter()
            .filter(|x| x.with_auctioneer && x.slack.signum() == 0)
            .map(|x| x.members.clone())
            .collect();
        assert_eq!(
            tight,
            vec![vec![0, 1], vec![0, 2], vec![1, 2], vec![0, 1, 2]]
        );
    }

    #[test]
    fn example2_is_exactly_in_the_core() {
        let m = ExactMarket::from_market(&example2().expect("ok")).expect("ok");
        let (_, rev) = m.vickrey().expect("ok");
        assert_eq!(rev, Rational::new(407, 280).expect("ok"));
        assert!(
            m.vickrey_slacks()
                .expect("ok")
                .iter()
                .all(|x| x.slack.signum() >= 0)
        );
    }
}
