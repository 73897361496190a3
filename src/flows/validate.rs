//! Validators for what citizens type: mainland mobile numbers, resident ID numbers
//! (GB 11643, ISO 7064 MOD 11-2 check digit) and unified social credit codes (GB 32100).

/// An 11-digit mainland mobile number: 1, then 3-9, then nine digits.
pub fn mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// An 18-character resident ID number whose check character is right (GB 11643); the
/// card driver's check, so a typed number and a read card are judged alike.
pub use kiosk_drivers::idcard::text::id_number_valid as id_number;

/// An 18-character unified social credit code whose check character is right (GB 32100).
pub fn uscc(s: &str) -> bool {
    // The code alphabet leaves out I, O, Z, S and V, which are easily misread.
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let up = s.to_ascii_uppercase();
    let vals: Option<Vec<usize>> = up.chars().map(|c| ALPHABET.find(c)).collect();
    let Some(vals) = vals else { return false };
    if vals.len() != 18 {
        return false;
    }
    let sum: usize = vals[..17].iter().zip(W).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    vals[17] == check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers() {
        assert!(mobile("13812345678"));
        assert!(mobile("19912345678"));
        assert!(
            !mobile("12812345678"),
            "second digit 2 is not a mobile prefix"
        );
        assert!(!mobile("1381234567"));
        assert!(!mobile("1381234567a"));
        assert!(!mobile("+8613812345678"));
    }

    #[test]
    fn id_numbers_check_digit() {
        // The fictional sample identities carry valid check digits.
        for ok in [
            "110101195003071542",
            "440306199008152330",
            "53010219770420361X",
            "53010219770420361x",
        ] {
            assert!(id_number(ok), "{ok}");
        }
        assert!(!id_number("110101195003071543"), "wrong check digit");
        assert!(!id_number("11010119500307154"), "too short");
        assert!(!id_number("11010119500307154Y"));
    }

    #[test]
    fn credit_codes_check_character() {
        // A well-known published code (Huawei Technologies Co., Ltd.).
        assert!(uscc("914403001922038216"));
        assert!(!uscc("914403001922038217"));
        assert!(!uscc("91440300192203821"), "too short");
        assert!(!uscc("91440300192203821I"), "I is not in the alphabet");
    }
}
