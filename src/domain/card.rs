//! An ID card as the kiosk's flows see it.

use time::Date;

use super::privacy::{mask_id, mask_name};

/// An ID card as the flows need it; the ID number stays whole only in memory for the
/// backend request and is wiped with the session.
#[derive(Clone, PartialEq, Eq)]
pub struct CardHolder {
    pub name: String,
    pub id_number: String,
    pub birth: Option<Date>,
    /// None: 长期 (long-term).
    pub valid_until: Option<Date>,
    /// False for a card type the hall cannot take (e.g. unknown type).
    pub usable: bool,
    /// The address on the card (residence cards); prefills forms, never shown whole.
    pub address: String,
}

/// Written by hand so a log line can never carry the name, number, birth date or address.
impl std::fmt::Debug for CardHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardHolder")
            .field("name", &mask_name(&self.name))
            .field("id_number", &mask_id(&self.id_number))
            .field("usable", &self.usable)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_out_birth_date_address_and_whole_numbers() {
        let h = CardHolder {
            name: "李秀英".into(),
            id_number: "110101195003071542".into(),
            birth: Some(time::macros::date!(1950 - 03 - 07)),
            valid_until: None,
            usable: true,
            address: "北京市东城区某街1号".into(),
        };
        let shown = format!("{h:?}");
        assert!(!shown.contains("110101195003071542"), "{shown}");
        assert!(!shown.contains("1950"), "{shown}");
        assert!(!shown.contains("东城区"), "{shown}");
        assert!(!shown.contains("秀"), "{shown}");
        assert!(shown.contains("110***********1542"), "{shown}");
    }
}
