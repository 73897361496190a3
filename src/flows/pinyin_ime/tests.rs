use std::time::{Duration, Instant};

use super::*;

fn ime() -> &'static PinyinIme {
    static IME: std::sync::OnceLock<PinyinIme> = std::sync::OnceLock::new();
    IME.get_or_init(PinyinIme::new)
}

fn position(list: &[String], word: &str) -> Option<usize> {
    list.iter().position(|s| s == word)
}

/// GB2312's hanzi (rows 16-87), decoded with encoding_rs.
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

#[test]
fn the_table_has_every_gb2312_character_and_many_words() {
    let t = table();
    let chars: HashSet<&str> = t
        .entries
        .iter()
        .filter(|e| e.word.chars().count() == 1)
        .map(|e| e.word)
        .collect();
    let gb = gb2312_chars();
    assert_eq!(gb.len(), 6763);
    let missing: String = gb
        .iter()
        .filter(|c| !chars.contains(c.to_string().as_str()))
        .collect();
    assert!(missing.is_empty(), "no reading for {missing}");
    let words = t.entries.len()
        - t.entries
            .iter()
            .filter(|e| e.word.chars().count() == 1)
            .count();
    assert!(words > 40_000, "{words} words");
}

#[test]
fn shi_gives_the_commonest_character_first() {
    let c = ime().candidates("shi", 10);
    assert!(position(&c, "是").is_some_and(|p| p <= 1), "{c:?}");
    assert_eq!(c.len(), 10);
}

#[test]
fn whole_words_of_the_hall() {
    assert_eq!(ime().candidates("zhengwu", 10)[0], "政务");
    assert_eq!(ime().candidates("banshizhinan", 10)[0], "办事指南");
    assert_eq!(ime().candidates("beijing", 5)[0], "北京");
    assert_eq!(ime().candidates("jiedao", 5)[0], "街道");
    assert!(ime()
        .candidates("youxiangongsi", 5)
        .contains(&"有限公司".to_string()));
}

#[test]
fn initials_and_begun_syllables() {
    let zw = ime().candidates("zw", 10);
    assert!(position(&zw, "政务").is_some_and(|p| p < 5), "{zw:?}");
    let bszn = ime().candidates("bszn", 10);
    assert!(
        position(&bszn, "办事指南").is_some_and(|p| p < 5),
        "{bszn:?}"
    );
    assert!(
        ime().candidates("beij", 5).contains(&"北京".to_string()),
        "the last syllable begun"
    );
    assert!(
        ime().candidates("zhengw", 5).contains(&"政务".to_string()),
        "the last syllable begun"
    );
    // A word the input begins comes after the words it spells.
    let c = ime().candidates("zhengwu", 40);
    let whole = position(&c, "政务").unwrap();
    let longer = position(&c, "政务服务").expect("政务服务 offered");
    assert!(whole < longer);
}

#[test]
fn xian_is_one_syllable_first_and_xi_an_after() {
    let c = ime().candidates("xian", 20);
    for ch in ["先", "现", "县"] {
        assert!(c.contains(&ch.to_string()), "{ch} in {c:?}");
    }
    let xian = position(&c, "先").unwrap();
    let xi_an = position(&c, "西安").expect("西安 among the first 20");
    assert!(xian < xi_an, "{c:?}");
    // With the apostrophe the split is the typist's: 西安 first.
    assert_eq!(ime().candidates("xi'an", 5)[0], "西安");
}

#[test]
fn a_phrase_no_word_spells_is_made_of_words() {
    // No dictionary word spells it all: the likeliest words, together.
    let c = ime().candidates("woyaobanli", 5);
    assert_eq!(c.first().map(String::as_str), Some("我要办理"), "{c:?}");
    // 办事指南 without the hall's vocabulary: 办事 + 指南.
    let plain = PinyinIme {
        table: table(),
        vocabulary: Vec::new(),
        vocabulary_spelled: HashMap::new(),
    };
    assert_eq!(plain.candidates("banshizhinan", 5)[0], "办事指南");
}

#[test]
fn the_halls_vocabulary_outranks_the_dictionary() {
    let plain = PinyinIme {
        table: table(),
        vocabulary: Vec::new(),
        vocabulary_spelled: HashMap::new(),
    };
    // 公证 (notarization) is in the dictionary after 公正 (fair); a notary hall's
    // vocabulary puts it first.
    let before = plain.candidates("gongzheng", 10);
    assert_eq!(before[0], "公正", "{before:?}");
    assert!(before.contains(&"公证".to_string()), "{before:?}");
    let hall = plain.with_vocabulary(["公证".to_string()]);
    assert_eq!(hall.candidates("gongzheng", 10)[0], "公证");
    assert_eq!(hall.candidates("gzh", 10)[0], "公证", "initials too");
    // 夏河 (a county of Gannan) is not in the dictionary at all.
    let before = hall.candidates("xiahe", 10);
    assert!(!before.contains(&"夏河".to_string()), "{before:?}");
    let hall = hall.with_vocabulary(["夏河".to_string()]);
    assert_eq!(hall.candidates("xiahe", 10)[0], "夏河");
    assert_eq!(
        hall.candidates("gongzheng", 10)[0],
        "公证",
        "added to, not replaced"
    );
    // A word the dictionary lacks, from a catalog item's name, with its brackets.
    let hall = PinyinIme::new().with_vocabulary(["临夏回族自治州（本级）".to_string()]);
    let c = hall.candidates("linxiahuizuzizhizhou", 5);
    assert_eq!(c[0], "临夏回族自治州", "{c:?}");
    assert!(hall
        .candidates("lxhzzzz", 5)
        .contains(&"临夏回族自治州".to_string()));
    // A character of several readings: 重庆 is chongqing (the crate's first reading of 重
    // is zhong).
    assert_eq!(ime().candidates("chongqing", 5)[0], "重庆");
    // A word the dictionary has keeps the dictionary's reading: 太长 (a common word) is
    // not typed "taizhang".
    assert!(!ime()
        .candidates("taizhang", 5)
        .contains(&"太长".to_string()));
}

#[test]
fn case_v_and_the_limit() {
    let ime = ime();
    assert!(
        ime.candidates("ZHANG", 20).contains(&"张".to_string()),
        "case ignored"
    );
    let c = ime.candidates("zhang", 40);
    // 仉 is a GB2312 level-2 character, 张 a common one.
    if let Some(rare) = position(&c, "仉") {
        assert!(position(&c, "张").unwrap() < rare);
    }
    assert!(ime.candidates("lv", 40).contains(&"绿".to_string()));
    assert!(ime.candidates("lve", 40).contains(&"略".to_string()));
    assert_eq!(ime.candidates("a", 3).len(), 3, "the limit holds");
    assert!(ime.candidates("a", 0).is_empty());
}

#[test]
fn garbage_gives_nothing_quickly() {
    let ime = ime();
    let long = "zhuang".repeat(200);
    let longest = "a".repeat(64);
    let zs = "z".repeat(64);
    let inputs = [
        "", " ", "1234", "zzzzq", "qqqq", "'''", "a'", "'a", "shi1", "是", "ü", &long, &longest,
        &zs, "xvxvxv", "iiii", "ngngng",
    ];
    for typed in inputs {
        let started = Instant::now();
        let c = ime.candidates(typed, 120);
        // Generous: a debug build on a busy CI machine.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{typed:?} took {:?}",
            started.elapsed()
        );
        assert!(c.len() <= 120);
    }
    for typed in ["", " ", "1234", "zzzzq", "'''", "shi1", "是", "iiii", &long] {
        assert!(ime.candidates(typed, 10).is_empty(), "{typed:?}");
    }
    assert_eq!(ime.candidates("a'", 1), ime.candidates("a", 1));
}

#[test]
fn a_chosen_character_is_followed_by_the_hall_words_next_characters_first() {
    let ime = PinyinIme::new().with_vocabulary(["政务服务".to_string()]);
    let after = ime.followers("政", 8);
    assert_eq!(after.first().map(String::as_str), Some("务"), "{after:?}");
    assert!(after.contains(&"府".to_string()), "{after:?}");
    assert_eq!(after.len(), 8);
    let unique: std::collections::HashSet<&String> = after.iter().collect();
    assert_eq!(unique.len(), after.len(), "no character twice");
    assert!(ime.followers("", 8).is_empty());
    assert!(ime.followers("政", 0).is_empty());
}
