//! Chinese input by pinyin for the on-screen keyboard (Slint has no input method on a
//! kiosk). Candidates for the typed letters are ranked by commonness: words from a small
//! list of what citizens type into hall forms first, then GB2312 level-1 characters (the
//! 3755 most common), then level-2 characters.
//!
//! The character table is built from GB2312 itself (decoded with encoding_rs) and the
//! readings from the `pinyin` crate, so no hand-made table can drift from the standards.

use std::collections::HashMap;

use pinyin::ToPinyinMulti;

/// Words citizens often type into forms: places, form vocabulary, business words.
/// Each is (word, pinyin without tones, syllables run together).
const COMMON_WORDS: &[&str] = &[
    "北京",
    "上海",
    "天津",
    "重庆",
    "甘肃",
    "甘南",
    "合作",
    "兰州",
    "街道",
    "社区",
    "小区",
    "村委会",
    "居委会",
    "号楼",
    "单元",
    "有限公司",
    "有限责任公司",
    "个体工商户",
    "经营",
    "营业执照",
    "身份证",
    "户口",
    "户籍",
    "证明",
    "申请",
    "登记",
    "注销",
    "变更",
    "办理",
    "电话",
    "手机",
    "地址",
    "邮寄",
    "窗口",
    "自取",
    "养老",
    "保险",
    "医疗",
    "社保",
    "残疾",
    "药店",
    "商店",
    "超市",
    "餐饮",
    "农业",
    "合作社",
    "投诉",
    "建议",
    "等待",
    "时间",
    "太长",
    "态度",
    "不好",
    "材料",
    "重复",
    "流程",
    "不清楚",
    "谢谢",
    "工作人员",
    "中国",
];

#[derive(Debug)]
pub struct PinyinIme {
    /// syllable -> characters in rank order
    chars: HashMap<String, Vec<char>>,
    /// full pinyin of a word (syllables run together) -> words
    words: HashMap<String, Vec<&'static str>>,
    /// all syllables, for prefix matches
    syllables: Vec<String>,
}

impl Default for PinyinIme {
    fn default() -> Self {
        Self::new()
    }
}

impl PinyinIme {
    pub fn new() -> PinyinIme {
        let mut chars: HashMap<String, Vec<char>> = HashMap::new();
        for c in gb2312_chars() {
            let Some(multi) = c.to_pinyin_multi() else {
                continue;
            };
            for p in multi {
                let list = chars.entry(p.plain().replace('ü', "v")).or_default();
                if !list.contains(&c) {
                    list.push(c);
                }
            }
        }
        let mut words: HashMap<String, Vec<&'static str>> = HashMap::new();
        for w in COMMON_WORDS {
            let key: String = w
                .to_pinyin_multi()
                .flatten()
                .filter_map(|m| m.get_opt(0).map(|p| p.plain().replace('ü', "v")))
                .collect();
            words.entry(key).or_default().push(w);
        }
        let mut syllables: Vec<String> = chars.keys().cloned().collect();
        syllables.sort();
        PinyinIme {
            chars,
            words,
            syllables,
        }
    }

    /// Candidates for the typed letters (lowercase a-z; "v" stands for ü), best first,
    /// at most `limit`. Words whose full pinyin is the input come first; then characters
    /// whose reading is the input; then characters of syllables that start with it.
    pub fn candidates(&self, typed: &str, limit: usize) -> Vec<String> {
        let typed = typed.trim().to_ascii_lowercase();
        if typed.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let push = |s: String, out: &mut Vec<String>| {
            if out.len() < limit && !out.contains(&s) {
                out.push(s);
            }
        };
        if let Some(ws) = self.words.get(&typed) {
            for w in ws {
                push((*w).to_string(), &mut out);
            }
        }
        if let Some(cs) = self.chars.get(&typed) {
            for c in cs {
                push(c.to_string(), &mut out);
            }
        }
        // Words whose pinyin starts with the input ("beij" -> 北京).
        let mut prefixed: Vec<_> = self
            .words
            .iter()
            .filter(|(k, _)| k.starts_with(&typed) && **k != typed)
            .flat_map(|(_, ws)| ws.iter())
            .collect();
        prefixed.sort();
        for w in prefixed {
            push((*w).to_string(), &mut out);
        }
        for s in self
            .syllables
            .iter()
            .filter(|s| s.starts_with(&typed) && **s != typed)
        {
            for c in &self.chars[s] {
                push(c.to_string(), &mut out);
            }
        }
        out
    }
}

/// GB2312's hanzi in code order: level 1 (rows 16-55, the 3755 common characters,
/// ordered by pinyin) then level 2 (rows 56-87). Rank within the kiosk is this order.
fn gb2312_chars() -> Vec<char> {
    let mut out = Vec::with_capacity(6763);
    for row in 0xB0u8..=0xF7 {
        for cell in 0xA1u8..=0xFE {
            let bytes = [row, cell];
            let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
            if bad {
                continue;
            }
            if let Some(c) = text.chars().next() {
                if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb2312_has_its_6763_characters() {
        assert_eq!(gb2312_chars().len(), 6763);
    }

    #[test]
    fn a_syllable_gives_common_characters_first() {
        let ime = PinyinIme::new();
        let c = ime.candidates("zhang", 20);
        assert!(c.contains(&"张".to_string()));
        let zhang = c.iter().position(|s| s == "张").unwrap();
        // 仉 is a GB2312 level-2 character: after every level-1 one.
        if let Some(rare) = c.iter().position(|s| s == "仉") {
            assert!(zhang < rare);
        }
        assert!(
            ime.candidates("ZHANG", 20).contains(&"张".to_string()),
            "case ignored"
        );
    }

    #[test]
    fn words_from_the_list_come_before_single_characters() {
        let ime = PinyinIme::new();
        assert_eq!(ime.candidates("beijing", 5)[0], "北京");
        assert_eq!(ime.candidates("jiedao", 5)[0], "街道");
        assert!(ime
            .candidates("youxiangongsi", 5)
            .contains(&"有限公司".to_string()));
        assert!(
            ime.candidates("beij", 5).contains(&"北京".to_string()),
            "prefix of a word"
        );
    }

    #[test]
    fn v_types_u_umlaut_and_nonsense_gives_nothing() {
        let ime = PinyinIme::new();
        assert!(ime.candidates("lv", 40).contains(&"绿".to_string()));
        assert!(ime.candidates("qqqq", 10).is_empty());
        assert!(ime.candidates("", 10).is_empty());
        assert_eq!(ime.candidates("a", 3).len(), 3, "the limit holds");
    }
}
