//! From the file as written to a checked market.

use std::path::PathBuf;
use std::sync::Arc;

use super::raw::{RawBidder, RawPackage, RawPrior, RawScenario};
use super::{Method, Scenario, ScenarioError};
use crate::disclosure::{Disclosure, Policy};
use crate::market::{Information, InformationAcquisition, Market, McConfig};
use crate::mechanism::{AuctionRules, TieRule};
use crate::prior::{Prior, ProfilePrior, TypePrior, ValueShape};
use crate::resale::Aftermarket;
use crate::strategy::{BidForm, Strategy, StrategyEntry, StrategyFile, Truthful};
use crate::values::{ItemSet, PackageValues, Supply, Valuation};

/// Carries the origin so that every error names the file.
pub(super) struct Ctx {
    pub origin: String,
    pub dir: Option<PathBuf>,
    pub names: Vec<String>,
    pub supply: Supply,
    pub item_names: Vec<String>,
}

impl Ctx {
    pub fn err(&self, field: impl Into<String>, message: impl std::fmt::Display) -> ScenarioError {
        ScenarioError {
            origin: self.origin.clone(),
            field: field.into(),
            message: message.to_string(),
        }
    }

    /// The index of the bidder called `name`.
    pub fn bidder(&self, field: &str, name: &str) -> Result<usize, ScenarioError> {
        self.names.iter().position(|n| n == name).ok_or_else(|| {
            self.err(
                field,
                format!(
                    "unknown bidder {name:?}; bidders are {}",
                    self.names.join(", ")
                ),
            )
        })
    }

    fn path(&self, p: &str) -> PathBuf {
        match &self.dir {
            Some(d) => d.join(p),
            None => PathBuf::from(p),
        }
    }
}

pub(super) fn build(
    raw: RawScenario,
    origin: &str,
    dir: Option<PathBuf>,
) -> Result<Scenario, ScenarioError> {
    use super::raw::RawGoods;
    let (supply, item_names) = match &raw.goods {
        RawGoods::Single => (Supply::Units { m: 1 }, Vec::new()),
        RawGoods::Units { m } => (Supply::Units { m: *m }, Vec::new()),
        RawGoods::Items { n, names } => (Supply::Items { n: *n }, names.clone()),
    };
    let mut ctx = Ctx {
        origin: origin.to_string(),
        dir,
        names: raw.bidders.iter().map(|b| b.name.clone()).collect(),
        supply,
        item_names,
    };
    if supply.size() == 0 {
        return Err(ctx.err("goods", "there must be at least one unit or item"));
    }
    if let Supply::Items { n } = supply {
        if n > PackageValues::MAX_ITEMS {
            return Err(ctx.err(
                "goods.n",
                format!("at most {} items, got {n}", PackageValues::MAX_ITEMS),
            ));
        }
        if !ctx.item_names.is_empty() && ctx.item_names.len() != n {
            return Err(ctx.err(
                "goods.names",
                format!("needs {n} names, got {}", ctx.item_names.len()),
            ));
        }
    }
    if raw.bidders.is_empty() {
        return Err(ctx.err("bidders", "the market needs at least one bidder"));
    }
    for (i, b) in raw.bidders.iter().enumerate() {
        if raw.bidders[..i].iter().any(|o| o.name == b.name) {
            return Err(ctx.err(
                format!("bidders[{i}].name"),
                format!("bidder name {:?} is used twice", b.name),
            ));
        }
    }
    ctx.names = raw.bidders.iter().map(|b| b.name.clone()).collect();

    let (mechanism, bid_form) = super::wiring::mechanism(&ctx, &raw.mechanism)?;
    let prior = profile_prior(&ctx, &raw)?;
    let strategies = raw
        .bidders
        .iter()
        .enumerate()
        .map(|(i, b)| strategy(&ctx, i, b))
        .collect::<Result<Vec<_>, _>>()?;
    let all_fixed = raw.profile.is_none()
        && raw
            .bidders
            .iter()
            .all(|b| b.values.is_some() || b.packages.is_some());
    let information = match raw.information.as_deref() {
        None => {
            if all_fixed {
                Information::Complete
            } else {
                Information::Private
            }
        }
        Some("complete") => Information::Complete,
        Some("private") => Information::Private,
        Some(other) => {
            return Err(ctx.err(
                "information",
                format!("must be \"complete\" or \"private\", got {other:?}"),
            ));
        }
    };
    let disclosure: Arc<dyn Disclosure> = Arc::new(match raw.disclosure.as_deref() {
        None | Some("own-outcome") => Policy::OwnOutcome,
        Some("all-payments") => Policy::AllPayments,
        Some("winning-bid") => Policy::WinningBid,
        Some("all-bids") => Policy::AllBids,
        Some(other) => {
            return Err(ctx.err(
                "disclosure",
                format!("unknown disclosure {other:?}; use own-outcome, all-payments, winning-bid or all-bids"),
            ));
        }
    });
    let aftermarket: Arc<dyn Aftermarket> =
        super::wiring::aftermarket(&ctx, raw.aftermarket.as_ref())?;
    let acquisition = raw.acquisition.as_ref().map(|a| InformationAcquisition {
        cost: a.cost.clone(),
        acquire: a.acquire.clone(),
    });
    let method = match raw.run.method.as_deref() {
        None | Some("auto") => Method::Auto,
        Some("exact") => Method::Exact,
        Some("monte-carlo") => Method::MonteCarlo,
        Some(other) => {
            return Err(ctx.err(
                "run.method",
                format!("must be auto, exact or monte-carlo, got {other:?}"),
            ));
        }
    };
    let mut mc = McConfig::default();
    if let Some(s) = raw.run.seed {
        mc.seed = s;
    }
    if let Some(e) = raw.run.episodes {
        if e == 0 {
            return Err(ctx.err("run.episodes", "must be at least 1"));
        }
        mc.episodes = e;
    }
    let market = Market {
        name: raw.name.clone(),
        bidders: ctx.names.clone(),
        prior,
        mechanism,
        bid_form,
        disclosure,
        aftermarket,
        strategies,
        information,
        acquisition,
    };
    market.check().map_err(|e| ctx.err("(market)", e))?;
    Ok(Scenario {
        origin: ctx.origin.clone(),
        raw,
        market,
        method,
        mc,
    })
}

/// The rules every format shares.
pub(super) fn rules(
    ctx: &Ctx,
    m: &super::raw::RawMechanism,
) -> Result<AuctionRules, ScenarioError> {
    let mut r = AuctionRules::default();
    if let Some(x) = m.reserve {
        r.reserve = x;
    }
    if let Some(z) = m.zero_bids_win {
        r.zero_bids_win = z;
    }
    if let Some(t) = &m.tie {
        r.tie = tie_rule(ctx, t)?;
    }
    r.check().map_err(|e| ctx.err("mechanism", e))?;
    Ok(r)
}

fn tie_rule(ctx: &Ctx, t: &toml::Value) -> Result<TieRule, ScenarioError> {
    let field = "mechanism.tie";
    match t {
        toml::Value::String(s) if s == "random" => Ok(TieRule::Random),
        toml::Value::Table(tab) if tab.len() == 1 => {
            let (k, v) = tab.iter().next().ok_or_else(|| ctx.err(field, "empty"))?;
            let name_of = |v: &toml::Value| -> Result<usize, ScenarioError> {
                let s = v.as_str().ok_or_else(|| ctx.err(field, "bidders are named by strings"))?;
                ctx.bidder(field, s)
            };
            match k.as_str() {
                "priority" => {
                    let list = v.as_array().ok_or_else(|| ctx.err(field, "priority is a list of bidder names"))?;
                    Ok(TieRule::Priority(list.iter().map(name_of).collect::<Result<_, _>>()?))
                }
                "favour" => Ok(TieRule::Favour(name_of(v)?)),
                "against" => Ok(TieRule::Against(name_of(v)?)),
                other => Err(ctx.err(field, format!("unknown tie rule {other:?}; use priority, favour or against"))),
            }
        }
        _ => Err(ctx.err(
            field,
            "must be \"random\", { priority = [names] }, { favour = \"name\" } or { against = \"name\" }",
        )),
    }
}

pub(super) fn number(ctx: &Ctx, field: &str, v: &toml::Value) -> Result<f64, ScenarioError> {
    let x = match v {
        toml::Value::Float(f) => *f,
        toml::Value::Integer(i) => *i as f64,
        other => return Err(ctx.err(field, format!("must be a number, got {other}"))),
    };
    if !x.is_finite() {
        return Err(ctx.err(field, format!("must be finite, got {x}")));
    }
    Ok(x)
}

/// A number or a list of numbers as marginal values.
fn unit_values(ctx: &Ctx, field: &str, v: &toml::Value) -> Result<Valuation, ScenarioError> {
    let xs = match v {
        toml::Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(k, x)| number(ctx, &format!("{field}[{k}]"), x))
            .collect::<Result<Vec<_>, _>>()?,
        other => vec![number(ctx, field, other)?],
    };
    if xs.is_empty() {
        return Err(ctx.err(field, "needs at least one value"));
    }
    Valuation::units(xs).map_err(|e| ctx.err(field, e))
}

fn item_index(ctx: &Ctx, field: &str, v: &toml::Value) -> Result<usize, ScenarioError> {
    let n = ctx.supply.size();
    match v {
        toml::Value::Integer(i) if *i >= 0 && (*i as usize) < n => Ok(*i as usize),
        toml::Value::String(s) => ctx.item_names.iter().position(|x| x == s).ok_or_else(|| {
            ctx.err(
                field,
                format!(
                    "unknown item {s:?}; items are {}",
                    ctx.item_names.join(", ")
                ),
            )
        }),
        other => Err(ctx.err(
            field,
            format!("must be an item index in 0..{n} or an item name, got {other}"),
        )),
    }
}

fn package_values(ctx: &Ctx, field: &str, pk: &[RawPackage]) -> Result<Valuation, ScenarioError> {
    let n = match ctx.supply {
        Supply::Items { n } => n,
        Supply::Units { .. } => {
            return Err(ctx.err(field, "package values need goods of kind \"items\""));
        }
    };
    let mut listed = Vec::with_capacity(pk.len());
    for (k, p) in pk.iter().enumerate() {
        let f = format!("{field}[{k}]");
        let idx = p
            .items
            .iter()
            .map(|x| item_index(ctx, &format!("{f}.items"), x))
            .collect::<Result<Vec<_>, _>>()?;
        if idx.is_empty() {
            return Err(ctx.err(format!("{f}.items"), "a package needs at least one item"));
        }
        listed.push((ItemSet::from_indices(&idx), p.value));
    }
    Ok(Valuation::Packages(
        PackageValues::from_packages(n, &listed).map_err(|e| ctx.err(field, e))?,
    ))
}

fn fixed_valuation(
    ctx: &Ctx,
    field: &str,
    values: Option<&toml::Value>,
    packages: Option<&Vec<RawPackage>>,
) -> Result<Valuation, ScenarioError> {
    match (values, packages, ctx.supply) {
        (Some(v), None, Supply::Units { .. }) => unit_values(ctx, &format!("{field}.values"), v),
        (None, Some(p), Supply::Items { .. }) => {
            package_values(ctx, &format!("{field}.packages"), p)
        }
        (Some(_), None, Supply::Items { .. }) => Err(ctx.err(
            format!("{field}.values"),
            "goods are distinct items: give `packages` instead",
        )),
        (None, Some(_), Supply::Units { .. }) => Err(ctx.err(
            format!("{field}.packages"),
            "goods are identical units: give `values` instead",
        )),
        (Some(_), Some(_), _) => {
            Err(ctx.err(field, "give either `values` or `packages`, not both"))
        }
        (None, None, _) => Err(ctx.err(field, "missing `values` or `packages`")),
    }
}

/// How a scalar draw becomes a valuation, as a file may say it.
enum Shape {
    Value(ValueShape),
    SortedDraws(usize),
}

fn shape(ctx: &Ctx, field: &str, v: Option<&toml::Value>) -> Result<Shape, ScenarioError> {
    let m = match ctx.supply {
        Supply::Units { m } => m,
        Supply::Items { .. } => {
            return Err(ctx.err(
                field,
                "a scalar prior describes unit values; for items give `types` with packages",
            ));
        }
    };
    match v {
        None => Ok(Shape::Value(if m == 1 {
            ValueShape::Single
        } else {
            ValueShape::Flat { m }
        })),
        Some(toml::Value::String(s)) if s == "single" => Ok(Shape::Value(ValueShape::Single)),
        Some(toml::Value::Table(t)) if t.contains_key("marginal") => {
            let expr = t.get("marginal").and_then(|x| x.as_str()).ok_or_else(|| {
                ctx.err(format!("{field}.marginal"), "must be a formula in v and k")
            })?;
            let m = t
                .get("m")
                .and_then(|x| x.as_integer())
                .filter(|k| *k >= 1)
                .ok_or_else(|| {
                    ctx.err(
                        format!("{field}.m"),
                        "a formula shape needs the number of units m >= 1",
                    )
                })?;
            if let Some(other) = t.keys().find(|k| *k != "marginal" && *k != "m") {
                return Err(ctx.err(
                    format!("{field}.{other}"),
                    "unknown key; a formula shape has `marginal` and `m`",
                ));
            }
            let sf = crate::prior::ShapeFormula::new(expr, m as usize)
                .map_err(|e| ctx.err(format!("{field}.marginal"), e))?;
            Ok(Shape::Value(ValueShape::Formula(sf)))
        }
        Some(toml::Value::Table(t)) if t.len() == 1 => {
            let (k, val) = t.iter().next().ok_or_else(|| ctx.err(field, "empty"))?;
            match k.as_str() {
                "flat" => {
                    let k = val.as_integer().filter(|k| *k >= 1).ok_or_else(|| {
                        ctx.err(format!("{field}.flat"), "must be a whole number >= 1")
                    })?;
                    Ok(Shape::Value(ValueShape::Flat { m: k as usize }))
                }
                "sorted-draws" => {
                    let k = val.as_integer().filter(|k| *k >= 1).ok_or_else(|| {
                        ctx.err(
                            format!("{field}.sorted-draws"),
                            "must be a whole number >= 1",
                        )
                    })?;
                    Ok(Shape::SortedDraws(k as usize))
                }
                "affine" => {
                    let rows = val.as_array().ok_or_else(|| {
                        ctx.err(format!("{field}.affine"), "must be a list of [a, b] pairs")
                    })?;
                    let mut out = Vec::with_capacity(rows.len());
                    for (k, r) in rows.iter().enumerate() {
                        let f = format!("{field}.affine[{k}]");
                        let pair = r.as_array().filter(|p| p.len() == 2).ok_or_else(|| {
                            ctx.err(&f, "must be a pair [a, b]: the unit is worth a + b·v")
                        })?;
                        out.push((number(ctx, &f, &pair[0])?, number(ctx, &f, &pair[1])?));
                    }
                    if out.is_empty() {
                        return Err(ctx.err(format!("{field}.affine"), "needs at least one unit"));
                    }
                    Ok(Shape::Value(ValueShape::Affine(out)))
                }
                other => Err(ctx.err(
                    field,
                    format!("unknown shape {other:?}; use single, flat, sorted-draws or affine"),
                )),
            }
        }
        Some(_) => Err(ctx.err(
            field,
            "must be \"single\", { flat = m }, { sorted-draws = m } or { affine = [[a, b], ...] }",
        )),
    }
}

fn profile_prior(ctx: &Ctx, raw: &RawScenario) -> Result<Arc<dyn ProfilePrior>, ScenarioError> {
    if let Some(p) = &raw.profile {
        for (i, b) in raw.bidders.iter().enumerate() {
            if b.values.is_some() || b.packages.is_some() || b.prior.is_some() || b.types.is_some()
            {
                return Err(ctx.err(
                    format!("bidders[{i}]"),
                    "values come from [profile]; remove the bidder's own values, prior or types",
                ));
            }
        }
        return super::wiring::joint_profile(ctx, p, raw.bidders.len());
    }
    let mut laws: Vec<Arc<dyn TypePrior>> = Vec::with_capacity(raw.bidders.len());
    for (i, b) in raw.bidders.iter().enumerate() {
        laws.push(bidder_law(ctx, i, b)?);
    }
    Ok(Arc::new(
        crate::prior::Independent::new(laws).map_err(|e| ctx.err("bidders", e))?,
    ))
}

fn bidder_law(ctx: &Ctx, i: usize, b: &RawBidder) -> Result<Arc<dyn TypePrior>, ScenarioError> {
    let field = format!("bidders[{i}]");
    let given = [
        b.values.is_some() || b.packages.is_some(),
        b.prior.is_some(),
        b.types.is_some(),
    ];
    match given.iter().filter(|g| **g).count() {
        0 => {
            return Err(ctx.err(
                &field,
                "missing values: give `values` (or `packages`), `prior`, or `types`",
            ));
        }
        1 => {}
        _ => {
            return Err(ctx.err(
                &field,
                "give only one of `values`/`packages`, `prior` and `types`",
            ));
        }
    }
    if b.values.is_some() || b.packages.is_some() {
        if b.shape.is_some() {
            return Err(ctx.err(
                format!("{field}.shape"),
                "a shape goes with a `prior`, not with fixed values",
            ));
        }
        let v = fixed_valuation(ctx, &field, b.values.as_ref(), b.packages.as_ref())?;
        check_fits(ctx, &field, &v)?;
        return Ok(Arc::new(crate::prior::Fixed::new(v)));
    }
    if let Some(p) = &b.prior {
        let law = scalar_prior(ctx, &format!("{field}.prior"), p)?;
        let f = format!("{field}.shape");
        return Ok(match shape(ctx, &f, b.shape.as_ref())? {
            Shape::Value(sh) => {
                Arc::new(crate::prior::ScalarType::new(law, sh).map_err(|e| ctx.err(&f, e))?)
            }
            Shape::SortedDraws(m) => {
                Arc::new(crate::prior::SortedDraws::new(law, m).map_err(|e| ctx.err(&f, e))?)
            }
        });
    }
    let types = b
        .types
        .as_ref()
        .ok_or_else(|| ctx.err(&field, "missing types"))?;
    if types.is_empty() {
        return Err(ctx.err(format!("{field}.types"), "needs at least one type"));
    }
    let mut points = Vec::with_capacity(types.len());
    for (k, t) in types.iter().enumerate() {
        let f = format!("{field}.types[{k}]");
        let v = fixed_valuation(ctx, &f, t.values.as_ref(), t.packages.as_ref())?;
        check_fits(ctx, &f, &v)?;
        points.push((v, t.probability));
    }
    Ok(Arc::new(
        crate::prior::FiniteTypes::new(points).map_err(|e| ctx.err(format!("{field}.types"), e))?,
    ))
}

fn check_fits(ctx: &Ctx, field: &str, v: &Valuation) -> Result<(), ScenarioError> {
    if v.fits(&ctx.supply) {
        Ok(())
    } else {
        Err(ctx.err(
            field,
            "the values do not fit the goods (units vs items, or the number of items)",
        ))
    }
}

/// Builds a scalar prior.
pub(super) fn scalar_prior(
    ctx: &Ctx,
    field: &str,
    p: &RawPrior,
) -> Result<Arc<dyn Prior>, ScenarioError> {
    use crate::prior as pr;
    let e = |err: pr::PriorError| ctx.err(field, err);
    Ok(match p {
        RawPrior::Uniform { lo, hi } => Arc::new(pr::Uniform::new(*lo, *hi).map_err(e)?),
        RawPrior::Power { w, a } => Arc::new(pr::Power::new(*w, *a).map_err(e)?),
        RawPrior::CappedEqualRevenue { h } => Arc::new(pr::CappedEqualRevenue::new(*h).map_err(e)?),
        RawPrior::PointMass { x } => Arc::new(pr::PointMass::new(*x).map_err(e)?),
        RawPrior::Discrete {
            points,
            probabilities,
        } => {
            if points.len() != probabilities.len() {
                return Err(ctx.err(
                    field,
                    format!(
                        "{} points but {} probabilities",
                        points.len(),
                        probabilities.len()
                    ),
                ));
            }
            Arc::new(
                pr::Discrete::new(
                    points
                        .iter()
                        .copied()
                        .zip(probabilities.iter().copied())
                        .collect(),
                )
                .map_err(e)?,
            )
        }
        RawPrior::Mixture {
            components,
            weights,
        } => {
            if components.len() != weights.len() {
                return Err(ctx.err(
                    field,
                    format!(
                        "{} components but {} weights",
                        components.len(),
                        weights.len()
                    ),
                ));
            }
            let comps = components
                .iter()
                .enumerate()
                .map(|(k, c)| scalar_prior(ctx, &format!("{field}.components[{k}]"), c))
                .collect::<Result<Vec<_>, _>>()?;
            Arc::new(pr::Mixture::new(weights.iter().copied().zip(comps).collect()).map_err(e)?)
        }
        RawPrior::TruncatedNormal { mean, sd, lo, hi } => {
            Arc::new(pr::TruncatedNormal::new(*mean, *sd, *lo, *hi).map_err(e)?)
        }
        RawPrior::Tabulated { x, cdf } => {
            Arc::new(pr::Tabulated::new(x.clone(), cdf.clone()).map_err(e)?)
        }
        RawPrior::Formula { cdf, lo, hi } => {
            Arc::new(pr::FormulaCdf::new(cdf, *lo, *hi).map_err(e)?)
        }
        RawPrior::Empirical { path, column } => {
            Arc::new(pr::Empirical::from_csv_path(ctx.path(path), column).map_err(e)?)
        }
    })
}

fn strategy(ctx: &Ctx, i: usize, b: &RawBidder) -> Result<Arc<dyn Strategy>, ScenarioError> {
    let field = format!("bidders[{i}].strategy");
    let Some(v) = &b.strategy else {
        return Ok(Arc::new(Truthful));
    };
    match v {
        toml::Value::String(s) if s == "truthful" => Ok(Arc::new(Truthful)),
        toml::Value::Table(t) => {
            if t.get("kind").and_then(|k| k.as_str()) == Some("file") {
                let path = t.get("path").and_then(|p| p.as_str()).ok_or_else(|| {
                    ctx.err(format!("{field}.path"), "a strategy file needs `path`")
                })?;
                let f = StrategyFile::read(&ctx.path(path)).map_err(|e| ctx.err(&field, e))?;
                let entry = f.entry(&b.name).ok_or_else(|| {
                    ctx.err(
                        &field,
                        format!("{path} has no strategy for bidder {:?}", b.name),
                    )
                })?;
                return entry.build().map_err(|e| ctx.err(&field, e));
            }
            let mut t = t.clone();
            t.insert("bidder".into(), toml::Value::String(b.name.clone()));
            let entry: StrategyEntry = toml::Value::Table(t)
                .try_into()
                .map_err(|e: toml::de::Error| ctx.err(&field, e.message()))?;
            entry.build().map_err(|e| ctx.err(&field, e))
        }
        _ => Err(ctx.err(
            &field,
            "must be \"truthful\" or a table with kind = fixed, linear, formula, table or file",
        )),
    }
}

/// The bid shape a format takes.
pub(super) fn bid_form_for(kind: &str, supply: Supply) -> BidForm {
    match (kind, supply) {
        ("vickrey-separate", Supply::Units { m }) => BidForm::PerItem { n: m },
        ("bundle-second-price", Supply::Units { m }) => BidForm::Bundle { m },
        ("vcg", Supply::Items { n }) => BidForm::Packages { n },
        (_, Supply::Items { n }) => BidForm::PerItem { n },
        (_, Supply::Units { m: 1 }) => BidForm::Single,
        (_, Supply::Units { m }) => BidForm::Marginal { m },
    }
}
