//! The 256-byte text block of a card (UTF-16LE, fields padded with spaces), for the three
//! card types told apart by the flag at byte 248: resident ID card (none), Hong Kong /
//! Macau / Taiwan residence permit ('J'), foreign permanent resident ID card ('I', 2017).

use serde::Deserialize;
use time::Date;

pub const TEXT_LEN: usize = 256;
pub const PHOTO_LEN: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardType {
    Resident,
    HmtResidencePermit,
    ForeignPermanentResident,
}

/// The end of a card's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Until(Date),
    /// 长期
    LongTerm,
}

/// A decoded card. `Debug` masks the ID number and name; the photo stays opaque (WLT needs
/// a vendor decoder) and in memory only.
#[derive(Clone, PartialEq, Eq)]
pub struct IdCard {
    pub card_type: CardType,
    /// Chinese name (for foreign cards: the Chinese name, possibly empty).
    pub name: String,
    pub english_name: String,
    /// "男" / "女"
    pub sex: String,
    /// Ethnic group name (resident cards).
    pub nation: String,
    pub birth_date: Option<Date>,
    pub address: String,
    /// Resident ID number, permit's ID number, or foreign card number.
    pub id_number: String,
    pub issuer: String,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Validity>,
    pub permit_number: String,
    pub issue_count: String,
    pub nationality: String,
    pub card_version: String,
    pub authority_code: String,
    pub photo: Vec<u8>,
}

impl std::fmt::Debug for IdCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdCard")
            .field("card_type", &self.card_type)
            .field("id_number", &mask_id(&self.id_number))
            .field("birth_date", &self.birth_date)
            .field("valid_until", &self.valid_until)
            .finish_non_exhaustive()
    }
}

/// `110***********1542`
pub fn mask_id(id: &str) -> String {
    let c: Vec<char> = id.chars().collect();
    if c.len() < 8 {
        return "*".repeat(c.len());
    }
    let mut s: String = c[..3].iter().collect();
    s.push_str(&"*".repeat(c.len() - 7));
    s.extend(&c[c.len() - 4..]);
    s
}

/// GB 11643 check digit (ISO 7064 MOD 11-2) of an 18-character ID number.
pub fn id_number_valid(id: &str) -> bool {
    let c: Vec<char> = id.chars().collect();
    if c.len() != 18 || !c[..17].iter().all(char::is_ascii_digit) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = c[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| d.to_digit(10).unwrap_or(0) * w)
        .sum();
    c[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize] as char
}

impl IdCard {
    pub fn masked_id_number(&self) -> String {
        mask_id(&self.id_number)
    }

    pub fn id_number_valid(&self) -> bool {
        self.card_type == CardType::ForeignPermanentResident || id_number_valid(&self.id_number)
    }

    pub fn age_on(&self, today: Date) -> Option<u32> {
        let b = self.birth_date?;
        let mut age = today.year() - b.year();
        if (today.month() as u8, today.day()) < (b.month() as u8, b.day()) {
            age -= 1;
        }
        Some(age.max(0) as u32)
    }

    pub fn is_expired_on(&self, today: Date) -> bool {
        matches!(self.valid_until, Some(Validity::Until(d)) if d < today)
    }

    /// The JSON of `kiosk device idcard read --json`; the ID number masked unless `reveal`.
    pub fn to_json(&self, reveal: bool) -> serde_json::Value {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut v = serde_json::json!({
            "card_type": self.card_type,
            "name": if self.card_type == CardType::ForeignPermanentResident { &self.english_name } else { &self.name },
            "sex": self.sex,
            "birth_date": date(self.birth_date),
            "address": self.address,
            "id_number": if reveal { self.id_number.clone() } else { self.masked_id_number() },
            "id_number_valid": self.id_number_valid(),
            "issuer": self.issuer,
            "valid_from": date(self.valid_from),
            "valid_until": match self.valid_until {
                Some(Validity::Until(d)) => d.to_string(),
                Some(Validity::LongTerm) => "长期".to_string(),
                None => String::new(),
            },
        });
        match self.card_type {
            CardType::Resident => v["nation"] = self.nation.clone().into(),
            CardType::HmtResidencePermit => {
                v["permit_number"] = self.permit_number.clone().into();
                v["issue_count"] = self.issue_count.clone().into();
            }
            CardType::ForeignPermanentResident => {
                v["chinese_name"] = self.name.clone().into();
                v["nationality"] = self.nationality.clone().into();
            }
        }
        v
    }
}

/// Why a text block could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("text block is {0} bytes, expected 256")]
    Length(usize),
}

fn field(block: &[u8], start: usize, len: usize) -> String {
    let bytes = block.get(start..start + len).unwrap_or(&[]);
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
        .trim_end_matches([' ', '\0'])
        .to_string()
}

/// Length of the appended-address block (30 03): 70 bytes of UTF-16LE, like the address.
pub const NEW_ADDRESS_LEN: usize = 70;

/// Decodes the appended-address block; None when it is blank.
pub fn decode_new_address(block: &[u8]) -> Option<String> {
    let a = field(block, 0, block.len().min(NEW_ADDRESS_LEN));
    (!a.trim().is_empty()).then_some(a)
}

/// Encodes an appended address, as a reader sends it.
pub fn encode_new_address(address: &str) -> [u8; NEW_ADDRESS_LEN] {
    let mut b = [0u8; NEW_ADDRESS_LEN];
    put(&mut b, 0, NEW_ADDRESS_LEN, address);
    b
}

fn date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = s[..4].parse().ok()?;
    let m: u8 = s[4..6].parse().ok()?;
    let d: u8 = s[6..8].parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

fn validity(s: &str) -> Option<Validity> {
    if s.contains("长期") {
        Some(Validity::LongTerm)
    } else {
        date(s).map(Validity::Until)
    }
}

fn sex(code: &str) -> String {
    match code {
        "1" | "M" => "男".into(),
        "2" | "F" => "女".into(),
        other => other.into(),
    }
}

/// Ethnic group names by code (GB 3304).
pub fn nation_name(code: &str) -> String {
    const NAMES: [&str; 56] = [
        "汉",
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    ];
    match code.parse::<usize>() {
        Ok(n @ 1..=56) => NAMES[n - 1].to_string(),
        Ok(97) => "其他".into(),
        Ok(98) => "外国血统中国籍人士".into(),
        _ => code.to_string(),
    }
}

/// Decodes a 256-byte text block (and keeps the photo as opaque bytes).
pub fn decode(text: &[u8], photo: &[u8]) -> Result<IdCard, TextError> {
    if text.len() != TEXT_LEN {
        return Err(TextError::Length(text.len()));
    }
    let flag = field(text, 248, 2);
    let mut card = IdCard {
        card_type: CardType::Resident,
        name: String::new(),
        english_name: String::new(),
        sex: String::new(),
        nation: String::new(),
        birth_date: None,
        address: String::new(),
        id_number: String::new(),
        issuer: String::new(),
        valid_from: None,
        valid_until: None,
        permit_number: String::new(),
        issue_count: String::new(),
        nationality: String::new(),
        card_version: String::new(),
        authority_code: String::new(),
        photo: photo.to_vec(),
    };
    if flag == "I" {
        card.card_type = CardType::ForeignPermanentResident;
        card.english_name = field(text, 0, 120);
        card.sex = sex(&field(text, 120, 2));
        card.id_number = field(text, 122, 30);
        card.nationality = field(text, 152, 6);
        card.name = field(text, 158, 30);
        card.valid_from = date(&field(text, 188, 16));
        card.valid_until = validity(&field(text, 204, 16));
        card.birth_date = date(&field(text, 220, 16));
        card.card_version = field(text, 236, 4);
        card.authority_code = field(text, 240, 8);
        return Ok(card);
    }
    card.name = field(text, 0, 30);
    card.sex = sex(&field(text, 30, 2));
    let nation = field(text, 32, 4);
    card.birth_date = date(&field(text, 36, 16));
    card.address = field(text, 52, 70);
    card.id_number = field(text, 122, 36);
    card.issuer = field(text, 158, 30);
    card.valid_from = date(&field(text, 188, 16));
    card.valid_until = validity(&field(text, 204, 16));
    if flag == "J" {
        card.card_type = CardType::HmtResidencePermit;
        card.permit_number = field(text, 220, 18);
        card.issue_count = field(text, 238, 4);
    } else {
        card.nation = nation_name(&nation);
    }
    Ok(card)
}

/// A fictional identity for the simulator (drivers/data/identities.toml).
#[derive(Debug, Clone, Deserialize)]
pub struct Identity {
    pub card_type: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub nation: String,
    #[serde(default)]
    pub birth: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: String,
    #[serde(default)]
    pub permit_number: String,
    #[serde(default)]
    pub issue_count: String,
    #[serde(default)]
    pub english_name: String,
    #[serde(default)]
    pub chinese_name: String,
    #[serde(default)]
    pub card_number: String,
    #[serde(default)]
    pub nationality: String,
    #[serde(default)]
    pub card_version: String,
    #[serde(default)]
    pub authority_code: String,
    /// The address written on the back by a police station after a move (追加地址), read
    /// with 30 03; empty when there is none.
    #[serde(default)]
    pub new_address: String,
}

fn put(block: &mut [u8], start: usize, len: usize, text: &str) {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    units.truncate(len / 2);
    units.resize(len / 2, u16::from(b' '));
    for (i, u) in units.iter().enumerate() {
        block[start + 2 * i..start + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
    }
}

/// Encodes an identity into the card's text block, as a reader sends it.
pub fn encode(id: &Identity) -> [u8; TEXT_LEN] {
    let mut b = [0u8; TEXT_LEN];
    put(&mut b, 0, TEXT_LEN, "");
    match id.card_type.as_str() {
        "foreign_permanent_resident" => {
            put(&mut b, 0, 120, &id.english_name);
            put(&mut b, 120, 2, &id.sex);
            put(&mut b, 122, 30, &id.card_number);
            put(&mut b, 152, 6, &id.nationality);
            put(&mut b, 158, 30, &id.chinese_name);
            put(&mut b, 188, 16, &id.valid_from);
            put(&mut b, 204, 16, &id.valid_until);
            put(&mut b, 220, 16, &id.birth);
            put(&mut b, 236, 4, &id.card_version);
            put(&mut b, 240, 8, &id.authority_code);
            put(&mut b, 248, 2, "I");
        }
        kind => {
            put(&mut b, 0, 30, &id.name);
            put(&mut b, 30, 2, &id.sex);
            put(&mut b, 32, 4, &id.nation);
            put(&mut b, 36, 16, &id.birth);
            put(&mut b, 52, 70, &id.address);
            put(&mut b, 122, 36, &id.id_number);
            put(&mut b, 158, 30, &id.issuer);
            put(&mut b, 188, 16, &id.valid_from);
            put(&mut b, 204, 16, &id.valid_until);
            if kind == "hmt_residence_permit" {
                put(&mut b, 220, 18, &id.permit_number);
                put(&mut b, 238, 4, &id.issue_count);
                put(&mut b, 248, 2, "J");
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identities() -> Vec<Identity> {
        #[derive(Deserialize)]
        struct File {
            card: Vec<Identity>,
        }
        toml::from_str::<File>(include_str!("../../data/identities.toml"))
            .unwrap()
            .card
    }

    #[test]
    fn every_sample_identity_round_trips_through_the_text_block() {
        for id in identities() {
            let card = decode(&encode(&id), &[0; PHOTO_LEN]).unwrap();
            match id.card_type.as_str() {
                "foreign_permanent_resident" => {
                    assert_eq!(card.card_type, CardType::ForeignPermanentResident);
                    assert_eq!(card.english_name, id.english_name);
                    assert_eq!(card.name, id.chinese_name);
                    assert_eq!(card.nationality, "ESP");
                    assert_eq!(card.id_number, id.card_number);
                }
                kind => {
                    assert_eq!(card.name, id.name, "{kind}");
                    assert_eq!(card.id_number, id.id_number);
                    assert!(
                        card.id_number_valid(),
                        "{} has a valid check digit",
                        card.masked_id_number()
                    );
                    assert_eq!(card.address, id.address);
                }
            }
            assert!(card.birth_date.is_some());
        }
    }

    #[test]
    fn rare_character_elderly_and_expired_cards_decode_right() {
        let ids = identities();
        let rare = decode(&encode(&ids[2]), &[]).unwrap();
        assert_eq!(rare.name, "陈𠈌", "a surrogate pair in UTF-16LE");
        let elderly = decode(&encode(&ids[0]), &[]).unwrap();
        let today = Date::from_calendar_date(2026, time::Month::November, 24).unwrap();
        assert_eq!(elderly.age_on(today), Some(76));
        assert_eq!(elderly.valid_until, Some(Validity::LongTerm));
        assert_eq!(elderly.nation, "汉");
        assert_eq!(elderly.sex, "女");
        let permit = decode(&encode(&ids[4]), &[]).unwrap();
        assert_eq!(permit.card_type, CardType::HmtResidencePermit);
        assert_eq!(permit.permit_number, "M98765432");
        assert!(permit.is_expired_on(today));
    }

    #[test]
    fn debug_and_json_mask_the_id_number() {
        let card = decode(&encode(&identities()[0]), &[]).unwrap();
        let dbg = format!("{card:?}");
        assert!(dbg.contains("110***********1542") && !dbg.contains("110101195003071542"));
        assert_eq!(card.to_json(false)["id_number"], "110***********1542");
        assert_eq!(card.to_json(true)["id_number"], "110101195003071542");
    }

    #[test]
    fn wrong_length_is_an_error() {
        assert_eq!(decode(&[0; 10], &[]), Err(TextError::Length(10)));
    }
}
