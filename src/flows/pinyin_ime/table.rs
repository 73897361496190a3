//! The pinyin dictionary (data/pinyin/table.tsv, built by scripts/pinyin-table from
//! Debian's Rime data) parsed once, and how typed letters are matched against a word's
//! syllables.

use std::collections::HashMap;
use std::sync::OnceLock;

/// `word<TAB>syllables split by spaces<TAB>weight`, one entry a line, most frequent first;
/// `#` starts a comment line.
const TABLE: &str = include_str!("../../../data/pinyin/table.tsv");

/// Typed input longer than this is not pinyin (the keyboard stops at 24 letters).
pub const MAX_TYPED: usize = 64;

/// A word (or character) with one of its readings.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub word: &'static str,
    syl_start: u32,
    syl_len: u8,
    pub weight: u32,
    /// FNV-1a hash of the syllables run together, for exact look-ups.
    hash: u64,
}

#[derive(Debug)]
pub struct Table {
    /// Best (highest weight) first.
    pub entries: Vec<Entry>,
    syl_ids: Vec<u16>,
    syllables: Vec<&'static str>,
    syllable_id: HashMap<&'static str, u16>,
    /// Entries by the first letter of their pinyin (a-z), best first.
    by_letter: Vec<Vec<u32>>,
    /// (hash of the run-together pinyin, entry), sorted: exact look-ups by letters.
    by_hash: Vec<(u64, u32)>,
    /// The longest run-together pinyin of an entry, in letters.
    pub longest: usize,
    /// ln of the sum of all weights: a word's unigram log-probability is ln(w) minus this.
    pub ln_total: f64,
}

/// The table, parsed on first use: some 68,000 lines, about 15 ms in a release build on
/// a desktop x86 core (the order of the lines makes sorting them nearly free).
pub fn table() -> &'static Table {
    static TABLE_ONCE: OnceLock<Table> = OnceLock::new();
    TABLE_ONCE.get_or_init(|| Table::parse(TABLE))
}

impl Table {
    fn parse(text: &'static str) -> Table {
        let mut entries = Vec::with_capacity(text.len() / 20);
        let mut syl_ids: Vec<u16> = Vec::with_capacity(text.len() / 8);
        let mut syllables: Vec<&'static str> = Vec::new();
        let mut syllable_id: HashMap<&'static str, u16> = HashMap::new();
        let mut longest = 0;
        let mut total = 0f64;
        for line in text.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(word), Some(pinyin), Some(weight)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let Ok(weight) = weight.parse::<u32>() else {
                continue;
            };
            let start = syl_ids.len();
            let mut letters = 0;
            let mut hash = Hasher::new();
            let mut ok = true;
            for s in pinyin.split(' ') {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_lowercase()) {
                    ok = false;
                    break;
                }
                let id = *syllable_id.entry(s).or_insert_with(|| {
                    syllables.push(s);
                    (syllables.len() - 1) as u16
                });
                syl_ids.push(id);
                hash.write(s.as_bytes());
                letters += s.len();
            }
            let syl_len = syl_ids.len() - start;
            if !ok || syl_len == 0 || syl_len > u8::MAX as usize {
                syl_ids.truncate(start);
                continue;
            }
            longest = longest.max(letters);
            total += f64::from(weight);
            entries.push(Entry {
                word,
                syl_start: start as u32,
                syl_len: syl_len as u8,
                weight,
                hash: hash.finish(),
            });
        }
        // Stable: entries of equal weight keep the table's order.
        entries.sort_by_key(|e| std::cmp::Reverse(e.weight));
        let mut by_letter = vec![Vec::new(); 26];
        let mut by_hash = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let first = syllables[usize::from(syl_ids[e.syl_start as usize])].as_bytes()[0];
            by_letter[usize::from(first - b'a')].push(i as u32);
            by_hash.push((e.hash, i as u32));
        }
        by_hash.sort_unstable();
        Table {
            entries,
            syl_ids,
            syllables,
            syllable_id,
            by_letter,
            by_hash,
            longest,
            ln_total: total.max(1.0).ln(),
        }
    }

    pub fn syllables_of(&self, e: &Entry) -> &[u16] {
        &self.syl_ids[e.syl_start as usize..e.syl_start as usize + usize::from(e.syl_len)]
    }

    pub fn syllable(&self, id: u16) -> &'static str {
        self.syllables[usize::from(id)]
    }

    pub fn syllable_id(&self, s: &str) -> Option<u16> {
        self.syllable_id.get(s).copied()
    }

    pub fn is_syllable(&self, s: &[u8]) -> bool {
        std::str::from_utf8(s).is_ok_and(|s| self.syllable_id.contains_key(s))
    }

    /// Entries whose pinyin starts with `letter`, best first.
    pub fn starting_with(&self, letter: u8) -> &[u32] {
        match letter {
            b'a'..=b'z' => &self.by_letter[usize::from(letter - b'a')],
            _ => &[],
        }
    }

    /// Entries whose syllables run together are exactly `letters`, best first.
    pub fn spelled<'a>(&'a self, letters: &'a [u8]) -> impl Iterator<Item = &'a Entry> + 'a {
        let mut h = Hasher::new();
        h.write(letters);
        let hash = h.finish();
        let from = self.by_hash.partition_point(|&(x, _)| x < hash);
        self.by_hash[from..]
            .iter()
            .take_while(move |&&(x, _)| x == hash)
            .map(|&(_, i)| &self.entries[i as usize])
            .filter(move |e| self.spells(self.syllables_of(e), letters))
    }

    /// Whether syllables run together are exactly `letters`.
    pub fn spells(&self, syllables: &[u16], letters: &[u8]) -> bool {
        let mut rest = letters;
        for &id in syllables {
            match rest.strip_prefix(self.syllable(id).as_bytes()) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }
}

/// FNV-1a over letters, written in pieces.
struct Hasher(u64);

impl Hasher {
    fn new() -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Typed input: lowercase letters, and where an apostrophe split them.
#[derive(Debug)]
pub struct Typed {
    pub letters: Vec<u8>,
    /// `limit[p]`: the first apostrophe break after position p (or the end): a syllable
    /// begun at p ends at or before it.
    limit: Vec<usize>,
    /// The fewest whole syllables that spell the input, if it is all whole syllables.
    pub min_syllables: Option<usize>,
}

impl Typed {
    /// None for anything but letters and apostrophes, or for no letters at all.
    pub fn parse(typed: &str, table: &Table) -> Option<Typed> {
        let typed = typed.trim().to_ascii_lowercase();
        if typed.len() > MAX_TYPED * 2 {
            return None;
        }
        // ü is typed v; "lve"/"nve" are spelled "lue"/"nue" in the table.
        let typed = typed.replace("lve", "lue").replace("nve", "nue");
        let mut letters = Vec::with_capacity(typed.len());
        let mut breaks = Vec::new();
        for b in typed.bytes() {
            match b {
                b'a'..=b'z' => letters.push(b),
                b'\'' => breaks.push(letters.len()),
                _ => return None,
            }
        }
        let n = letters.len();
        if n == 0 || n > MAX_TYPED {
            return None;
        }
        let mut limit = vec![n; n + 1];
        let mut next = n;
        for p in (0..n).rev() {
            if breaks.contains(&(p + 1)) {
                next = p + 1;
            }
            limit[p] = next;
        }
        let mut t = Typed {
            letters,
            limit,
            min_syllables: None,
        };
        t.min_syllables = t.fewest_syllables(table);
        Some(t)
    }

    pub fn len(&self) -> usize {
        self.letters.len()
    }

    /// Whether a piece `from..to` keeps within one apostrophe-separated part.
    pub fn within_part(&self, from: usize, to: usize) -> bool {
        to <= self.limit[from]
    }

    /// The fewest whole syllables spelling the input (greedy splits are not enough:
    /// "xian" is one syllable, "fangan" both fang-an and fan-gan), by dynamic programming.
    fn fewest_syllables(&self, table: &Table) -> Option<usize> {
        let n = self.len();
        let mut best: Vec<Option<usize>> = vec![None; n + 1];
        best[0] = Some(0);
        for from in 0..n {
            let Some(count) = best[from] else { continue };
            let end = self.limit[from].min(from + 6);
            for (to, slot) in best.iter_mut().enumerate().take(end + 1).skip(from + 1) {
                if table.is_syllable(&self.letters[from..to]) && slot.is_none_or(|b| count + 1 < b)
                {
                    *slot = Some(count + 1);
                }
            }
        }
        best[n]
    }
}

/// How a word's syllables spell the typed letters, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// Every syllable typed in full: "zhengwu" for 政务.
    Exact,
    /// The last syllable begun, the others in full: "beij" for 北京, "zh" for 中.
    LastPartial,
    /// Some syllable before the last only begun (initials): "zw" for 政务.
    Initials,
    /// The letters spell the first syllables of a longer word: "zhengwu" for 政务服务.
    Completion,
}

/// How `syllables` spell the typed letters, if they do: each typed piece is the start
/// (at least one letter) or the whole of the next syllable; pieces keep within the
/// apostrophes.
pub fn fit(typed: &Typed, syllables: &[u16], table: &Table) -> Option<Fit> {
    let mut walk = Walk {
        typed,
        syllables,
        table,
        best: None,
        budget: 2_000,
    };
    walk.step(0, 0, false, true);
    walk.best
}

struct Walk<'a> {
    typed: &'a Typed,
    syllables: &'a [u16],
    table: &'a Table,
    best: Option<Fit>,
    /// Steps left: a bound on the work for one word, whatever the input.
    budget: u32,
}

impl Walk<'_> {
    fn step(&mut self, i: usize, pos: usize, abbreviated: bool, last_full: bool) {
        if self.budget == 0 || self.best == Some(Fit::Exact) {
            return;
        }
        self.budget -= 1;
        let n = self.typed.len();
        if pos == n {
            let fit = if i < self.syllables.len() {
                Fit::Completion
            } else if abbreviated {
                Fit::Initials
            } else if last_full {
                Fit::Exact
            } else {
                Fit::LastPartial
            };
            if self.best.is_none_or(|b| fit < b) {
                self.best = Some(fit);
            }
            return;
        }
        let Some(&id) = self.syllables.get(i) else {
            return;
        };
        let s = self.table.syllable(id).as_bytes();
        let room = &self.typed.letters[pos..self.typed.limit[pos]];
        let common = s.iter().zip(room).take_while(|(a, b)| a == b).count();
        for l in (1..=common).rev() {
            self.step(i + 1, pos + l, abbreviated || !last_full, l == s.len());
        }
    }
}
