//! The two auction formats on the objects of the global-local model: the
//! crate's [`VickreySeparate`] and [`VickreyPackage`], with the units they
//! sell labelled as objects (market \\(i\\) sells object \\(i\\); under package
//! bidding a winning local gets its own object and the global the objects
//! of the locals she displaced).

use super::equilibria::Format;
use crate::mechanism::{
    AuctionRules, Bid, Mechanism, MechanismError, Outcome, Priority, TieRule, VickreyPackage,
    VickreySeparate,
};
use crate::values::{Holding, ItemSet, Supply};

/// The rules of the paper's auctions: no reserve, random ties, and a bid of
/// 0 (a bidder absent from a market) never wins.
pub fn paper_rules() -> AuctionRules {
    AuctionRules {
        reserve: 0.0,
        tie: TieRule::Random,
        zero_bids_win: false,
    }
}

/// A Vickrey format selling the \\(N\\) objects of the model (locals are
/// bidders `0..N`, the global is bidder `N`).
#[derive(Debug, Clone)]
pub struct ObjectAuction {
    format: Format,
    n: usize,
    separate: VickreySeparate,
    package: VickreyPackage,
}

impl ObjectAuction {
    /// The format `format` for `n` objects.
    ///
    /// # Errors
    /// `n = 0`.
    pub fn new(format: Format, n: usize) -> Result<Self, MechanismError> {
        Ok(ObjectAuction {
            format,
            n,
            separate: VickreySeparate::new(paper_rules(), n)?,
            package: VickreyPackage::new(paper_rules(), n)?,
        })
    }
}

impl Mechanism for ObjectAuction {
    fn name(&self) -> &str {
        match self.format {
            Format::Separate => self.separate.name(),
            Format::Package => self.package.name(),
        }
    }
    fn supply(&self) -> Supply {
        Supply::Items { n: self.n }
    }
    fn rules(&self) -> &AuctionRules {
        self.separate.rules()
    }
    fn outcome_with_priority(
        &self,
        bids: &[Bid],
        priority: &Priority,
    ) -> Result<Outcome, MechanismError> {
        let mut out = Outcome::nothing_sold(bids.len(), &self.supply());
        let mut sold = ItemSet::EMPTY;
        match self.format {
            Format::Separate => {
                let winners = self.separate.market_winners(bids, priority)?;
                let mut sets = vec![ItemSet::EMPTY; bids.len()];
                for (k, w) in winners.iter().enumerate() {
                    if let Some((i, p)) = *w {
                        sets[i] = sets[i].union(ItemSet::singleton(k));
                        out.payments[i] += p;
                        sold = sold.union(ItemSet::singleton(k));
                        if let Some(Bid::PerItem(v)) = bids.get(i) {
                            let b = v.get(k).copied().unwrap_or(0.0);
                            out.winning_bid = Some(out.winning_bid.map_or(b, |x: f64| x.max(b)));
                        }
                    }
                }
                for (h, s) in out.allocation.iter_mut().zip(sets) {
                    *h = Holding::Items(s);
                }
            }
            Format::Package => {
                let o = self.package.outcome_with_priority(bids, priority)?;
                let g = bids.len().saturating_sub(1);
                for i in 0..self.n.min(g) {
                    if o.allocation.get(i).is_some_and(|h| h.count() > 0) {
                        out.allocation[i] = Holding::Items(ItemSet::singleton(i));
                        sold = sold.union(ItemSet::singleton(i));
                    }
                }
                let k = o.allocation.get(g).map_or(0, Holding::count);
                let mut mine = ItemSet::EMPTY;
                for item in ItemSet::full(self.n).difference(sold).indices().take(k) {
                    mine = mine.union(ItemSet::singleton(item));
                }
                sold = sold.union(mine);
                if let Some(h) = out.allocation.get_mut(g) {
                    *h = Holding::Items(mine);
                }
                out.payments = o.payments;
                out.winning_bid = o.winning_bid;
            }
        }
        out.unsold = Holding::Items(ItemSet::full(self.n).difference(sold));
        Ok(out)
    }
}
