//! The empirical law of observed values.

use std::io::Read;
use std::path::Path;

use rand::Rng;

use super::{Discrete, Prior, PriorError};

/// The empirical law of `n` observations: mass `1/n` on each (repeats add
/// up). Read it from a CSV file of bids or values, one observation per row
/// in a named column.
///
/// # Errors
/// The constructors reject an empty sample, non-finite values, a missing
/// column and cells that are not numbers (naming the file, line and
/// column).
///
/// ```
/// use aftermarket::prior::{Empirical, Prior};
/// let csv = "bidder,value\n1,3.0\n2,1.0\n3,2.0\n";
/// let e = Empirical::from_csv_reader(csv.as_bytes(), "value")?;
/// assert_eq!(e.n_observations(), 3);
/// assert!((e.mean() - 2.0).abs() < 1e-12);
/// # Ok::<(), aftermarket::prior::PriorError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Empirical {
    n: usize,
    law: Discrete,
}

impl Empirical {
    /// The empirical law of `values`.
    ///
    /// # Errors
    /// If `values` is empty or holds a non-finite number.
    pub fn new(values: &[f64]) -> Result<Self, PriorError> {
        if let Some(bad) = values.iter().position(|v| !v.is_finite()) {
            return Err(PriorError::Invalid(format!(
                "observation {} must be finite, got {}",
                bad + 1,
                values[bad]
            )));
        }
        Ok(Empirical {
            n: values.len(),
            law: Discrete::uniform_on(values)?,
        })
    }

    /// Reads the numbers in `column` of a CSV with a header row.
    ///
    /// # Errors
    /// If the CSV cannot be read, the column is missing, a cell is not a
    /// finite number, or there are no rows.
    pub fn from_csv_reader<R: Read>(reader: R, column: &str) -> Result<Self, PriorError> {
        Self::read(reader, column, "csv input")
    }

    /// Reads the numbers in `column` of the CSV file at `path`.
    ///
    /// # Errors
    /// As [`Empirical::from_csv_reader`], and if the file cannot be opened.
    pub fn from_csv_path(path: impl AsRef<Path>, column: &str) -> Result<Self, PriorError> {
        let path = path.as_ref();
        let file = std::fs::File::open(path)
            .map_err(|e| PriorError::Invalid(format!("{}: cannot open: {e}", path.display())))?;
        Self::read(file, column, &path.display().to_string())
    }

    fn read<R: Read>(reader: R, column: &str, source: &str) -> Result<Self, PriorError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let headers = rdr
            .headers()
            .map_err(|e| PriorError::Invalid(format!("{source}: cannot read the header: {e}")))?
            .clone();
        let idx = headers.iter().position(|h| h == column).ok_or_else(|| {
            PriorError::Invalid(format!("{source}: no column \"{column}\" in the header"))
        })?;
        let mut values = Vec::new();
        for record in rdr.records() {
            let record =
                record.map_err(|e| PriorError::Invalid(format!("{source}: cannot read: {e}")))?;
            let line = record.position().map_or(0, |p| p.line());
            let cell = record.get(idx).unwrap_or("");
            let value: f64 = cell.parse().map_err(|_| {
                PriorError::Invalid(format!(
                    "{source}: line {line}, column \"{column}\": \"{cell}\" is not a number"
                ))
            })?;
            if !value.is_finite() {
                return Err(PriorError::Invalid(format!(
                    "{source}: line {line}, column \"{column}\": value must be finite, got {value}"
                )));
            }
            values.push(value);
        }
        if values.is_empty() {
            return Err(PriorError::Invalid(format!(
                "{source}: column \"{column}\" has no observations"
            )));
        }
        Self::new(&values)
    }

    /// Number of observations.
    pub fn n_observations(&self) -> usize {
        self.n
    }

    /// The law as a [`Discrete`].
    pub fn as_discrete(&self) -> &Discrete {
        &self.law
    }
}

impl Prior for Empirical {
    fn name(&self) -> String {
        format!("empirical(n={})", self.n)
    }
    fn support(&self) -> (f64, f64) {
        self.law.support()
    }
    fn cdf(&self, x: f64) -> f64 {
        self.law.cdf(x)
    }
    fn cdf_left(&self, x: f64) -> f64 {
        self.law.cdf_left(x)
    }
    fn pdf(&self, _x: f64) -> f64 {
        0.0
    }
    fn mass(&self, x: f64) -> f64 {
        self.law.mass(x)
    }
    fn atoms(&self) -> Vec<(f64, f64)> {
        self.law.atoms()
    }
    fn quantile(&self, q: f64) -> f64 {
        self.law.quantile(q)
    }
    fn sample(&self, rng: &mut dyn Rng) -> f64 {
        self.law.sample(rng)
    }
    fn mean(&self) -> f64 {
        self.law.mean()
    }
    fn expect(&self, g: &dyn Fn(f64) -> f64) -> f64 {
        self.law.expect(g)
    }
    fn is_discrete(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_cell_is_named_by_line_and_column() {
        let csv = "id,bid\n1,2.5\n2,abc\n";
        let err = Empirical::from_csv_reader(csv.as_bytes(), "bid").expect_err("abc");
        assert_eq!(
            err.to_string(),
            "csv input: line 3, column \"bid\": \"abc\" is not a number"
        );
    }

    #[test]
    fn missing_column_is_named() {
        let err = Empirical::from_csv_reader("a,b\n1,2\n".as_bytes(), "value").expect_err("none");
        assert_eq!(
            err.to_string(),
            "csv input: no column \"value\" in the header"
        );
    }

    #[test]
    fn missing_file_is_named() {
        let err = Empirical::from_csv_path("/nonexistent/bids.csv", "bid").expect_err("no file");
        assert!(
            err.to_string()
                .starts_with("/nonexistent/bids.csv: cannot open")
        );
    }

    #[test]
    fn repeats_add_up() {
        let e = Empirical::new(&[1.0, 2.0, 2.0, 5.0]).expect("valid");
        assert!((e.mass(2.0) - 0.5).abs() < 1e-15);
        assert!((e.cdf(2.0) - 0.75).abs() < 1e-15);
        assert!((e.mean() - 2.5).abs() < 1e-12);
    }

    #[test]
    fn empty_sample_is_rejected() {
        let err = Empirical::from_csv_reader("bid\n".as_bytes(), "bid").expect_err("empty");
        assert_eq!(
            err.to_string(),
            "csv input: column \"bid\" has no observations"
        );
    }
}
