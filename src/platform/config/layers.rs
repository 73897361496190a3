//! The config's files: the packaged `kiosk.toml`, then the drop-ins of `kiosk.toml.d/`
//! (`*.toml`, in name order), merged key by key so that a later file wins.
//!
//! Provisioning and technicians write drop-ins and never edit the packaged file, so dpkg
//! never asks about it on an upgrade. Every key remembers the file and line it came from:
//! an error in the merged config still names the drop-in a technician must open.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ConfigError;

/// One file of the config and its text.
#[derive(Debug, Clone)]
pub struct Layer {
    pub path: PathBuf,
    pub text: String,
}

/// The files merged into one TOML table, and where each key was set.
#[derive(Debug)]
pub struct Merged {
    pub table: toml::Table,
    pub layers: Vec<Layer>,
    /// Dotted key path -> (layer, byte offset of the key in that layer's text).
    origins: HashMap<String, (usize, usize)>,
}

/// The drop-in directory of a config file: `kiosk.toml` -> `kiosk.toml.d`.
pub fn drop_in_dir(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".d");
    path.with_file_name(name)
}

impl Layer {
    /// A config file and its drop-ins, in the order they apply.
    pub fn read_all(path: &Path) -> Result<Vec<Layer>, ConfigError> {
        read(path)
    }
}

/// Reads a config file and its drop-ins. A missing drop-in directory is normal.
pub fn read(path: &Path) -> Result<Vec<Layer>, ConfigError> {
    let mut layers = vec![read_one(path)?];
    let dir = drop_in_dir(path);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(layers),
        Err(e) => {
            return Err(ConfigError::Unreadable {
                path: dir,
                source: e,
            })
        }
    };
    let mut names: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        // Editors' backups and dpkg's leftovers (`.dpkg-old`) are not read: only *.toml.
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    names.sort();
    for p in names {
        layers.push(read_one(&p)?);
    }
    Ok(layers)
}

fn read_one(path: &Path) -> Result<Layer, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ConfigError::NotFound {
            path: path.to_owned(),
        },
        _ => ConfigError::Unreadable {
            path: path.to_owned(),
            source: e,
        },
    })?;
    Ok(Layer {
        path: path.to_owned(),
        text,
    })
}

/// Parses every layer and merges them: tables merge key by key, any other value (arrays
/// included) is replaced by the later file's.
pub fn merge(layers: Vec<Layer>) -> Result<Merged, ConfigError> {
    let mut table = toml::Table::new();
    let mut origins = HashMap::new();
    for (i, layer) in layers.iter().enumerate() {
        let doc = toml_edit::ImDocument::parse(layer.text.as_str()).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_col(&layer.text, s.start))
                .unwrap_or((1, 1));
            ConfigError::Invalid {
                path: layer.path.clone(),
                line,
                column,
                key: "(syntax)".into(),
                message: e.message().trim().to_string(),
            }
        })?;
        record_origins(doc.as_table(), "", i, &mut origins);
        let parsed: toml::Table =
            toml::from_str(&layer.text).map_err(|e| ConfigError::Invalid {
                path: layer.path.clone(),
                line: 1,
                column: 1,
                key: "(syntax)".into(),
                message: e.message().to_string(),
            })?;
        merge_into(&mut table, parsed);
    }
    Ok(Merged {
        table,
        layers,
        origins,
    })
}

fn merge_into(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge_into(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn record_origins(
    table: &dyn toml_edit::TableLike,
    prefix: &str,
    layer: usize,
    out: &mut HashMap<String, (usize, usize)>,
) {
    for (key, item) in table.iter() {
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        let offset = table
            .get_key_value(key)
            .and_then(|(k, _)| k.span())
            .or_else(|| item.span())
            .map(|s| s.start);
        if let Some(offset) = offset {
            out.insert(path.clone(), (layer, offset));
        } else {
            // A table made implicit by a dotted header (`[devices.printer]` makes
            // `devices`) has no span of its own; its keys do.
            out.entry(path.clone()).or_insert((layer, usize::MAX));
        }
        if let Some(t) = item.as_table_like() {
            record_origins(t, &path, layer, out);
        }
    }
}

impl Merged {
    /// The file, line and column where `key` (dotted) was last set; for a key that was
    /// never set (a missing one), where its nearest table was; else the first file.
    pub fn locate(&self, key: &str) -> (PathBuf, usize, usize) {
        let mut k = key;
        loop {
            if let Some(&(layer, offset)) = self.origins.get(k) {
                if offset != usize::MAX {
                    let l = &self.layers[layer];
                    let (line, col) = line_col(&l.text, offset);
                    return (l.path.clone(), line, col);
                }
            }
            match k.rsplit_once('.') {
                Some((parent, _)) => k = parent,
                None => break,
            }
        }
        (self.layers[0].path.clone(), 1, 1)
    }

    /// Whether a dotted key is set in any file.
    pub fn has(&self, key: &str) -> bool {
        let mut t = &self.table;
        let mut parts = key.split('.').peekable();
        while let Some(p) = parts.next() {
            match (t.get(p), parts.peek()) {
                (Some(_), None) => return true,
                (Some(toml::Value::Table(inner)), Some(_)) => t = inner,
                _ => return false,
            }
        }
        false
    }
}

pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
