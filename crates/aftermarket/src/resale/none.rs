//! No aftermarket: resale forbidden.

use super::{Aftermarket, ResaleContext, ResaleError, ResaleOutcome};

/// Resale is forbidden: everyone keeps what the auction gave them.
///
/// ```
/// use aftermarket::resale::{Aftermarket, NoResale};
/// assert_eq!(NoResale.name(), "none");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoResale;

impl Aftermarket for NoResale {
    fn uses_beliefs(&self) -> bool {
        false
    }
    fn name(&self) -> &str {
        "none"
    }
    fn opt_out(&self) -> &str {
        "nothing to opt out of: no trade takes place"
    }
    fn outcomes(&self, ctx: &ResaleContext<'_>) -> Result<Vec<(f64, ResaleOutcome)>, ResaleError> {
        Ok(vec![(1.0, ResaleOutcome::no_trade(ctx.holdings))])
    }
}
