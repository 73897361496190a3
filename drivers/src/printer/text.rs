//! Text for the printer's own character mode: the encoding a printer model expects, what its
//! font can print, column widths of mixed CJK/ASCII text, and line wrapping.

use unicode_width::UnicodeWidthChar;

/// How a printer model wants Chinese text.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// GB 18030 in Chinese mode (FS &). The default of printers sold in China.
    #[default]
    Gb18030,
    /// GBK in Chinese mode: older printers whose font stops at GBK.
    Gbk,
    /// UTF-8 selected with FS ( C (Epson TM-T88VI and later, some recent Chinese models).
    #[serde(rename = "utf-8")]
    #[value(name = "utf-8")]
    Utf8,
}

impl std::str::FromStr for TextEncoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "gb18030" => Ok(TextEncoding::Gb18030),
            "gbk" => Ok(TextEncoding::Gbk),
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            other => Err(format!(
                "unknown printer encoding {other:?}: use gb18030, gbk or utf-8"
            )),
        }
    }
}

/// FS &: enter Chinese character mode.
pub const FS_CHINESE_ON: [u8; 2] = [0x1C, 0x26];
/// FS .: leave Chinese character mode.
pub const FS_CHINESE_OFF: [u8; 2] = [0x1C, 0x2E];
/// FS ( C, fn 48, m 2: select UTF-8 as the character encoding.
pub const FS_UTF8: [u8; 7] = [0x1C, 0x28, 0x43, 0x02, 0x00, 0x30, 0x02];

impl TextEncoding {
    /// Bytes that put the printer into this text mode (sent after ESC @).
    pub fn enter(self) -> &'static [u8] {
        match self {
            TextEncoding::Gb18030 | TextEncoding::Gbk => &FS_CHINESE_ON,
            TextEncoding::Utf8 => &FS_UTF8,
        }
    }

    /// Bytes that take it back out (sent at the end of a job, so the next user of the
    /// printer finds it as it was).
    pub fn leave(self) -> &'static [u8] {
        match self {
            TextEncoding::Gb18030 | TextEncoding::Gbk => &FS_CHINESE_OFF,
            TextEncoding::Utf8 => &[],
        }
    }

    /// The bytes of `c` in this encoding, or None when the printer's font cannot print it.
    ///
    /// Thermal printer fonts in GB 18030 mode hold the two-byte repertoire (GBK plus the
    /// 2000 additions); characters needing a four-byte sequence (CJK Extension B and beyond,
    /// such as the rare name character 𠈌) are not in their ROM and would print as a blank
    /// or a wrong glyph, so they are treated as unprintable and drawn as a raster glyph.
    pub fn encode_char(self, c: char) -> Option<Vec<u8>> {
        if c.is_ascii() {
            return (!c.is_ascii_control()).then(|| vec![c as u8]);
        }
        match self {
            // C1 controls (U+0080..U+009F) are controls in UTF-8 mode too: nothing to print.
            TextEncoding::Utf8 if c.is_control() => None,
            TextEncoding::Utf8 => {
                let mut b = [0u8; 4];
                Some(c.encode_utf8(&mut b).as_bytes().to_vec())
            }
            TextEncoding::Gb18030 | TextEncoding::Gbk => {
                let mut s = [0u8; 4];
                let (bytes, _, unmappable) =
                    encoding_rs::GB18030.encode(c.encode_utf8(&mut s) as &str);
                if unmappable || bytes.len() != 2 {
                    return None;
                }
                if self == TextEncoding::Gbk {
                    let (_, _, gbk_unmappable) = encoding_rs::GBK.encode(&c.to_string());
                    if gbk_unmappable {
                        return None;
                    }
                }
                Some(bytes.into_owned())
            }
        }
    }

    /// Decodes printer text bytes (the simulator's side).
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            TextEncoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            TextEncoding::Gb18030 | TextEncoding::Gbk => encoding_rs::GB18030
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        }
    }
}

/// Columns a character takes in the printer's font: 1 for ASCII (12×24 dots in font A),
/// 2 for CJK and full-width forms (24×24).
pub fn char_columns(c: char) -> usize {
    match c.width_cjk() {
        Some(0) | None => 0,
        Some(1) if c.is_ascii() => 1,
        // Ambiguous-width characters (·, ×, №) are printed from the CJK font, full width.
        Some(_) => 2,
    }
}

/// Columns of a string.
pub fn columns(s: &str) -> usize {
    s.chars().map(char_columns).sum()
}

/// Wraps `text` into lines of at most `width` columns. Breaks between any two CJK
/// characters, but keeps ASCII words (numbers, codes, URLs) whole unless a word alone is
/// longer than a line; keeps closing punctuation off the start of a line (避头点).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, width, &mut lines);
    }
    lines
}

fn is_closing(c: char) -> bool {
    "，。、；：？！）》」』】”’,.;:?!)%".contains(c)
}

/// Splits a paragraph into units that must not be broken: an ASCII word with the spaces
/// after it, or one CJK character with any closing punctuation after it.
fn units(paragraph: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut chars = paragraph.chars().peekable();
    while let Some(c) = chars.next() {
        let mut unit = String::from(c);
        if c.is_ascii_alphanumeric() || (c.is_ascii_punctuation() && !is_closing(c)) {
            while let Some(&n) = chars.peek() {
                if n.is_ascii_graphic() && !(n.is_ascii_punctuation() && is_closing(n)) {
                    unit.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
        }
        while let Some(&n) = chars.peek() {
            if is_closing(n) || (n == ' ' && c.is_ascii()) {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        out.push(unit);
    }
    out
}

fn wrap_paragraph(paragraph: &str, width: usize, lines: &mut Vec<String>) {
    let mut line = String::new();
    let mut used = 0;
    for unit in units(paragraph) {
        let w = columns(&unit);
        let trimmed_w = columns(unit.trim_end());
        if used + trimmed_w > width && !line.is_empty() {
            lines.push(line.trim_end().to_string());
            line.clear();
            used = 0;
        }
        if trimmed_w > width {
            // A word longer than a line (a long URL): cut it by columns.
            for c in unit.chars() {
                let cw = char_columns(c);
                if used + cw > width {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
            continue;
        }
        line.push_str(&unit);
        used += w;
    }
    lines.push(line.trim_end().to_string());
}

/// `left` and `right` on one line of `width` columns, right flush (a label and a value).
pub fn two_columns(left: &str, right: &str, width: usize) -> String {
    let gap = width.saturating_sub(columns(left) + columns(right)).max(1);
    format!("{left}{}{right}", " ".repeat(gap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_of_mixed_text() {
        assert_eq!(columns("A12"), 3);
        assert_eq!(columns("社保"), 4);
        assert_eq!(columns("社保A1"), 6);
        assert_eq!(columns("（）"), 4);
        assert_eq!(columns("𠈌"), 2);
    }

    #[test]
    fn cjk_wraps_at_any_character_and_never_overflows() {
        let lines = wrap("请携带本人有效身份证件原件及复印件一份", 10);
        assert_eq!(lines[0], "请携带本人");
        for l in &lines {
            assert!(columns(l) <= 10, "{l}");
        }
        assert_eq!(lines.concat(), "请携带本人有效身份证件原件及复印件一份");
    }

    #[test]
    fn ascii_words_stay_whole() {
        let lines = wrap("取号 A023 请到 3 号窗口", 9);
        assert!(lines.iter().any(|l| l.contains("A023")), "{lines:?}");
        for l in &lines {
            assert!(columns(l) <= 9, "{l}");
        }
    }

    #[test]
    fn closing_punctuation_does_not_start_a_line() {
        // The comma would overflow the line: it travels with the character before it.
        let lines = wrap("一二三四，五六", 8);
        assert_eq!(lines, vec!["一二三".to_string(), "四，五六".to_string()]);
        let lines = wrap("一二三四五，六", 8);
        assert_eq!(lines, vec!["一二三四".to_string(), "五，六".to_string()]);
    }

    #[test]
    fn long_urls_are_cut() {
        let url = "https://hall.example.gov.cn/q/ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let lines = wrap(url, 20);
        assert!(lines.len() >= 3);
        assert_eq!(lines.concat(), url);
        for l in &lines {
            assert!(columns(l) <= 20);
        }
    }

    #[test]
    fn gb18030_two_byte_text_and_the_four_byte_fallback() {
        let e = TextEncoding::Gb18030;
        assert_eq!(e.encode_char('社'), Some(vec![0xC9, 0xE7]));
        assert_eq!(e.encode_char('A'), Some(vec![b'A']));
        // Extension B: a four-byte sequence no printer ROM has.
        assert_eq!(e.encode_char('𠈌'), None);
        assert_eq!(e.decode(&[0xC9, 0xE7, b'A']), "社A");
        assert_eq!(TextEncoding::Utf8.encode_char('𠈌').unwrap().len(), 4);
        assert_eq!(e.encode_char('\u{7}'), None);
        // Found by the slip_layout fuzz target: a C1 control from a backend string went to
        // a UTF-8 printer as C2 8A and came out as a character of the page.
        assert_eq!(TextEncoding::Utf8.encode_char('\u{8A}'), None);
    }

    #[test]
    fn encoding_names_parse() {
        assert_eq!("GB18030".parse(), Ok(TextEncoding::Gb18030));
        assert_eq!("utf8".parse(), Ok(TextEncoding::Utf8));
        assert!("big5".parse::<TextEncoding>().is_err());
    }

    #[test]
    fn two_columns_flushes_right() {
        let l = two_columns("等候人数", "12 人", 20);
        assert_eq!(columns(&l), 20);
        assert!(l.ends_with("12 人"));
    }
}
