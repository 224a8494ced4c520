//! Signal structures: what an agent can learn about its rival's value.

use std::fmt::Debug;

use super::InformationError;

/// A signal structure \\(\psi : \theta_{-i} \to \Delta(S)\\) with finitely
/// many signals \\(S = \{0, \dots, |S| - 1\}\\): the probability of each
/// signal given the rival's value. Signals are about the rival only, never
/// about oneself (paper 003, Section 2.2).
pub trait SignalStructure: Debug + Send + Sync {
    /// A short name, e.g. `partition[0]`.
    fn name(&self) -> String;
    /// Number of signals \\(|S|\\).
    fn n_signals(&self) -> usize;
    /// \\(\psi(s \mid \theta_{-i})\\); sums to 1 over the signals.
    fn likelihood(&self, signal: usize, rival_value: f64) -> f64;
}

/// The null structure: one signal, whatever the rival's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NullSignal;

impl SignalStructure for NullSignal {
    fn name(&self) -> String {
        "null".into()
    }
    fn n_signals(&self) -> usize {
        1
    }
    fn likelihood(&self, _signal: usize, _rival_value: f64) -> f64 {
        1.0
    }
}

/// A deterministic signal: which cell of a partition of the value line the
/// rival's value lies in. With cuts \\(c_1 < \dots < c_k\\) signal 0 means
/// \\(v \le c_1\\), signal \\(j\\) means \\(c_j < v \le c_{j+1}\\), signal
/// \\(k\\) means \\(v > c_k\\).
///
/// ```
/// use aftermarket::information::{Partition, SignalStructure};
/// let z = Partition::zero_indicator();
/// assert_eq!(z.likelihood(0, 0.0), 1.0); // "the rival's value is 0"
/// assert_eq!(z.likelihood(1, 0.3), 1.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    cuts: Vec<f64>,
}

impl Partition {
    /// A partition at `cuts`.
    ///
    /// # Errors
    /// No cut, a cut that is not finite, or cuts not strictly increasing.
    pub fn new(cuts: Vec<f64>) -> Result<Self, InformationError> {
        if cuts.is_empty() {
            return Err(InformationError::Invalid(
                "partition cuts: need at least one cut (the null structure has none)".into(),
            ));
        }
        if let Some(c) = cuts.iter().find(|c| !c.is_finite()) {
            return Err(InformationError::InvalidParameter {
                param: "partition cuts",
                rule: "must be finite",
                value: *c,
            });
        }
        if let Some(w) = cuts.windows(2).find(|w| w[1] <= w[0]) {
            return Err(InformationError::InvalidParameter {
                param: "partition cuts",
                rule: "must be strictly increasing",
                value: w[1],
            });
        }
        Ok(Partition { cuts })
    }

    /// The indicator \\(1\{v_{-i} > 0\}\\) for non-negative values: signal 0
    /// says the rival's value is 0, signal 1 that it is positive (paper
    /// 003, Example 1).
    pub fn zero_indicator() -> Self {
        Partition { cuts: vec![0.0] }
    }

    /// The cell holding `v`.
    pub fn cell(&self, v: f64) -> usize {
        self.cuts.iter().filter(|c| **c < v).count()
    }
}

impl SignalStructure for Partition {
    fn name(&self) -> String {
        let cuts: Vec<String> = self.cuts.iter().map(|c| format!("{c}")).collect();
        format!("partition[{}]", cuts.join(","))
    }
    fn n_signals(&self) -> usize {
        self.cuts.len() + 1
    }
    fn likelihood(&self, signal: usize, rival_value: f64) -> f64 {
        if self.cell(rival_value) == signal {
            1.0
        } else {
            0.0
        }
    }
}

/// A noisy partition: the true cell with probability `accuracy`, otherwise
/// one of the other cells chosen uniformly.
///
/// ```
/// use aftermarket::information::{Garbled, Partition, SignalStructure};
/// let g = Garbled::new(Partition::zero_indicator(), 0.8)?;
/// assert!((g.likelihood(0, 0.0) - 0.8).abs() < 1e-15);
/// assert!((g.likelihood(1, 0.0) - 0.2).abs() < 1e-15);
/// # Ok::<(), aftermarket::information::InformationError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Garbled {
    partition: Partition,
    accuracy: f64,
}

impl Garbled {
    /// `partition` reported truthfully with probability `accuracy`.
    ///
    /// # Errors
    /// An accuracy outside \[0, 1\].
    pub fn new(partition: Partition, accuracy: f64) -> Result<Self, InformationError> {
        if !accuracy.is_finite() || !(0.0..=1.0).contains(&accuracy) {
            return Err(InformationError::InvalidParameter {
                param: "accuracy",
                rule: "must be a probability in [0, 1]",
                value: accuracy,
            });
        }
        Ok(Garbled {
            partition,
            accuracy,
        })
    }
}

impl SignalStructure for Garbled {
    fn name(&self) -> String {
        format!("garbled({}, {})", self.partition.name(), self.accuracy)
    }
    fn n_signals(&self) -> usize {
        self.partition.n_signals()
    }
    fn likelihood(&self, signal: usize, rival_value: f64) -> f64 {
        let k = self.n_signals();
        if signal >= k {
            0.0
        } else if self.partition.cell(rival_value) == signal {
            self.accuracy
        } else {
            (1.0 - self.accuracy) / (k - 1) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_must_increase() {
        let err = Partition::new(vec![0.5, 0.5]).expect_err("flat");
        assert_eq!(
            err.to_string(),
            "partition cuts must be strictly increasing, got 0.5"
        );
    }

    #[test]
    fn accuracy_is_a_probability() {
        let err = Garbled::new(Partition::zero_indicator(), 1.5).expect_err("1.5");
        assert_eq!(
            err.to_string(),
            "accuracy must be a probability in [0, 1], got 1.5"
        );
    }

    #[test]
    fn likelihoods_sum_to_one() {
        let p = Partition::new(vec![0.2, 0.5, 0.9]).expect("valid");
        let g = Garbled::new(p.clone(), 0.7).expect("valid");
        for v in [-1.0, 0.2, 0.3, 0.5, 0.95] {
            for s in [&p as &dyn SignalStructure, &g, &NullSignal] {
                let total: f64 = (0..s.n_signals()).map(|k| s.likelihood(k, v)).sum();
                assert!((total - 1.0).abs() < 1e-12, "{} at {v}", s.name());
            }
        }
        assert_eq!(p.cell(0.2), 0);
        assert_eq!(p.cell(0.21), 1);
        assert_eq!(p.cell(2.0), 3);
    }
}
