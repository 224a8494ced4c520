//! Two bidders, a first-price or all-pay auction, and a costly signal
//! about the rival bought privately before bidding.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use super::{InformationCost, InformationError, SignalStructure};
use crate::analysis::quadrature::integrate_pieces;
use crate::prior::{Prior, SharedPrior, expected_max};

/// The auction run after the acquisition stage. Bids below the minimum
/// acceptable bid 0 are not allowed; a bidder may instead opt out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The highest bid wins and pays its bid.
    FirstPrice,
    /// The highest bid wins; every bidder pays its bid.
    AllPay,
}

/// What a bidder does in the auction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Stay out: never win, never pay (paper 003, Example 1's bid −1).
    OptOut,
    /// Bid this amount (≥ 0). Equal bids split the item evenly.
    Bid(f64),
}

/// What a bidder learnt before bidding: which offered structure it bought
/// (`None`: none) and the signal it drew (0 under the null structure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// Index of the structure bought in the bidder's menu.
    pub offer: Option<usize>,
    /// The signal drawn.
    pub signal: usize,
}

impl Observed {
    /// Nothing bought.
    pub const NOTHING: Observed = Observed {
        offer: None,
        signal: 0,
    };
}

/// A structure on sale, with its cost.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The signal structure.
    pub signal: Arc<dyn SignalStructure>,
    /// Its cost, by the buyer's value.
    pub cost: InformationCost,
}

impl Offer {
    /// A structure sold at `cost`.
    pub fn new(signal: Arc<dyn SignalStructure>, cost: InformationCost) -> Self {
        Offer { signal, cost }
    }
}

type AcquireRule = Arc<dyn Fn(f64) -> Option<usize> + Send + Sync>;
type ActRule = Arc<dyn Fn(f64, Observed) -> Action + Send + Sync>;
/// A signal and its likelihood as a function of the rival's value.
type SignalWeight<'a> = (Observed, Box<dyn Fn(f64) -> f64 + 'a>);

/// A strategy in the combined game: which structure to buy as a function
/// of one's value, and what to do in the auction given one's value and
/// what one learnt. The choice of structure is private.
#[derive(Clone)]
pub struct Plan {
    name: String,
    acquire: AcquireRule,
    act: ActRule,
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan").field("name", &self.name).finish()
    }
}

impl Plan {
    /// A plan from its two rules.
    pub fn new(
        name: &str,
        acquire: impl Fn(f64) -> Option<usize> + Send + Sync + 'static,
        act: impl Fn(f64, Observed) -> Action + Send + Sync + 'static,
    ) -> Self {
        Plan {
            name: name.into(),
            acquire: Arc::new(acquire),
            act: Arc::new(act),
        }
    }

    /// A plan that never buys information and bids `bid(v)`.
    pub fn uninformed(name: &str, bid: impl Fn(f64) -> Action + Send + Sync + 'static) -> Self {
        Plan::new(name, |_| None, move |v, _| bid(v))
    }

    /// The plan's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The structure bought at value `v`.
    pub fn acquire(&self, v: f64) -> Option<usize> {
        (self.acquire)(v)
    }

    /// The action at value `v` after observing `obs`.
    pub fn act(&self, v: f64, obs: Observed) -> Action {
        (self.act)(v, obs)
    }
}

/// One type's expected outcome under a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interim {
    /// Expected utility, net of the information cost.
    pub utility: f64,
    /// Probability of winning.
    pub win: f64,
    /// Expected payment.
    pub payment: f64,
    /// Information cost paid.
    pub info_cost: f64,
}

/// The best deviation of one type.
#[derive(Debug, Clone, PartialEq)]
pub struct BestResponse {
    /// The best utility found (a supremum: a bid that must win ties is
    /// approached by bidding slightly more).
    pub utility: f64,
    /// The structure bought by the best deviation.
    pub offer: Option<usize>,
    /// Its action per signal.
    pub actions: Vec<Action>,
    /// The best utility without buying information.
    pub uninformed: f64,
    /// The best utility buying each offered structure (net of its cost).
    pub informed: Vec<f64>,
}

/// How best responses search over bids.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BidSearch {
    /// Grid cells on \\(\[0, v\]\\) (bids above one's value are dominated by
    /// opting out).
    pub steps: usize,
    /// Golden-section iterations around the best grid point.
    pub refine: usize,
}

impl Default for BidSearch {
    fn default() -> Self {
        BidSearch {
            steps: 200,
            refine: 60,
        }
    }
}

/// Ex-ante measures of a profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// \\(E\[\max_i v_i\]\\): the optimum never buys information.
    pub optimal_welfare: f64,
    /// Expected value of the allocation.
    pub gross_welfare: f64,
    /// Expected information costs, both bidders.
    pub info_costs: f64,
    /// Gross welfare less information costs.
    pub net_welfare: f64,
    /// Expected auction payments.
    pub revenue: f64,
    /// Each bidder's expected utility (net of costs).
    pub utilities: [f64; 2],
}

impl Summary {
    /// Optimal welfare over net welfare (the instance's price of anarchy
    /// for this equilibrium).
    pub fn ratio(&self) -> f64 {
        self.optimal_welfare / self.net_welfare
    }
}

/// Two bidders with independent values, each offered a menu of signal
/// structures about the other (the null structure, free, is always
/// available), then a first-price or all-pay auction.
///
/// Expectations are exact on atoms and by adaptive quadrature on the
/// continuous parts of the priors; a signal's likelihood and the rival's
/// plan are evaluated at every quadrature node, so the rival's bid may
/// depend on what it learnt about the bidder being evaluated.
#[derive(Debug, Clone)]
pub struct AcquisitionGame {
    format: Format,
    priors: [SharedPrior; 2],
    menus: [Vec<Offer>; 2],
}

const TIE_SHARE: f64 = 0.5;

impl AcquisitionGame {
    /// A game from each bidder's prior and menu.
    ///
    /// # Errors
    /// A prior whose support is not finite.
    pub fn new(
        format: Format,
        priors: [SharedPrior; 2],
        menus: [Vec<Offer>; 2],
    ) -> Result<Self, InformationError> {
        for p in &priors {
            let (lo, hi) = p.support();
            if !lo.is_finite() || !hi.is_finite() {
                return Err(InformationError::Invalid(format!(
                    "prior {}: support must be bounded, got [{lo}, {hi}]",
                    p.name()
                )));
            }
        }
        Ok(AcquisitionGame {
            format,
            priors,
            menus,
        })
    }

    /// Two i.i.d. bidders offered the same menu.
    ///
    /// # Errors
    /// As [`AcquisitionGame::new`].
    pub fn symmetric(
        format: Format,
        prior: SharedPrior,
        menu: Vec<Offer>,
    ) -> Result<Self, InformationError> {
        Self::new(format, [prior.clone(), prior], [menu.clone(), menu])
    }

    /// The auction format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Bidder `i`'s prior.
    pub fn prior(&self, i: usize) -> &dyn Prior {
        self.priors[i & 1].as_ref()
    }

    fn offer(&self, i: usize, k: usize) -> Result<&Offer, InformationError> {
        self.menus[i & 1].get(k).ok_or_else(|| {
            InformationError::Invalid(format!(
                "bidder {i} chose structure {k} but its menu has {}",
                self.menus[i & 1].len()
            ))
        })
    }

    /// What bidder `j` of value `vj` does against a rival of value `vi`:
    /// its actions with probabilities, and its information cost.
    fn rival_play(
        &self,
        j: usize,
        vj: f64,
        vi: f64,
        plan: &Plan,
    ) -> Result<(Vec<(f64, Action)>, f64), InformationError> {
        match plan.acquire(vj) {
            None => Ok((vec![(1.0, checked(plan.act(vj, Observed::NOTHING))?)], 0.0)),
            Some(k) => {
                let offer = self.offer(j, k)?;
                let mut out = Vec::with_capacity(offer.signal.n_signals());
                for s in 0..offer.signal.n_signals() {
                    let q = offer.signal.likelihood(s, vi);
                    if q > 0.0 {
                        let obs = Observed {
                            offer: Some(k),
                            signal: s,
                        };
                        out.push((q, checked(plan.act(vj, obs))?));
                    }
                }
                Ok((out, offer.cost.at(vj)))
            }
        }
    }

    /// What stays constant between the jumps of an integrand over the
    /// rival's value: the signal weight and, per rival action, its
    /// probability and whether `a` wins, ties or loses against it.
    fn rival_key(
        &self,
        j: usize,
        vj: f64,
        v: f64,
        a: Action,
        weight: &dyn Fn(f64) -> f64,
        rival: &Plan,
    ) -> Vec<u64> {
        let mut k = vec![weight(vj).to_bits()];
        if let Ok((acts, _)) = self.rival_play(j, vj, v, rival) {
            for (q, b) in acts {
                k.push(q.to_bits());
                k.push(self.payoff(v, a, b, false).1.to_bits());
            }
        }
        k
    }

    /// Utility (before information costs), win probability and payment of
    /// `a` at value `v` against `b`; `wins_ties` gives the limit of bidding
    /// slightly more.
    fn payoff(&self, v: f64, a: Action, b: Action, wins_ties: bool) -> (f64, f64, f64) {
        let win = match (a, b) {
            (Action::OptOut, _) => 0.0,
            (Action::Bid(_), Action::OptOut) => 1.0,
            (Action::Bid(x), Action::Bid(y)) if x > y => 1.0,
            (Action::Bid(x), Action::Bid(y)) if x < y => 0.0,
            _ if wins_ties => 1.0,
            _ => TIE_SHARE,
        };
        let pay = match (self.format, a) {
            (_, Action::OptOut) => 0.0,
            (Format::FirstPrice, Action::Bid(x)) => x * win,
            (Format::AllPay, Action::Bid(x)) => x,
        };
        (v * win - pay, win, pay)
    }

    /// \\(E\[w(v_j)\,(\text{utility}, \text{win}, \text{payment})\]\\) of
    /// action `a` at value `v` against bidder `j = 1 − i` playing `rival`,
    /// the rival's value weighted by `w` (a signal's likelihood).
    fn against(
        &self,
        i: usize,
        v: f64,
        a: Action,
        wins_ties: bool,
        weight: &dyn Fn(f64) -> f64,
        rival: &Plan,
    ) -> Result<[f64; 3], InformationError> {
        let j = 1 - (i & 1);
        let err: Cell<Option<InformationError>> = Cell::new(None);
        let key = |vj: f64| self.rival_key(j, vj, v, a, weight, rival);
        let part = |k: usize| {
            expect_split(
                self.prior(j),
                &|vj| {
                    let w = weight(vj);
                    if w == 0.0 {
                        return 0.0;
                    }
                    match self.rival_play(j, vj, v, rival) {
                        Ok((acts, _)) => {
                            w * acts
                                .iter()
                                .map(|&(q, b)| {
                                    let r = self.payoff(v, a, b, wins_ties);
                                    q * [r.0, r.1, r.2][k]
                                })
                                .sum::<f64>()
                        }
                        Err(e) => {
                            err.set(Some(e));
                            0.0
                        }
                    }
                },
                &key,
            )
        };
        let out = [part(0), part(1), part(2)];
        match err.take() {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    fn utility_against(
        &self,
        i: usize,
        v: f64,
        a: Action,
        wins_ties: bool,
        weight: &dyn Fn(f64) -> f64,
        rival: &Plan,
    ) -> Result<f64, InformationError> {
        let j = 1 - (i & 1);
        let err: Cell<Option<InformationError>> = Cell::new(None);
        let key = |vj: f64| self.rival_key(j, vj, v, a, weight, rival);
        let u = expect_split(
            self.prior(j),
            &|vj| {
                let w = weight(vj);
                if w == 0.0 {
                    return 0.0;
                }
                match self.rival_play(j, vj, v, rival) {
                    Ok((acts, _)) => {
                        w * acts
                            .iter()
                            .map(|&(q, b)| q * self.payoff(v, a, b, wins_ties).0)
                            .sum::<f64>()
                    }
                    Err(e) => {
                        err.set(Some(e));
                        0.0
                    }
                }
            },
            &key,
        );
        match err.take() {
            Some(e) => Err(e),
            None => Ok(u),
        }
    }

    /// The weights of each signal bidder `i` may see after `choice`.
    fn signal_weights(
        &self,
        i: usize,
        choice: Option<usize>,
    ) -> Result<Vec<SignalWeight<'_>>, InformationError> {
        match choice {
            None => Ok(vec![(Observed::NOTHING, Box::new(|_| 1.0))]),
            Some(k) => {
                let sig = &self.offer(i, k)?.signal;
                Ok((0..sig.n_signals())
                    .map(|s| {
                        let sig = sig.clone();
                        let w: Box<dyn Fn(f64) -> f64> = Box::new(move |x| sig.likelihood(s, x));
                        (
                            Observed {
                                offer: Some(k),
                                signal: s,
                            },
                            w,
                        )
                    })
                    .collect())
            }
        }
    }

    /// What stays constant between the jumps of an integrand over bidder
    /// `i`'s own value: the structure it buys and which of its signals
    /// lead it to opt out.
    fn own_key(&self, i: usize, v: f64, plan: &Plan) -> Vec<u64> {
        let choice = plan.acquire(v);
        let mut k = vec![choice.map_or(0, |c| c as u64 + 1)];
        let n = match choice {
            Some(c) => self.offer(i, c).map_or(0, |o| o.signal.n_signals()),
            None => 1,
        };
        for s in 0..n {
            let obs = Observed {
                offer: choice,
                signal: s,
            };
            k.push(u64::from(matches!(plan.act(v, obs), Action::OptOut)));
        }
        k
    }

    /// Bidder `i` of value `v` following `plan` against `rival`.
    ///
    /// # Errors
    /// A plan that buys a structure missing from the menu, or bids a
    /// negative or non-finite amount.
    pub fn interim(
        &self,
        i: usize,
        v: f64,
        plan: &Plan,
        rival: &Plan,
    ) -> Result<Interim, InformationError> {
        let choice = plan.acquire(v);
        let info_cost = match choice {
            Some(k) => self.offer(i, k)?.cost.at(v),
            None => 0.0,
        };
        let mut acc = [0.0; 3];
        for (obs, w) in self.signal_weights(i, choice)? {
            let a = checked(plan.act(v, obs))?;
            let r = self.against(i, v, a, false, w.as_ref(), rival)?;
            for k in 0..3 {
                acc[k] += r[k];
            }
        }
        Ok(Interim {
            utility: acc[0] - info_cost,
            win: acc[1],
            payment: acc[2],
            info_cost,
        })
    }

    /// The best action (and its utility) against `rival` when the rival's
    /// value is weighted by `w`: opting out, or a bid on \\(\[0, v\]\\)
    /// searched on a grid and refined by golden section. Bids are scored
    /// as winning ties (the limit of bidding slightly more), so the value
    /// is the supremum over bids.
    fn best_action(
        &self,
        i: usize,
        v: f64,
        w: &dyn Fn(f64) -> f64,
        rival: &Plan,
        search: BidSearch,
    ) -> Result<(Action, f64), InformationError> {
        let u = |b: f64| self.utility_against(i, v, Action::Bid(b), true, w, rival);
        let mut best = (Action::OptOut, 0.0);
        let hi = v.max(0.0);
        let steps = search.steps.max(1);
        let h = hi / steps as f64;
        let mut grid = (0, f64::NEG_INFINITY);
        for k in 0..=steps {
            let x = u(h * k as f64)?;
            if x > grid.1 {
                grid = (k, x);
            }
        }
        if grid.1 > best.1 {
            best = (Action::Bid(h * grid.0 as f64), grid.1);
        }
        if h > 0.0 {
            let (mut a, mut b) = (
                h * grid.0.saturating_sub(1) as f64,
                (h * (grid.0 + 1) as f64).min(hi),
            );
            let g = 0.5 * (5f64.sqrt() - 1.0);
            let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
            let (mut fc, mut fd) = (u(c)?, u(d)?);
            for _ in 0..search.refine {
                if fc >= fd {
                    (b, d, fd) = (d, c, fc);
                    c = b - g * (b - a);
                    fc = u(c)?;
                } else {
                    (a, c, fc) = (c, d, fd);
                    d = a + g * (b - a);
                    fd = u(d)?;
                }
            }
            for (x, fx) in [(c, fc), (d, fd)] {
                if fx > best.1 {
                    best = (Action::Bid(x), fx);
                }
            }
        }
        Ok(best)
    }

    /// The best deviation of bidder `i` of value `v` against `rival`: over
    /// buying nothing or any offered structure, and for each signal over
    /// opting out or any bid.
    ///
    /// # Errors
    /// A rival plan that buys a structure missing from its menu, or bids a
    /// negative or non-finite amount.
    pub fn best_response(
        &self,
        i: usize,
        v: f64,
        rival: &Plan,
        search: BidSearch,
    ) -> Result<BestResponse, InformationError> {
        let plan_for = |choice: Option<usize>| -> Result<(f64, Vec<Action>), InformationError> {
            let mut total = 0.0;
            let mut acts = Vec::new();
            for (_, w) in self.signal_weights(i, choice)? {
                let (a, u) = self.best_action(i, v, w.as_ref(), rival, search)?;
                total += u;
                acts.push(a);
            }
            let cost = match choice {
                Some(k) => self.offer(i, k)?.cost.at(v),
                None => 0.0,
            };
            Ok((total - cost, acts))
        };
        let (uninformed, acts0) = plan_for(None)?;
        let mut best = BestResponse {
            utility: uninformed,
            offer: None,
            actions: acts0,
            uninformed,
            informed: Vec::new(),
        };
        for k in 0..self.menus[i & 1].len() {
            let (u, acts) = plan_for(Some(k))?;
            best.informed.push(u);
            if u > best.utility {
                best.utility = u;
                best.offer = Some(k);
                best.actions = acts;
            }
        }
        Ok(best)
    }

    /// The largest gain any type on `types` of bidder `i` gets by deviating
    /// from `plan` against `rival`, with the type attaining it.
    ///
    /// # Errors
    /// As [`AcquisitionGame::best_response`].
    pub fn max_regret(
        &self,
        i: usize,
        types: &[f64],
        plan: &Plan,
        rival: &Plan,
        search: BidSearch,
    ) -> Result<(f64, f64), InformationError> {
        let mut worst = (f64::NEG_INFINITY, f64::NAN);
        for &v in types {
            let gain = self.best_response(i, v, rival, search)?.utility
                - self.interim(i, v, plan, rival)?.utility;
            if gain > worst.0 {
                worst = (gain, v);
            }
        }
        Ok(worst)
    }

    /// Bidder `i`'s ex-ante utility, \\(E_v\[\text{interim}(v)\]\\).
    ///
    /// # Errors
    /// As [`AcquisitionGame::interim`].
    pub fn ex_ante_utility(
        &self,
        i: usize,
        plan: &Plan,
        rival: &Plan,
    ) -> Result<f64, InformationError> {
        let err: Cell<Option<InformationError>> = Cell::new(None);
        let u = expect_split(
            self.prior(i),
            &|v| match self.interim(i, v, plan, rival) {
                Ok(r) => r.utility,
                Err(e) => {
                    err.set(Some(e));
                    0.0
                }
            },
            &|v| self.own_key(i, v, plan),
        );
        match err.take() {
            Some(e) => Err(e),
            None => Ok(u),
        }
    }

    /// Welfare, costs, revenue and utilities of the profile `plans`, by
    /// iterated expectation over both values and both bidders' signals.
    ///
    /// # Errors
    /// As [`AcquisitionGame::interim`].
    pub fn summary(&self, plans: [&Plan; 2]) -> Result<Summary, InformationError> {
        let err: Cell<Option<InformationError>> = Cell::new(None);
        // [gross welfare, costs, revenue, u0, u1] at one value profile.
        let at = |v0: f64, v1: f64| -> Result<[f64; 5], InformationError> {
            let (p0, c0) = self.rival_play(0, v0, v1, plans[0])?;
            let (p1, c1) = self.rival_play(1, v1, v0, plans[1])?;
            let mut m = [0.0, c0 + c1, 0.0, -c0, -c1];
            for &(q0, a0) in &p0 {
                for &(q1, a1) in &p1 {
                    let q = q0 * q1;
                    let (u0, w0, pay0) = self.payoff(v0, a0, a1, false);
                    let (u1, w1, pay1) = self.payoff(v1, a1, a0, false);
                    m[0] += q * (v0 * w0 + v1 * w1);
                    m[2] += q * (pay0 + pay1);
                    m[3] += q * u0;
                    m[4] += q * u1;
                }
            }
            Ok(m)
        };
        let mut out = [0.0; 5];
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = expect_split(
                self.prior(0),
                &|v0| {
                    // Bidder 1's value matters through its own choices and
                    // through who wins against bidder 0's actions.
                    let key1 = |v1: f64| {
                        let mut key = self.own_key(1, v1, plans[1]);
                        if let (Ok((p0, _)), Ok((p1, _))) = (
                            self.rival_play(0, v0, v1, plans[0]),
                            self.rival_play(1, v1, v0, plans[1]),
                        ) {
                            for &(q0, a0) in &p0 {
                                key.push(q0.to_bits());
                                for &(q1, a1) in &p1 {
                                    key.push(q1.to_bits());
                                    key.push(self.payoff(v0, a0, a1, false).1.to_bits());
                                }
                            }
                        }
                        key
                    };
                    expect_split(
                        self.prior(1),
                        &|v1| match at(v0, v1) {
                            Ok(m) => m[k],
                            Err(e) => {
                                err.set(Some(e));
                                0.0
                            }
                        },
                        &key1,
                    )
                },
                &|v0| self.own_key(0, v0, plans[0]),
            );
        }
        if let Some(e) = err.take() {
            return Err(e);
        }
        let optimal_welfare = expected_max(&[self.prior(0), self.prior(1)])?;
        Ok(Summary {
            optimal_welfare,
            gross_welfare: out[0],
            info_costs: out[1],
            net_welfare: out[0] - out[1],
            revenue: out[2],
            utilities: [out[3], out[4]],
        })
    }
}

/// \(E\[g(v)\]\) under `prior`, exact on atoms, the continuous part
/// integrated piecewise between the points where `key` changes (found on a
/// grid and located by bisection): the integrands here jump where a bid
/// overtakes another, and adaptive quadrature alone can miss a jump that
/// falls between its nodes.
fn expect_split(prior: &dyn Prior, g: &dyn Fn(f64) -> f64, key: &dyn Fn(f64) -> Vec<u64>) -> f64 {
    const CELLS: usize = 256;
    let (lo, hi) = prior.support();
    let atoms: f64 = prior.atoms().iter().map(|&(x, p)| p * g(x)).sum();
    if hi <= lo {
        return atoms;
    }
    let h = (hi - lo) / CELLS as f64;
    let mut breaks = Vec::new();
    let mut prev = (lo, key(lo));
    for k in 1..=CELLS {
        let x = if k == CELLS { hi } else { lo + h * k as f64 };
        let kx = key(x);
        if kx != prev.1 {
            let (mut a, mut b) = (prev.0, x);
            for _ in 0..60 {
                let m = 0.5 * (a + b);
                if key(m) == prev.1 {
                    a = m;
                } else {
                    b = m;
                }
            }
            breaks.push(0.5 * (a + b));
        }
        prev = (x, kx);
    }
    atoms + integrate_pieces(&|x| g(x) * prior.pdf(x), lo, hi, &breaks)
}

fn checked(a: Action) -> Result<Action, InformationError> {
    match a {
        Action::Bid(b) if !b.is_finite() || b < 0.0 => Err(InformationError::InvalidParameter {
            param: "bid",
            rule: "must be finite and >= 0 (opt out instead of bidding below 0)",
            value: b,
        }),
        a => Ok(a),
    }
}
