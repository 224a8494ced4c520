//! Sweep results in a CSV file, one row per point, appended as points
//! finish.
//!
//! Columns: `point`, `seed`, one per axis (the field), one per target
//! column, `status` (`ok` or `failed`) and `error` (the message of a
//! failed point). Numbers are written in shortest round-trip form, so a
//! value read back is the value computed. When every point is recorded
//! the file is rewritten in point order (through a temporary file and a
//! rename), so a finished sweep gives the same bytes however it was run.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Finished, SweepError, SweepRow, SweepSink};

/// The header of a sweep's CSV file.
pub fn csv_header(fields: &[String], columns: &[String]) -> Vec<String> {
    let mut h = vec!["point".to_string(), "seed".to_string()];
    h.extend(fields.iter().cloned());
    h.extend(columns.iter().cloned());
    h.push("status".into());
    h.push("error".into());
    h
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> SweepError {
    SweepError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn encode(record: &[String]) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(record).map_err(|e| e.to_string())?;
    w.into_inner().map_err(|e| e.to_string())
}

fn row_record(row: &SweepRow, n_columns: usize) -> Vec<String> {
    let mut r = vec![row.point.to_string(), row.seed.to_string()];
    r.extend(row.params.iter().map(|x| x.to_string()));
    match &row.values {
        Ok(v) => {
            r.extend((0..n_columns).map(|k| v.get(k).map_or_else(String::new, |x| x.to_string())));
            r.push("ok".into());
            r.push(String::new());
        }
        Err(e) => {
            r.extend((0..n_columns).map(|_| String::new()));
            r.push("failed".into());
            r.push(e.replace(['\n', '\r'], " "));
        }
    }
    r
}

/// The rows of a sweep file, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTable {
    /// The swept fields.
    pub fields: Vec<String>,
    /// The target's columns.
    pub columns: Vec<String>,
    /// The rows, in file order.
    pub rows: Vec<SweepRow>,
}

impl SweepTable {
    /// Reads a sweep file whose first `n_axes` columns after `point` and
    /// `seed` are the axes. A last line without its newline (a write cut
    /// short) is ignored.
    ///
    /// # Errors
    /// The file cannot be read or is not a sweep file.
    pub fn read_csv(path: &Path, n_axes: usize) -> Result<Self, SweepError> {
        let text = std::fs::read_to_string(path).map_err(|e| io_err(path, e))?;
        let complete = match text.rfind('\n') {
            Some(k) => &text[..=k],
            None => "",
        };
        parse_table(path, complete, n_axes)
    }

    /// The position of column `name` among [`SweepTable::columns`].
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

fn parse_table(path: &Path, text: &str, n_axes: usize) -> Result<SweepTable, SweepError> {
    let bad = |reason: String| SweepError::Resume {
        path: path.display().to_string(),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(h) => h
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(String::from)
            .collect(),
        None => return Err(bad("the file has no header".into())),
    };
    let width = header.len();
    if width < n_axes + 4
        || header[0] != "point"
        || header[1] != "seed"
        || header[width - 2] != "status"
        || header[width - 1] != "error"
    {
        return Err(bad(format!(
            "not a sweep file with {n_axes} axis/axes (header `{}`)",
            header.join(",")
        )));
    }
    let fields = header[2..2 + n_axes].to_vec();
    let columns = header[2 + n_axes..width - 2].to_vec();
    let mut rows = Vec::new();
    for (k, rec) in records.enumerate() {
        let line = k + 2;
        let rec = rec.map_err(|e| bad(format!("line {line}: {e}")))?;
        if rec.len() != width {
            return Err(bad(format!(
                "line {line}: {} fields, the header has {width}",
                rec.len()
            )));
        }
        let num = |s: &str, what: &str| -> Result<f64, SweepError> {
            s.parse::<f64>()
                .map_err(|_| bad(format!("line {line}: {what} `{s}` is not a number")))
        };
        let point = rec[0]
            .parse::<usize>()
            .map_err(|_| bad(format!("line {line}: point `{}` is not an index", &rec[0])))?;
        let seed = rec[1]
            .parse::<u64>()
            .map_err(|_| bad(format!("line {line}: seed `{}` is not a seed", &rec[1])))?;
        let params = (0..n_axes)
            .map(|a| num(&rec[2 + a], &fields[a]))
            .collect::<Result<Vec<_>, _>>()?;
        let values = match &rec[width - 2] {
            "ok" => Ok((0..columns.len())
                .map(|c| num(&rec[2 + n_axes + c], &columns[c]))
                .collect::<Result<Vec<_>, _>>()?),
            "failed" => Err(rec[width - 1].to_string()),
            s => return Err(bad(format!("line {line}: unknown status `{s}`"))),
        };
        rows.push(SweepRow {
            point,
            seed,
            params,
            values,
        });
    }
    Ok(SweepTable {
        fields,
        columns,
        rows,
    })
}

/// Appends each finished row to a CSV file and flushes it.
#[derive(Debug)]
pub struct CsvSink {
    path: PathBuf,
    file: File,
    fields: Vec<String>,
    columns: Vec<String>,
    finished: Vec<Finished>,
}

impl CsvSink {
    /// Starts a new file (replacing any file at `path`) and writes the
    /// header.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn create(path: &Path, fields: &[String], columns: &[String]) -> Result<Self, SweepError> {
        let mut file = File::create(path).map_err(|e| io_err(path, e))?;
        let header = encode(&csv_header(fields, columns)).map_err(|e| io_err(path, e))?;
        file.write_all(&header).map_err(|e| io_err(path, e))?;
        file.flush().map_err(|e| io_err(path, e))?;
        Ok(CsvSink {
            path: path.to_path_buf(),
            file,
            fields: fields.to_vec(),
            columns: columns.to_vec(),
            finished: Vec::new(),
        })
    }

    /// Continues the file at `path` (or starts it if there is none): its
    /// header must be this sweep's, its rows are skipped by the runner,
    /// and a last line cut short by an interruption is dropped.
    ///
    /// # Errors
    /// The file cannot be read or written, or belongs to another sweep.
    pub fn resume(path: &Path, fields: &[String], columns: &[String]) -> Result<Self, SweepError> {
        if !path.exists() {
            return Self::create(path, fields, columns);
        }
        let text = std::fs::read_to_string(path).map_err(|e| io_err(path, e))?;
        let keep = text.rfind('\n').map_or(0, |k| k + 1);
        if keep == 0 {
            // Not even a whole header: start again.
            return Self::create(path, fields, columns);
        }
        let table = parse_table(path, &text[..keep], fields.len())?;
        let expected = csv_header(fields, columns);
        let found = csv_header(&table.fields, &table.columns);
        if found != expected {
            return Err(SweepError::Resume {
                path: path.display().to_string(),
                reason: format!(
                    "its header is `{}` but this sweep writes `{}`",
                    found.join(","),
                    expected.join(",")
                ),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for r in &table.rows {
            if !seen.insert(r.point) {
                return Err(SweepError::Resume {
                    path: path.display().to_string(),
                    reason: format!("point {} is recorded twice", r.point),
                });
            }
        }
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| io_err(path, e))?;
        file.set_len(keep as u64).map_err(|e| io_err(path, e))?;
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| io_err(path, e))?;
        Ok(CsvSink {
            path: path.to_path_buf(),
            file,
            fields: fields.to_vec(),
            columns: columns.to_vec(),
            finished: table
                .rows
                .into_iter()
                .map(|r| Finished {
                    point: r.point,
                    seed: r.seed,
                    params: r.params,
                })
                .collect(),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl SweepSink for CsvSink {
    fn finished(&self) -> Vec<Finished> {
        self.finished.clone()
    }

    fn write(&mut self, row: &SweepRow) -> Result<(), SweepError> {
        let bytes =
            encode(&row_record(row, self.columns.len())).map_err(|e| io_err(&self.path, e))?;
        self.file
            .write_all(&bytes)
            .and_then(|()| self.file.flush())
            .map_err(|e| io_err(&self.path, e))
    }

    fn complete(&mut self) -> Result<(), SweepError> {
        let mut table = SweepTable::read_csv(&self.path, self.fields.len())?;
        table.rows.sort_by_key(|r| r.point);
        let mut out =
            encode(&csv_header(&self.fields, &self.columns)).map_err(|e| io_err(&self.path, e))?;
        for r in &table.rows {
            out.extend(
                encode(&row_record(r, self.columns.len())).map_err(|e| io_err(&self.path, e))?,
            );
        }
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".sorting");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, &out).map_err(|e| io_err(&tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| io_err(&self.path, e))?;
        self.file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| io_err(&self.path, e))?;
        Ok(())
    }
}
