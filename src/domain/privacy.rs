//! Masking of personal data for screens, paper and logs.

/// Masks a name for the screen: 王*明, 李*, 欧阳**, "G*****, M****".
/// Latin names keep the first letter of each word, since foreign cards carry them.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if name.is_ascii() {
        return name
            .split_inclusive([' ', ','])
            .map(|word| {
                let mut out = String::new();
                for (i, c) in word.chars().enumerate() {
                    out.push(if i == 0 || !c.is_alphanumeric() {
                        c
                    } else {
                        '*'
                    });
                }
                out
            })
            .collect();
    }
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::new();
            s.push(chars[0]);
            s.extend(std::iter::repeat_n('*', n - 2));
            s.push(chars[n - 1]);
            s
        }
    }
}

/// Masks an ID or permit number as the first 3 and last 4 characters around asterisks
/// (110***********1234); short numbers are masked whole. One rule for screens, paper and
/// logs: the driver's.
pub use kiosk_drivers::idcard::text::mask_id;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_keep_first_and_last_character() {
        assert_eq!(mask_name("王小明"), "王*明");
        assert_eq!(mask_name("张伟"), "张*");
        assert_eq!(mask_name("扎西顿珠"), "扎**珠");
        assert_eq!(
            mask_name("陈𠈌"),
            "陈*",
            "a supplementary-plane character is one character"
        );
        assert_eq!(mask_name("李"), "*");
    }

    #[test]
    fn latin_names_keep_initials() {
        assert_eq!(mask_name("GARCIA, MARIA"), "G*****, M****");
    }

    #[test]
    fn id_numbers_show_first_three_and_last_four() {
        assert_eq!(mask_id("110101195003071542"), "110***********1542");
        assert_eq!(mask_id("53010219770420361X"), "530***********361X");
        assert_eq!(mask_id("M98765432"), "M98**5432");
        assert_eq!(mask_id("1234"), "****");
    }
}
