//! Renders the kiosk's printed slips to PNG, for people to look at (docs/printed/).
//!
//! `cargo run -p kiosk-drivers --example print_samples -- OUT_DIR`

use kiosk_drivers::printer::document::pages_of;
use kiosk_drivers::printer::layout::{
    self, ChecklistSlip, Material, ReceiptSlip, TicketSlip, TicketTibetan,
};
use kiosk_drivers::printer::{render, PaperWidth, Profile};

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&out).expect("output directory");
    let ticket = TicketSlip {
        hall: "示例县政务服务中心".into(),
        category: "社保医保".into(),
        number: "A023".into(),
        waiting_ahead: Some(5),
        wait_minutes: Some(15),
        windows: "3、4 号窗口".into(),
        issued_at: "2026-11-24 09:41".into(),
        follow_url: Some("https://hall.example.gov.cn/q/A023".into()),
        offline: false,
        priority: "老年人优先".into(),
        appointment: None,
        tibetan: None,
    };
    // The same ticket taken in the Tibetan UI: Tibetan raster lines under the Chinese.
    let ticket_bo = TicketSlip {
        tibetan: Some(TicketTibetan {
            hall: Some("དཔེ་མཚོན་རྫོང་སྲིད་གཞུང་ཞབས་ཞུའི་ལྟེ་གནས།".into()),
            category: Some("སྤྱི་ཚོགས་འགན་སྲུང་དང་སྨན་བཅོས་འགན་སྲུང་།".into()),
        }),
        ..ticket.clone()
    };
    let checklist = ChecklistSlip {
        hall: "示例县政务服务中心".into(),
        item: "城乡居民基本养老保险参保登记".into(),
        materials: vec![
            Material {
                name: "居民身份证或户口簿".into(),
                originals: 1,
                copies: 1,
                note: String::new(),
            },
            Material {
                name: "本人近期一寸免冠白底彩色照片".into(),
                originals: 2,
                copies: 0,
                note: "已有社保卡的无需提供".into(),
            },
        ],
        hand_in: "一楼 3 号综合受理窗口".into(),
        printed_at: "2026-11-24 09:41".into(),
        guide_url: Some("https://hall.example.gov.cn/g/370000-001".into()),
    };
    let receipt = ReceiptSlip {
        hall: "示例县政务服务中心".into(),
        title: "投诉回执".into(),
        receipt_no: "TS20261124-0003".into(),
        item: "办不成事反映".into(),
        applicant: "张*".into(),
        submitted_at: "2026-11-24 09:41".into(),
        progress_url: Some("https://hall.example.gov.cn/c/TS20261124-0003".into()),
        note: "我们将在 1 个工作日内联系您。".into(),
    };
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let p = Profile {
            width,
            ..Profile::default()
        };
        let mm = if width == PaperWidth::Mm80 { 80 } else { 58 };
        let jobs = [
            ("ticket", layout::ticket(p, &ticket)),
            ("ticket-bo", layout::ticket(p, &ticket_bo)),
            ("checklist", layout::checklist(p, &checklist)),
            ("receipt", layout::receipt(p, &receipt)),
            (
                "test-page",
                layout::test_page(p, "K-01", "2026-11-24 09:41:00"),
            ),
        ];
        for (name, job) in jobs {
            let job = job.expect("layout");
            let page = &pages_of(&job.bytes)[0];
            let path = out.join(format!("{name}-{mm}mm.png"));
            render::save_png(&render::render(page, width.dots()), &path).expect("png");
            println!("{} ({} bytes of ESC/POS)", path.display(), job.bytes.len());
        }
    }
}
