//! Payload schemes: what each scanned text means, signatures with the test key, and
//! hostile or broken input that must come back as `Unknown`, never a panic.

use kiosk_drivers::scanner::payload::{
    parse, HmacVerifier, KioskCode, SchemeContext, UnknownReason, TEST_KEY,
};

fn ctx() -> SchemeContext {
    SchemeContext {
        hall_id: "HZ01".into(),
        hall_hosts: vec!["hall.example.gov.cn".into(), "127.0.0.1:8080".into()],
        verifier: Some(Box::new(HmacVerifier::new(TEST_KEY))),
        staff_key: None,
    }
}

fn signed(text: &str) -> String {
    HmacVerifier::new(TEST_KEY).signed(text)
}

fn is_malformed(code: &KioskCode) -> bool {
    matches!(code, KioskCode::Unknown(UnknownReason::Malformed { .. }))
}

#[test]
fn appointment_codes_of_this_hall_signed_or_not() {
    let c = ctx();
    let want = KioskCode::Appointment {
        code: "Q7K2M9".into(),
    };
    assert_eq!(parse("hk:appt:v1:HZ01:Q7K2M9", &c), want);
    assert_eq!(parse(&signed("hk:appt:v1:HZ01:Q7K2M9"), &c), want);
    // Whitespace a scanner or phone adds around the code is ignored.
    assert_eq!(parse(" hk:appt:v1:HZ01:Q7K2M9\r\n", &c), want);
}

#[test]
fn a_forged_or_damaged_signature_is_bad_signature() {
    let c = ctx();
    let good = signed("hk:appt:v1:HZ01:Q7K2M9");
    // Same signature on another code.
    let moved = good.replace("Q7K2M9", "Q7K2M8");
    assert_eq!(parse(&moved, &c), KioskCode::BadSignature);
    // Signed with another key.
    let other = HmacVerifier::new(b"another hall's key").signed("hk:appt:v1:HZ01:Q7K2M9");
    assert_eq!(parse(&other, &c), KioskCode::BadSignature);
    // Not hex at all is malformed rather than a signature check.
    assert!(is_malformed(&parse("hk:appt:v1:HZ01:Q7K2M9:zz", &c)));
    // Uppercase hex is not how the backend writes it.
    let upper = format!(
        "hk:appt:v1:HZ01:Q7K2M9:{}",
        good.rsplit(':').next().unwrap().to_uppercase()
    );
    assert!(is_malformed(&parse(&upper, &c)));
}

#[test]
fn an_appointment_for_another_hall_names_that_hall() {
    assert_eq!(
        parse(&signed("hk:appt:v1:LX02:ABC"), &ctx()),
        KioskCode::OtherHallAppointment {
            hall_id: "LX02".into()
        }
    );
}

#[test]
fn ticket_receipt_and_provisional_receipt_urls() {
    let c = ctx();
    assert_eq!(
        parse("https://hall.example.gov.cn/track/t/20261105/A017", &c),
        KioskCode::Ticket {
            date: time::macros::date!(2026 - 11 - 05),
            ticket_no: "A017".into()
        }
    );
    assert_eq!(
        parse("HTTPS://HALL.example.gov.cn/track/r/R2026110500042", &c),
        KioskCode::Receipt {
            receipt_no: "R2026110500042".into()
        }
    );
    let key = "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f";
    assert_eq!(
        parse(&format!("https://hall.example.gov.cn/track/k/{key}"), &c),
        KioskCode::ProvisionalReceipt {
            key: uuid::Uuid::parse_str(key).unwrap()
        }
    );
    // The reference backend on loopback, listed with its port.
    assert!(matches!(
        parse("http://127.0.0.1:8080/track/r/R1", &c),
        KioskCode::Receipt { .. }
    ));
}

#[test]
fn bad_dates_numbers_and_keys_in_hall_urls_are_malformed() {
    let c = ctx();
    for url in [
        "https://hall.example.gov.cn/track/t/20260230/A017",
        "https://hall.example.gov.cn/track/t/2026115/A017",
        "https://hall.example.gov.cn/track/t/20261105/A%2F17",
        "https://hall.example.gov.cn/track/r/R%201",
        "https://hall.example.gov.cn/track/k/7f1c2d3e4b5a4c6d8e9f0a1b2c3d4e5f",
        "https://hall.example.gov.cn/track/k/not-a-uuid",
    ] {
        assert!(is_malformed(&parse(url, &c)), "{url}: {:?}", parse(url, &c));
    }
}

#[test]
fn other_pages_of_the_hall_are_hall_urls() {
    assert_eq!(
        parse("https://hall.example.gov.cn/guide/hukou?lang=zh", &ctx()),
        KioskCode::HallUrl("https://hall.example.gov.cn/guide/hukou?lang=zh".into())
    );
}

#[test]
fn foreign_hosts_and_disguised_hosts_are_unknown() {
    let c = ctx();
    for url in [
        "https://evil.example.com/track/t/20261105/A017",
        "https://hall.example.gov.cn.evil.example.com/track/r/1",
        "https://hall.example.gov.cn@evil.example.com/track/r/1",
        "https://user:pw@hall.example.gov.cn/track/r/1",
        "https://hall.example.gov.cn:8443/track/r/1",
        "http://127.0.0.1:9090/track/r/1",
    ] {
        assert!(
            matches!(
                parse(url, &c),
                KioskCode::Unknown(UnknownReason::ForeignUrl { .. })
            ),
            "{url}: {:?}",
            parse(url, &c)
        );
    }
}

#[test]
fn staff_codes_need_a_key_and_a_valid_signature() {
    let c = ctx();
    let code = signed("hk:staff:v1:S042:1790000000");
    assert_eq!(
        parse(&code, &c),
        KioskCode::Staff {
            staff_id: "S042".into(),
            expires: time::OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap(),
            nonce: None,
        }
    );
    let tampered = code.replace("1790000000", "1890000000");
    assert_eq!(parse(&tampered, &c), KioskCode::BadSignature);
    assert!(
        is_malformed(&parse("hk:staff:v1:S042:1790000000", &c)),
        "unsigned"
    );
    let no_key = SchemeContext {
        verifier: None,
        ..ctx()
    };
    assert_eq!(
        parse(&code, &no_key),
        KioskCode::Unknown(UnknownReason::Unverifiable)
    );
    assert!(is_malformed(&parse(
        &signed("hk:staff:v1:S042:99999999999999"),
        &c
    )));
}

#[test]
fn unknown_kinds_and_plain_text_are_unknown_with_a_reason() {
    let c = ctx();
    assert_eq!(parse("", &c), KioskCode::Unknown(UnknownReason::Empty));
    assert_eq!(parse("   ", &c), KioskCode::Unknown(UnknownReason::Empty));
    assert_eq!(
        parse("hk:pay:v1:123", &c),
        KioskCode::Unknown(UnknownReason::UnsupportedKind("pay:v1".into()))
    );
    assert_eq!(
        parse("hk:appt:v2:HZ01:X", &c),
        KioskCode::Unknown(UnknownReason::UnsupportedKind("appt:v2".into()))
    );
    assert_eq!(
        parse("合作市政务服务中心", &c),
        KioskCode::Unknown(UnknownReason::NotAKioskCode)
    );
    assert_eq!(
        parse("WIFI:S:hall;T:WPA;P:secret;;", &c),
        KioskCode::Unknown(UnknownReason::NotAKioskCode)
    );
    let long = "a".repeat(5000);
    assert_eq!(
        parse(&long, &c),
        KioskCode::Unknown(UnknownReason::TooLong { len: 5000 })
    );
    for bad in [
        "hk:",
        "hk:appt",
        "hk:appt:v1",
        "hk:appt:v1:HZ01",
        "hk:appt:v1::X",
        "hk:appt:v1:HZ01:预约",
        "hk:appt:v1:HZ01:A:B:C",
        "https://",
        "https://[::1",
    ] {
        let got = parse(bad, &c);
        assert!(matches!(got, KioskCode::Unknown(_)), "{bad}: {got:?}");
        // Every reason reads as a sentence for the log.
        if let KioskCode::Unknown(r) = got {
            assert!(!r.to_string().is_empty());
        }
    }
}

#[test]
fn verifier_round_trips_and_hides_its_key() {
    let v = HmacVerifier::from_hex(" 00ff10 \n").unwrap();
    let sig = v.sign(b"message");
    assert_eq!(sig.len(), 64);
    use kiosk_drivers::scanner::payload::CodeVerifier;
    assert!(v.verify(b"message", &sig));
    assert!(!v.verify(b"messagf", &sig));
    assert!(!format!("{v:?}").contains("00ff10"));
    assert!(HmacVerifier::from_hex("xyz").is_err());
}

/// Pay codes shown on a phone are told apart (by the apps' published number ranges) from
/// numbers that only look alike, and their digits stay in the code for the payment itself.
#[test]
fn payment_codes_are_recognised_by_their_ranges() {
    let ctx = SchemeContext {
        hall_id: "hezuo".into(),
        hall_hosts: vec![],
        verifier: None,
        staff_key: None,
    };
    for code in [
        "134567890123456789",
        "2812345678901234",
        "6212345678901234567",
    ] {
        assert_eq!(
            parse(code, &ctx),
            KioskCode::PaymentCode(code.into()),
            "{code}"
        );
    }
    // Too short, wrong length for WeChat, a prefix no app uses, letters.
    for text in [
        "13456789012345",
        "1345678901234567890",
        "9912345678901234",
        "13456789012345678x",
    ] {
        assert!(matches!(parse(text, &ctx), KioskCode::Unknown(_)), "{text}");
    }
}
