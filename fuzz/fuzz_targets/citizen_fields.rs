#![no_main]
//! What citizens type and what identifies them, over arbitrary text: the form validators
//! (mobile, resident ID, credit code) accept only the shape they promise and a wrong check
//! character is always caught; the masks (names, ID numbers: the screen's, the driver's and
//! the link's) keep the length and never show more than they promise.

use hall_kiosk::domain::privacy::{mask_id, mask_name};
use hall_kiosk::flows::validate::{id_number, mobile, uscc};
use libfuzzer_sys::fuzz_target;

const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s: &str = &text;

    // Validators.
    if mobile(s) {
        let b = s.as_bytes();
        assert!(b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1');
    }
    if id_number(s) {
        let c: Vec<char> = s.chars().collect();
        assert_eq!(c.len(), 18);
        assert!(c[..17].iter().all(char::is_ascii_digit));
        // Exactly one check character fits (either case of X).
        let head: String = c[..17].iter().collect();
        let fits = "0123456789X"
            .chars()
            .filter(|k| id_number(&format!("{head}{k}")))
            .count();
        assert_eq!(fits, 1, "{s}");
    }
    if uscc(s) {
        assert_eq!(s.chars().count(), 18);
        assert!(uscc(&s.to_ascii_uppercase()) && uscc(&s.to_ascii_lowercase()));
        let head: String = s.chars().take(17).collect();
        let fits = USCC_ALPHABET
            .chars()
            .filter(|k| uscc(&format!("{head}{k}")))
            .count();
        assert_eq!(fits, 1, "{s}");
    }
    // A 17-character prefix always has exactly one completing check character.
    let digits: String = data
        .iter()
        .take(17)
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    if digits.len() == 17 {
        let n = "0123456789X"
            .chars()
            .filter(|k| id_number(&format!("{digits}{k}")))
            .count();
        assert_eq!(n, 1);
        let code: String = data
            .iter()
            .take(17)
            .map(|b| USCC_ALPHABET.as_bytes()[usize::from(*b) % USCC_ALPHABET.len()] as char)
            .collect();
        let n = USCC_ALPHABET
            .chars()
            .filter(|k| uscc(&format!("{code}{k}")))
            .count();
        assert_eq!(n, 1);
    }

    // ID masks: one rule for screen, paper and logs, and the link's copy agrees.
    let masked = mask_id(s);
    assert_eq!(masked, kiosk_drivers::idcard::text::mask_id(s));
    assert_eq!(masked, hall_link::api::mask(s));
    let c: Vec<char> = s.chars().collect();
    let m: Vec<char> = masked.chars().collect();
    assert_eq!(m.len(), c.len());
    let shown = m
        .iter()
        .zip(&c)
        .filter(|(a, b)| a == b && **b != '*')
        .count();
    if c.len() < 8 {
        assert!(m.iter().all(|&x| x == '*'));
    } else {
        assert!(shown <= 7);
        assert_eq!(m[..3], c[..3]);
        assert_eq!(m[m.len() - 4..], c[c.len() - 4..]);
        assert!(m[3..m.len() - 4].iter().all(|&x| x == '*'));
    }

    // Name mask.
    let name = s.trim();
    let masked = mask_name(s);
    let n: Vec<char> = name.chars().collect();
    let m: Vec<char> = masked.chars().collect();
    assert_eq!(m.len(), n.len(), "{name:?} -> {masked:?}");
    for (i, (a, b)) in m.iter().zip(&n).enumerate() {
        assert!(a == b || *a == '*', "{name:?} -> {masked:?} at {i}");
    }
    let shown = m
        .iter()
        .zip(&n)
        .filter(|(a, b)| a == b && **b != '*')
        .count();
    if name.is_ascii() {
        // Only the first character of each word, and separators, are shown.
        for (i, (a, b)) in m.iter().zip(&n).enumerate() {
            let word_start = i == 0 || matches!(n[i - 1], ' ' | ',');
            if b.is_alphanumeric() && !word_start {
                assert_eq!(*a, '*', "{name:?} -> {masked:?} at {i}");
            }
        }
    } else {
        // At most the first and the last character.
        assert!(shown <= 2, "{name:?} -> {masked:?}");
        if n.len() <= 2 {
            assert!(shown <= 1);
        }
    }
});
