//! A kiosk whose Tibetan font is missing (here: the override names a file that is not
//! there) still prints every bilingual ticket, in Chinese. Its own test binary, because the
//! face is looked up once a process and the environment must be set before that.

use kiosk_drivers::printer::document::{pages_of, Block};
use kiosk_drivers::printer::layout::{self, JobBuilder, RasterError, TicketSlip, TicketTibetan};
use kiosk_drivers::printer::shaped::{self, ShapeError, FONT_ENV};
use kiosk_drivers::printer::{PaperWidth, Profile};

#[test]
fn a_missing_tibetan_font_leaves_a_chinese_ticket_and_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    // The only test of this binary, so no other thread reads the environment meanwhile.
    std::env::set_var(FONT_ENV, dir.path().join("missing.ttf"));
    assert_eq!(shaped::face().unwrap_err(), ShapeError::NoFont);

    let slip = TicketSlip {
        hall: "合作市政务服务中心".into(),
        category: "社保医保".into(),
        number: "A023".into(),
        waiting_ahead: Some(5),
        wait_minutes: Some(15),
        windows: "3 号窗口".into(),
        issued_at: "2026-11-24 09:41".into(),
        follow_url: Some("https://hall.example.gov.cn/q/A023".into()),
        offline: false,
        priority: String::new(),
        appointment: None,
        tibetan: Some(TicketTibetan {
            hall: Some("གཙོས་གྲོང་ཁྱེར་སྲིད་གཞུང་ཞབས་ཞུའི་ལྟེ་གནས།".into()),
            category: None,
        }),
    };
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let p = Profile {
            width,
            ..Profile::default()
        };
        let job = layout::ticket(p, &slip).unwrap();
        let page = &pages_of(&job.bytes)[0];
        assert!(!page.blocks.iter().any(|b| matches!(b, Block::Image { .. })));
        let text = page.text();
        for want in ["合作市政务服务中心", "A023", "5 人", "请留意叫号屏幕和广播"]
        {
            assert!(text.contains(want), "{want}:\n{text}");
        }
        assert_eq!(
            page.qr_payloads(),
            vec!["https://hall.example.gov.cn/q/A023"]
        );
    }

    let mut j = JobBuilder::new(Profile::default()).unwrap();
    assert!(!j.can_raster());
    assert!(matches!(
        j.raster_text("བཀྲ་ཤིས།"),
        Err(RasterError::Font(ShapeError::NoFont))
    ));
    std::env::remove_var(FONT_ENV);
}
