//! Chinese input by pinyin for the on-screen keyboard (Slint has no input method on a
//! kiosk). The typed letters may be whole syllables ("zhengwu"), end in a syllable begun
//! ("zhengw"), be initials ("zw" → 政务, "bszn" → 办事指南) or be split with apostrophes
//! ("xi'an" → 西安).
//!
//! Candidates come from a dictionary of simplified characters and words with their
//! frequency (data/pinyin/table.tsv: every GB2312 character and about sixty thousand
//! words, built by scripts/pinyin-table from Debian's Rime data; see data/pinyin/README.md),
//! parsed once on first use. They are ranked:
//! 1. words (or, for one syllable, characters) whose pinyin is exactly the input, by
//!    frequency; a word read with more syllables than the input needs ("xi an" for "xian")
//!    counts for less. When the input is several syllables and no word spells all of it, a
//!    phrase made of the likeliest words ("woyaobanli" → 我要办理) comes first, otherwise
//!    after the words;
//! 2. words whose last syllable is only begun ("beij" → 北京);
//! 3. words typed by initials ("zw" → 政务);
//! 4. longer words the input begins ("zhengwu" → 政务服务).
//!
//! In each group the hall's vocabulary comes before the dictionary: [`COMMON_WORDS`] (what
//! citizens type into hall forms) and whatever [`PinyinIme::with_vocabulary`] adds (the
//! catalog's items, the hall's place names), read with the `pinyin` crate.

mod table;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use pinyin::ToPinyinMulti;

use crate::domain::catalog::Guides;

use table::{fit, table, Fit, Table, Typed};

/// Words citizens often type into forms: places, form vocabulary, business words, the
/// hall's own words. They rank above the dictionary's words of the same pinyin.
pub const COMMON_WORDS: &[&str] = &[
    "北京",
    "上海",
    "天津",
    "重庆",
    "甘肃",
    "甘南",
    "合作",
    "兰州",
    "夏河",
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
    "政务",
    "政务服务",
    "政务服务中心",
    "办事",
    "办事指南",
    "便民服务",
    "预约",
    "取号",
    "排队",
    "不动产",
    "公积金",
    "审批",
    "咨询",
];

/// A word read with more syllables than the input needs ("xi an" for "xian") ranks as if
/// this many times less frequent.
const SPLIT_PENALTY: u64 = 4;

/// Readings tried for a vocabulary word whose characters have several (重庆: zhong/chong).
const MAX_READINGS: usize = 16;

/// A word of the hall's vocabulary and the syllables it may be typed with.
#[derive(Debug, Clone)]
struct VocabWord {
    word: String,
    readings: Vec<Vec<u16>>,
    /// The dictionary's weight for it, to order vocabulary words among themselves.
    weight: u32,
}

#[derive(Debug)]
pub struct PinyinIme {
    table: &'static Table,
    vocabulary: Vec<VocabWord>,
    /// A vocabulary reading's letters run together -> the word (for phrases).
    vocabulary_spelled: HashMap<Vec<u8>, usize>,
}

impl Default for PinyinIme {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a candidate goes: group, place in the group, weight (higher first), then order.
type RankKey = (Fit, u8, Reverse<u64>, usize);

impl PinyinIme {
    /// The dictionary with [`COMMON_WORDS`] as the hall's vocabulary. The dictionary is
    /// parsed on the first call in the process (tens of milliseconds); later ones share it.
    pub fn new() -> PinyinIme {
        let ime = PinyinIme {
            table: table(),
            vocabulary: Vec::new(),
            vocabulary_spelled: HashMap::new(),
        };
        ime.with_vocabulary(COMMON_WORDS.iter().map(|w| (*w).to_string()))
    }

    /// Adds the hall's own words (catalog items, place names): they rank above dictionary
    /// words typed the same way. Anything but Chinese characters splits a word into
    /// parts ("出生医学证明（首次）" gives 出生医学证明 and 首次); single characters are
    /// left to the dictionary.
    pub fn with_vocabulary(mut self, words: impl IntoIterator<Item = String>) -> Self {
        let mut known: HashSet<String> = self.vocabulary.iter().map(|v| v.word.clone()).collect();
        for word in words {
            for part in word.split(|c: char| !is_hanzi(c)) {
                if part.chars().count() < 2 || known.contains(part) {
                    continue;
                }
                let all = self.readings(part);
                let mut readings = all.clone();
                // The dictionary's readings of the word, when it has it, are the right
                // ones of the crate's (太长 is tai chang, never tai zhang).
                let mut letters = Vec::new();
                let mut weight = None;
                readings.retain(|r| {
                    letters.clear();
                    for &id in r {
                        letters.extend_from_slice(self.table.syllable(id).as_bytes());
                    }
                    let found = self
                        .table
                        .spelled(&letters)
                        .filter(|e| e.word == part)
                        .map(|e| e.weight)
                        .max();
                    weight = weight.max(found);
                    found.is_some()
                });
                if weight.is_none() {
                    readings = all;
                }
                if readings.is_empty() {
                    continue;
                }
                let weight = weight.unwrap_or(0);
                known.insert(part.to_string());
                self.vocabulary.push(VocabWord {
                    word: part.to_string(),
                    readings,
                    weight,
                });
            }
        }
        // Stable: words of equal weight keep the order they were given in.
        self.vocabulary.sort_by_key(|v| Reverse(v.weight));
        self.vocabulary_spelled.clear();
        for (i, v) in self.vocabulary.iter().enumerate() {
            for r in &v.readings {
                let letters: Vec<u8> = r
                    .iter()
                    .flat_map(|&id| self.table.syllable(id).bytes())
                    .collect();
                self.vocabulary_spelled.entry(letters).or_insert(i);
            }
        }
        self
    }

    /// The syllables a word may be typed with, from the `pinyin` crate: every combination
    /// of its characters' readings (重庆: zhongqing and chongqing), up to [`MAX_READINGS`]
    /// (past that, a character's first reading only).
    fn readings(&self, word: &str) -> Vec<Vec<u16>> {
        let mut combos: Vec<Vec<u16>> = vec![Vec::new()];
        for multi in word.to_pinyin_multi() {
            let Some(multi) = multi else {
                return Vec::new();
            };
            let mut ids: Vec<u16> = Vec::new();
            for p in multi {
                if let Some(id) = self.table.syllable_id(&plain(p.plain())) {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            if ids.is_empty() {
                return Vec::new();
            }
            if combos.len() * ids.len() > MAX_READINGS {
                ids.truncate(1);
            }
            combos = combos
                .iter()
                .flat_map(|c| {
                    ids.iter().map(move |&id| {
                        let mut c = c.clone();
                        c.push(id);
                        c
                    })
                })
                .collect();
        }
        combos
    }

    /// Candidates for the typed letters (a-z, "v" for ü, "'" to split syllables), best
    /// first, at most `limit`. Anything else typed, or more than 64 letters, gives none.
    pub fn candidates(&self, typed: &str, limit: usize) -> Vec<String> {
        if limit == 0 {
            return Vec::new();
        }
        let table = self.table;
        let Some(typed) = Typed::parse(typed, table) else {
            return Vec::new();
        };
        // Read with more syllables than the input needs ("xi an" for "xian").
        let split_more = |syllables: usize| typed.min_syllables < Some(syllables);
        let mut ranked: Vec<(RankKey, &str)> = Vec::new();
        // Whether a word of two or more syllables spells the input exactly.
        let mut exact_words = false;

        for (order, v) in self.vocabulary.iter().enumerate() {
            let best = v
                .readings
                .iter()
                .filter_map(|r| fit(&typed, r, table).map(|f| (f, r.len())))
                .min();
            let Some((f, syllables)) = best else { continue };
            let weight = u64::from(v.weight);
            let key = if f == Fit::Exact && split_more(syllables) {
                (f, 1, Reverse(weight / SPLIT_PENALTY), order)
            } else {
                exact_words |= f == Fit::Exact;
                (f, 0, Reverse(weight), order)
            };
            ranked.push((key, &v.word));
        }

        for &i in table.starting_with(typed.letters[0]) {
            let e = &table.entries[i as usize];
            let syllables = table.syllables_of(e);
            let Some(f) = fit(&typed, syllables, table) else {
                continue;
            };
            let mut weight = u64::from(e.weight);
            if f == Fit::Exact {
                if split_more(syllables.len()) {
                    weight /= SPLIT_PENALTY;
                } else {
                    exact_words |= syllables.len() > 1;
                }
            }
            ranked.push(((f, 1, Reverse(weight), i as usize), e.word));
        }

        let phrase = self.phrase(&typed);
        if let Some(p) = &phrase {
            // First when no word spells all the input, else after the words that do.
            let place = if exact_words { 2 } else { 0 };
            ranked.push(((Fit::Exact, place, Reverse(u64::MAX), 0), p.as_str()));
        }

        ranked.sort_unstable_by_key(|(key, _)| *key);
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for (_, word) in ranked {
            if seen.insert(word) {
                out.push(word.to_string());
                if out.len() == limit {
                    break;
                }
            }
        }
        out
    }

    /// The characters likeliest to follow `first` (联想, offered after a handwritten
    /// character is chosen): the next character of the hall's words beginning with it, then
    /// of the dictionary's, most used first. 政 → 务, 府, 策...
    pub fn followers(&self, first: &str, limit: usize) -> Vec<String> {
        if first.is_empty() || limit == 0 {
            return Vec::new();
        }
        let next = |word: &str| {
            word.strip_prefix(first)
                .and_then(|rest| rest.chars().next())
                .filter(|c| is_hanzi(*c))
        };
        let mut vocabulary: Vec<&VocabWord> = self
            .vocabulary
            .iter()
            .filter(|v| next(&v.word).is_some())
            .collect();
        vocabulary.sort_by_key(|v| Reverse(v.weight));
        let mut out: Vec<String> = Vec::new();
        let words = vocabulary
            .iter()
            .map(|v| v.word.as_str())
            .chain(self.table.entries.iter().map(|e| e.word));
        for word in words {
            if let Some(c) = next(word) {
                let c = c.to_string();
                if !out.contains(&c) {
                    out.push(c);
                    if out.len() == limit {
                        break;
                    }
                }
            }
        }
        out
    }

    /// The likeliest sequence of two or more words spelling all the input in whole
    /// syllables (each word scored by its frequency, a vocabulary word as the likeliest),
    /// for input no single word spells: "woyaobanli" → 我要 + 办理.
    fn phrase(&self, typed: &Typed) -> Option<String> {
        if typed.min_syllables? < 2 {
            return None;
        }
        let table = self.table;
        let n = typed.len();
        // best[p]: the best path over letters[..p]: its score, last word, and where that
        // word starts.
        let mut best: Vec<Option<(f64, &str, usize)>> = vec![None; n + 1];
        for from in 0..n {
            let base = match (from, best[from]) {
                (0, _) => 0.0,
                (_, Some((score, _, _))) => score,
                (_, None) => continue,
            };
            let end = n.min(from + table.longest);
            for (to, slot) in best.iter_mut().enumerate().take(end + 1).skip(from + 1) {
                if !typed.within_part(from, to) {
                    break;
                }
                let letters = &typed.letters[from..to];
                let word = match self.vocabulary_spelled.get(letters) {
                    // Likelier than any word of the dictionary (whose likeliest, 的, has
                    // about 3.5% of the weight: ln 0.035 ≈ -3.3), yet two of them less likely
                    // than one.
                    Some(&v) => Some((-1.0, self.vocabulary[v].word.as_str())),
                    None => table
                        .spelled(letters)
                        .next()
                        .map(|e| ((f64::from(e.weight) + 1.0).ln() - table.ln_total, e.word)),
                };
                let Some((score, w)) = word else { continue };
                let total = base + score;
                if slot.is_none_or(|(s, _, _)| total > s) {
                    *slot = Some((total, w, from));
                }
            }
        }
        let mut words = Vec::new();
        let mut at = n;
        while at > 0 {
            let (_, w, from) = best[at]?;
            words.push(w);
            at = from;
        }
        if words.len() < 2 {
            return None;
        }
        words.reverse();
        Some(words.concat())
    }
}

/// What citizens of a hall type besides the common words: the catalog's item names, its
/// departments and categories, and the hall's name (for [`PinyinIme::with_vocabulary`]).
pub fn catalog_vocabulary(guides: &Guides) -> Vec<String> {
    guides
        .items
        .iter()
        .flat_map(|i| [i.name.clone(), i.department.clone()])
        .chain(guides.categories.iter().map(|c| c.name.clone()))
        .chain(guides.hall.iter().map(|h| h.name.clone()))
        .collect()
}

/// The `pinyin` crate's toneless spelling as the table writes it: ü as v, but lüe/nüe as
/// lue/nue.
fn plain(p: &str) -> String {
    let s = p.replace('ü', "v");
    match s.as_str() {
        "lve" => "lue".to_string(),
        "nve" => "nue".to_string(),
        _ => s,
    }
}

fn is_hanzi(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}
