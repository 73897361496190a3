//! Service guides (办事指南) from the catalog: typed views of items and bundles, and search
//! by name or by pinyin initials ("qysl" finds 企业设立登记).
//!
//! The catalog's JSON is read leniently: unknown fields are ignored and a malformed item is
//! skipped with a log line, so one bad entry never hides the others.

use pinyin::ToPinyinMulti;
use serde::Deserialize;

pub use super::catalog_text::{traditional, Text, Translations};

#[derive(Debug, Clone, Deserialize)]
pub struct GuideItem {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub steps: Vec<String>,
    #[serde(default)]
    pub legal_days: Option<u32>,
    #[serde(default)]
    pub promised_days: Option<u32>,
    #[serde(default)]
    pub fee: String,
    /// The fees the kiosk can take (缴费); empty when free or paid at a window.
    #[serde(default)]
    pub fee_items: Vec<super::payment::Fee>,
    #[serde(default)]
    pub trips: Option<u32>,
    #[serde(default)]
    pub online: bool,
    #[serde(default)]
    pub self_service: bool,
    /// The form schema, read by the submission flow; kept raw here.
    #[serde(default)]
    pub form: Option<serde_json::Value>,
    /// `name_en`, `steps_en`, `name_bo`...
    #[serde(flatten)]
    pub tr: Translations,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Material {
    pub name: String,
    #[serde(default)]
    pub original: u32,
    #[serde(default)]
    pub copies: u32,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub waivable: bool,
    /// Why the material need not be brought (shared electronically, 免提交).
    #[serde(default)]
    pub shared: Option<String>,
    /// What the commitment allows (容缺受理 / 告知承诺).
    #[serde(default)]
    pub commitment: Option<String>,
    #[serde(flatten)]
    pub tr: Translations,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct Bundle {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(default)]
    pub shared_materials: Vec<String>,
    #[serde(default)]
    pub promised_days: Option<u32>,
    #[serde(flatten)]
    pub tr: Translations,
}

/// A queue category (综合窗口 group) of the catalog.
#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub windows: Vec<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(flatten)]
    pub tr: Translations,
}

impl GuideItem {
    pub fn name_text(&self) -> Text {
        self.tr.text("name", &self.name)
    }
}

impl Material {
    pub fn name_text(&self) -> Text {
        self.tr.text("name", &self.name)
    }
}

impl Bundle {
    pub fn name_text(&self) -> Text {
        self.tr.text("name", &self.name)
    }
}

impl Category {
    pub fn name_text(&self) -> Text {
        self.tr.text("name", &self.name)
    }
}

/// The hall the catalog is of.
#[derive(Debug, Clone, Deserialize)]
pub struct Hall {
    pub name: String,
    #[serde(flatten)]
    pub tr: Translations,
}

impl Hall {
    pub fn name_text(&self) -> Text {
        self.tr.text("name", &self.name)
    }
}

/// The guides of a catalog, with a search index.
#[derive(Debug, Clone, Default)]
pub struct Guides {
    pub hall: Option<Hall>,
    pub categories: Vec<Category>,
    pub items: Vec<GuideItem>,
    pub bundles: Vec<Bundle>,
    initials: Vec<Vec<Vec<char>>>,
}

impl Guides {
    /// Reads `items` and `bundles` of a catalog document.
    pub fn from_catalog(catalog: &serde_json::Value) -> Guides {
        let items: Vec<GuideItem> = list(catalog, "items");
        let bundles: Vec<Bundle> = list(catalog, "bundles");
        let initials = items.iter().map(|i| initials_of(&i.name)).collect();
        Guides {
            hall: catalog.get("hall").and_then(|h| Hall::deserialize(h).ok()),
            categories: list(catalog, "categories"),
            items,
            bundles,
            initials,
        }
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    pub fn bundle(&self, code: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.code == code)
    }

    pub fn item(&self, code: &str) -> Option<&GuideItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// The item the hall names `name` (a case's matter comes by name, not code).
    pub fn item_named(&self, name: &str) -> Option<&GuideItem> {
        self.items.iter().find(|i| i.name == name)
    }

    /// Items of a category ("" for all).
    pub fn in_category<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a GuideItem> {
        self.items
            .iter()
            .filter(move |i| category.is_empty() || i.category == category)
    }

    /// Items whose name contains `query`, or whose pinyin initials contain it (latin letters,
    /// any case). Name matches come first.
    pub fn search(&self, query: &str) -> Vec<&GuideItem> {
        let q = query.trim();
        if q.is_empty() {
            return self.items.iter().collect();
        }
        let letters: Vec<char> = q.to_lowercase().chars().collect();
        let latin = letters.iter().all(|c| c.is_ascii_alphabetic());
        let mut by_name = Vec::new();
        let mut by_initials = Vec::new();
        for (item, initials) in self.items.iter().zip(&self.initials) {
            let english = item
                .name_text()
                .en
                .to_lowercase()
                .contains(&q.to_lowercase());
            if item.name.contains(q) || english {
                by_name.push(item);
            } else if latin && contains_initials(initials, &letters) {
                by_initials.push(item);
            }
        }
        by_name.extend(by_initials);
        by_name
    }
}

fn list<T: for<'de> Deserialize<'de>>(catalog: &serde_json::Value, key: &str) -> Vec<T> {
    let Some(entries) = catalog.get(key).and_then(|v| v.as_array()) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| match T::deserialize(e) {
            Ok(v) => Some(v),
            Err(err) => {
                tracing::warn!("catalog: skipping a malformed entry of {key}: {err}");
                None
            }
        })
        .collect()
}

/// Possible first letters of each character's readings (heteronyms such as 行 xing/hang
/// give several); characters without pinyin (digits, latin) stand for themselves.
fn initials_of(name: &str) -> Vec<Vec<char>> {
    name.to_pinyin_multi()
        .zip(name.chars())
        .filter_map(|(multi, c)| match multi {
            Some(m) => {
                let mut letters: Vec<char> = m
                    .into_iter()
                    .filter_map(|p| p.plain().chars().next())
                    .collect();
                letters.dedup();
                Some(letters)
            }
            None if c.is_ascii_alphanumeric() => Some(vec![c.to_ascii_lowercase()]),
            None => None,
        })
        .collect()
}

fn contains_initials(initials: &[Vec<char>], query: &[char]) -> bool {
    if query.len() > initials.len() {
        return false;
    }
    (0..=initials.len() - query.len()).any(|start| {
        query
            .iter()
            .zip(&initials[start..])
            .all(|(q, options)| options.contains(q))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guides() -> Guides {
        let catalog: serde_json::Value =
            serde_json::from_str(include_str!("../../hall/data/catalog.json")).unwrap();
        Guides::from_catalog(&catalog)
    }

    #[test]
    fn pinyin_initials_find_the_item() {
        let g = guides();
        let found = g.search("qysl");
        assert_eq!(found.first().map(|i| i.name.as_str()), Some("企业设立登记"));
        assert_eq!(g.search("QYSL").len(), found.len(), "case does not matter");
        // Initials in the middle of a name: 不动产转移登记 contains 转移 (zy).
        assert!(g
            .search("zydj")
            .iter()
            .any(|i| i.name.starts_with("不动产转移登记")));
    }

    #[test]
    fn name_matches_come_before_initials_and_nonsense_finds_nothing() {
        let g = guides();
        let found = g.search("登记");
        assert!(found.len() >= 3);
        assert!(found.iter().all(|i| i.name.contains("登记")));
        assert!(g.search("xxxxxxxx").is_empty());
        assert_eq!(g.search("").len(), g.items.len());
    }

    #[test]
    fn catalog_sample_reads_materials_and_bundles() {
        let g = guides();
        let item = g.item("620000-001-XK-01").unwrap();
        assert_eq!(item.materials.len(), 4);
        assert!(item.materials[2].shared.is_some());
        assert!(item.materials[3].waivable);
        assert_eq!(g.bundles.len(), 1);
        assert_eq!(g.bundles[0].items.len(), 2);
    }

    #[test]
    fn malformed_items_are_skipped_not_fatal() {
        let catalog = serde_json::json!({
            "items": [
                {"code": "1", "name": "好的事项"},
                {"code": 2},
                {"name": "缺少编码"},
                "not an object"
            ],
            "bundles": 7
        });
        let g = Guides::from_catalog(&catalog);
        assert_eq!(g.items.len(), 1);
        assert!(g.bundles.is_empty());
    }
}
