//! Formulas written by users: bid functions b(v), value functions v^n(s).
//!
//! Parsed once by `evalexpr` into an operator tree, checked to use only the
//! variables the context offers, then evaluated many times without
//! allocation. Builtins such as `min`, `max`, `math::sqrt`, `math::ln` and
//! `math::exp` are available.
//!
//! ```
//! use aftermarket::formula::Formula;
//! let f = Formula::parse("v * (n - 1) / n", &["v", "n"])?;
//! assert!((f.eval(&[0.9, 3.0])? - 0.6).abs() < 1e-12);
//! # Ok::<(), aftermarket::formula::FormulaError>(())
//! ```

use evalexpr::{
    Context, DefaultNumericTypes, EvalexprError, EvalexprResult, Node, Value,
    error::EvalexprResultValue,
};
use thiserror::Error;

/// Errors raised by formulas.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum FormulaError {
    /// The text does not parse.
    #[error("formula `{expr}` does not parse: {reason}")]
    Parse {
        /// The formula.
        expr: String,
        /// The parser's message.
        reason: String,
    },
    /// The formula uses a variable that is not available.
    #[error("formula `{expr}` uses unknown variable `{var}`; available: {available}")]
    UnknownVariable {
        /// The formula.
        expr: String,
        /// The unknown name.
        var: String,
        /// The names that may be used.
        available: String,
    },
    /// Evaluation failed or gave no finite number.
    #[error("formula `{expr}` at {at}: {reason}")]
    Eval {
        /// The formula.
        expr: String,
        /// The variable values.
        at: String,
        /// What went wrong.
        reason: String,
    },
}

/// A parsed formula over named real variables.
#[derive(Debug, Clone)]
pub struct Formula {
    expr: String,
    vars: Vec<String>,
    tree: Node<DefaultNumericTypes>,
}

struct Vars<'a> {
    names: &'a [String],
    values: Vec<Value<DefaultNumericTypes>>,
}

impl Context for Vars<'_> {
    type NumericTypes = DefaultNumericTypes;
    fn get_value(&self, identifier: &str) -> Option<&Value<DefaultNumericTypes>> {
        self.names
            .iter()
            .position(|n| n == identifier)
            .and_then(|i| self.values.get(i))
    }
    fn call_function(
        &self,
        identifier: &str,
        _argument: &Value<DefaultNumericTypes>,
    ) -> EvalexprResultValue<DefaultNumericTypes> {
        Err(EvalexprError::FunctionIdentifierNotFound(
            identifier.to_string(),
        ))
    }
    fn are_builtin_functions_disabled(&self) -> bool {
        false
    }
    fn set_builtin_functions_disabled(
        &mut self,
        _disabled: bool,
    ) -> EvalexprResult<(), DefaultNumericTypes> {
        Ok(())
    }
}

impl Formula {
    /// Parses `expr`, allowing the variables `vars`.
    ///
    /// # Errors
    /// Text that does not parse, or an unknown variable.
    pub fn parse(expr: &str, vars: &[&str]) -> Result<Self, FormulaError> {
        let tree = evalexpr::build_operator_tree::<DefaultNumericTypes>(expr).map_err(|e| {
            FormulaError::Parse {
                expr: expr.to_string(),
                reason: e.to_string(),
            }
        })?;
        for var in tree.iter_read_variable_identifiers() {
            if !vars.contains(&var) {
                return Err(FormulaError::UnknownVariable {
                    expr: expr.to_string(),
                    var: var.to_string(),
                    available: vars.join(", "),
                });
            }
        }
        Ok(Formula {
            expr: expr.to_string(),
            vars: vars.iter().map(|s| s.to_string()).collect(),
            tree,
        })
    }

    /// The source text.
    pub fn text(&self) -> &str {
        &self.expr
    }

    /// Evaluates with the variables, in the order given to `parse`.
    ///
    /// # Errors
    /// An evaluation error or a non-finite result.
    pub fn eval(&self, values: &[f64]) -> Result<f64, FormulaError> {
        let ctx = Vars {
            names: &self.vars,
            values: values.iter().map(|&x| Value::Float(x)).collect(),
        };
        let fail = |reason: String| FormulaError::Eval {
            expr: self.expr.clone(),
            at: self
                .vars
                .iter()
                .zip(values)
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join(", "),
            reason,
        };
        let x = self
            .tree
            .eval_number_with_context(&ctx)
            .map_err(|e| fail(e.to_string()))?;
        if !x.is_finite() {
            return Err(fail(format!("result {x} is not finite")));
        }
        Ok(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_variable_is_named() {
        let err = Formula::parse("v + w", &["v"]).expect_err("w unknown");
        assert_eq!(
            err.to_string(),
            "formula `v + w` uses unknown variable `w`; available: v"
        );
    }

    #[test]
    fn builtins_work() {
        let f = Formula::parse("math::sqrt(v) + max(v, 2)", &["v"]).expect("parses");
        assert!((f.eval(&[4.0]).expect("ok") - 6.0).abs() < 1e-12);
    }

    #[test]
    fn division_by_zero_is_an_error() {
        let f = Formula::parse("1 / v", &["v"]).expect("parses");
        assert!(f.eval(&[0.0]).is_err());
    }

    #[test]
    fn integer_literals_are_numbers() {
        let f = Formula::parse("v^2 / (2 * (1 + v))", &["v"]).expect("parses");
        assert!((f.eval(&[1.0]).expect("ok") - 0.25).abs() < 1e-12);
    }
}
