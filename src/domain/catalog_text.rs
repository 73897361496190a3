//! Catalog text in the reader's language. A hall writes its catalog in simplified Chinese and
//! may add English and Tibetan beside any text field: `name_en` / `name_bo` beside `name`,
//! `steps_en` (a list as long as `steps`) beside `steps`. 繁體 is never written by hand: it
//! is converted from the simplified text with OpenCC's phrase dictionaries (s2tw), so 头发
//! becomes 頭髮 and 发展 發展, which a character table cannot tell apart. Not s2twp: it
//! swaps in Taiwan's vocabulary (文件 → 檔案), and a material's name must stay the name the
//! window will ask for.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use serde::Deserialize;

/// One text of the catalog; an empty `en` or `bo` means the catalog does not carry it, and
/// the reader sees the Chinese.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
    pub bo: String,
}

impl Text {
    /// Chinese only: text the catalog has in no other language.
    pub fn zh(zh: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            ..Text::default()
        }
    }

    /// The traditional-character form of the Chinese, phrase by phrase.
    pub fn traditional(&self) -> String {
        traditional(&self.zh)
    }

    /// The same change made to every language (a number or a bracket around each).
    pub fn map(&self, f: impl Fn(&str) -> String) -> Text {
        let or_empty = |s: &str| if s.is_empty() { String::new() } else { f(s) };
        Text {
            zh: f(&self.zh),
            en: or_empty(&self.en),
            bo: or_empty(&self.bo),
        }
    }

    /// Texts joined in each language; a part the catalog lacks in a language joins in Chinese,
    /// so a list is never cut short.
    pub fn join(parts: &[Text], sep: &str) -> Text {
        let lang = |pick: fn(&Text) -> &str| {
            if parts.iter().all(|p| pick(p).is_empty()) {
                return String::new();
            }
            parts
                .iter()
                .map(|p| {
                    if pick(p).is_empty() {
                        p.zh.as_str()
                    } else {
                        pick(p)
                    }
                })
                .collect::<Vec<_>>()
                .join(sep)
        };
        Text {
            zh: parts
                .iter()
                .map(|p| p.zh.as_str())
                .collect::<Vec<_>>()
                .join(sep),
            en: lang(|t| &t.en),
            bo: lang(|t| &t.bo),
        }
    }
}

/// Simplified to traditional Chinese (Taiwan's character forms, the same words: s2tw). Text
/// is returned unchanged if the dictionaries cannot load, which they are built into the
/// binary to prevent.
pub fn traditional(simplified: &str) -> String {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    if simplified.is_ascii() {
        return simplified.to_string();
    }
    match CONVERTER.get_or_init(|| match OpenCC::from_config(BuiltinConfig::S2tw) {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!("OpenCC dictionaries did not load: {e}");
            None
        }
    }) {
        Some(c) => c.convert(simplified),
        None => simplified.to_string(),
    }
}

/// The fields of a catalog entry not named by its struct: where the translations are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Translations(BTreeMap<String, serde_json::Value>);

impl Translations {
    fn string(&self, key: &str) -> String {
        self.0
            .get(key)
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    fn strings(&self, key: &str, len: usize) -> Vec<String> {
        let list: Vec<String> = self
            .0
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or_default().trim().to_string())
                    .collect()
            })
            .unwrap_or_default();
        // A list out of step with the Chinese would put one step's words under another's.
        if list.len() == len {
            list
        } else {
            vec![String::new(); len]
        }
    }

    /// The text `field` (Chinese `zh`) with its `<field>_en` and `<field>_bo`.
    pub fn text(&self, field: &str, zh: &str) -> Text {
        Text {
            zh: zh.to_string(),
            en: self.string(&format!("{field}_en")),
            bo: self.string(&format!("{field}_bo")),
        }
    }

    /// The list `field`, each entry with its translations.
    pub fn texts(&self, field: &str, zh: &[String]) -> Vec<Text> {
        let en = self.strings(&format!("{field}_en"), zh.len());
        let bo = self.strings(&format!("{field}_bo"), zh.len());
        zh.iter()
            .zip(en)
            .zip(bo)
            .map(|((zh, en), bo)| Text {
                zh: zh.clone(),
                en,
                bo,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_is_converted_by_phrase_not_by_character() {
        // 发 is 發 (to issue, to develop) or 髮 (hair) by the word it is in.
        assert_eq!(traditional("发展"), "發展");
        assert_eq!(traditional("头发"), "頭髮");
        assert_eq!(traditional("营业执照"), "營業執照");
        assert_eq!(traditional("居民身份证"), "居民身份證");
        assert_eq!(
            traditional("股东主体资格文件"),
            "股東主體資格文件",
            "the same words, only the characters change"
        );
        assert_eq!(traditional("A023"), "A023");
    }

    #[test]
    fn lists_out_of_step_fall_back_to_chinese() {
        let t: Translations = serde_json::from_value(serde_json::json!({
            "steps_en": ["Apply", "Accept"],
            "conditions_en": ["Only one"],
            "name_bo": "  ཚོང་ལས།  ",
        }))
        .unwrap();
        let steps = t.texts("steps", &["申请".into(), "受理".into()]);
        assert_eq!(steps[1].en, "Accept");
        let conditions = t.texts("conditions", &["甲".into(), "乙".into()]);
        assert!(conditions.iter().all(|c| c.en.is_empty()));
        assert_eq!(t.text("name", "企业").bo, "ཚོང་ལས།");
    }

    #[test]
    fn a_join_keeps_every_part_in_chinese_where_a_language_lacks_it() {
        let parts = [
            Text {
                zh: "甲".into(),
                en: "A".into(),
                bo: String::new(),
            },
            Text::zh("乙"),
        ];
        let joined = Text::join(&parts, " + ");
        assert_eq!(joined.zh, "甲 + 乙");
        assert_eq!(joined.en, "A + 乙");
        assert_eq!(joined.bo, "", "no part in Tibetan: the Chinese shows");
    }
}
