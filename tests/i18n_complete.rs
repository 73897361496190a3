//! Every @tr() string of the UI is translated into zh_CN, zh_TW and bo, so no English source
//! string (an untranslated key) ever shows to a citizen who chose Chinese.

use std::collections::HashMap;
use std::path::Path;

fn slint_strings(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            slint_strings(&path, out);
        } else if path.extension().is_some_and(|e| e == "slint") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(i) = rest.find("@tr(") {
                rest = rest[i + 4..].trim_start();
                let Some(body) = rest.strip_prefix('"') else {
                    continue;
                };
                let mut s = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => s.push(chars.next().unwrap()),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(s);
            }
        }
    }
}

fn po(lang: &str) -> HashMap<String, String> {
    let path = format!(
        "{}/ui/lang/{lang}/LC_MESSAGES/hall-kiosk.po",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let unquote = |s: &str| {
        s.trim()
            .trim_matches('"')
            .replace("\\\"", "\"")
            .replace("\\n", "\n")
    };
    let mut map = HashMap::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("msgid ") {
            id = Some(unquote(v));
        } else if let Some(v) = line.strip_prefix("msgstr ") {
            if let Some(id) = id.take() {
                map.insert(id, unquote(v));
            }
        }
    }
    map
}

#[test]
fn every_ui_string_is_translated() {
    let mut strings = Vec::new();
    slint_strings(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/ui")),
        &mut strings,
    );
    assert!(strings.len() > 20, "found the @tr strings");
    for lang in ["zh_CN", "zh_TW", "bo"] {
        let catalog = po(lang);
        let missing: Vec<_> = strings
            .iter()
            .filter(|s| catalog.get(*s).is_none_or(|t| t.is_empty()))
            .collect();
        assert!(
            missing.is_empty(),
            "{lang} lacks: {missing:#?}\nrun scripts/i18n.py sync"
        );
        for s in &strings {
            let placeholders = s.matches("{}").count();
            assert_eq!(
                catalog[s].matches("{}").count(),
                placeholders,
                "{lang}: {s:?} keeps its placeholders"
            );
        }
    }
}
