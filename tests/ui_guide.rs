//! Service guides on the touch screen: browse, search by pinyin initials with the on-screen
//! letters, open a guide and read its one-time notice of materials.

use std::rc::Rc;

use hall_kiosk::app::{screens::sample_catalog, Kiosk, UiOptions};
use hall_kiosk::ui::{Feature, Guide, Nav, Screen};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use slint::platform::PointerEventButton;
use slint::{ComponentHandle, Model};

fn kiosk() -> Rc<Kiosk> {
    i_slint_backend_testing::init_no_event_loop();
    let kiosk = Kiosk::new(UiOptions::default()).unwrap();
    kiosk.set_catalog(&sample_catalog());
    kiosk
        .window()
        .window()
        .set_size(slint::PhysicalSize::new(1080, 1920));
    kiosk.window().show().unwrap();
    kiosk
}

fn tap(kiosk: &Kiosk, label: &str) {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .unwrap_or_else(|| panic!("a button labelled {label:?}"))
        .mock_single_click(PointerEventButton::Left);
}

fn shows(kiosk: &Kiosk, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(kiosk.window(), label)
        .next()
        .is_some()
}

fn listed(kiosk: &Kiosk) -> Vec<String> {
    let rows = kiosk.window().global::<Guide>().get_rows();
    rows.iter().map(|r| r.name.zh.to_string()).collect()
}

#[test]
fn pinyin_initials_typed_on_screen_find_the_guide() {
    let kiosk = kiosk();
    tap(&kiosk, "办事指南");
    assert_eq!(
        kiosk.window().global::<Nav>().get_screen(),
        Screen::GuideList
    );
    assert_eq!(listed(&kiosk).len(), 9, "all items of the sample catalog");
    for k in ["Q", "Y", "S", "L"] {
        tap(&kiosk, k);
    }
    assert_eq!(kiosk.window().global::<Guide>().get_query(), "QYSL");
    assert_eq!(listed(&kiosk), ["企业设立登记"]);
    tap(&kiosk, "删除");
    tap(&kiosk, "清空");
    assert_eq!(listed(&kiosk).len(), 9);
}

#[test]
fn category_and_bundle_filters() {
    let kiosk = kiosk();
    kiosk.open(Feature::Guide);
    tap(&kiosk, "不动产登记");
    assert_eq!(listed(&kiosk), ["不动产转移登记（二手房买卖）"]);
    tap(&kiosk, "一件事一次办");
    assert_eq!(listed(&kiosk), ["我要开办药店（一件事一次办）"]);
    tap(&kiosk, "我要开办药店（一件事一次办）");
    assert_eq!(listed(&kiosk), ["企业设立登记", "药品零售企业许可"]);
}

#[test]
fn guide_page_tells_every_material_once() {
    let kiosk = kiosk();
    kiosk.open(Feature::Guide);
    tap(&kiosk, "企业设立登记");
    assert_eq!(
        kiosk.window().global::<Nav>().get_screen(),
        Screen::GuideDetail
    );
    assert!(shows(&kiosk, "公司章程 原件 1 份 "));
    assert!(shows(
        &kiosk,
        "股东主体资格文件或自然人身份证件 复印件 1 份 身份证件可通过电子证照共享，免于提交"
    ));
    assert!(shows(&kiosk, "住所使用证明 复印件 1 份 可承诺后补"));
    tap(&kiosk, "返回上一步");
    assert_eq!(
        kiosk.window().global::<Nav>().get_screen(),
        Screen::GuideList
    );
}

/// 繁體 converts the catalog (written in simplified Chinese) phrase by phrase: nothing on a
/// guide page is left with a character that has a traditional form.
#[test]
fn under_traditional_chinese_no_catalog_text_stays_simplified() {
    use hall_kiosk::domain::catalog::traditional;
    use hall_kiosk::ui::CatalogText;
    let kiosk = kiosk();
    kiosk.set_locale(hall_kiosk::platform::config::Locale::ZhTw);
    kiosk.open(Feature::Guide);
    let g = kiosk.window().global::<Guide>();
    let codes: Vec<String> = g.get_rows().iter().map(|r| r.code.to_string()).collect();
    assert!(codes.len() >= 9);
    let mut checked = 0;
    for code in codes {
        g.invoke_open(code.as_str().into());
        let mut texts: Vec<CatalogText> = vec![
            g.get_name(),
            g.get_department(),
            g.get_kind(),
            g.get_basis(),
            g.get_fee(),
            g.get_windows(),
        ];
        texts.extend(g.get_conditions().iter());
        texts.extend(g.get_steps().iter());
        for m in g.get_materials().iter() {
            texts.push(m.name);
            texts.push(m.note);
        }
        for t in texts {
            assert_eq!(
                traditional(&t.tw),
                t.tw.as_str(),
                "{:?} has simplified characters left",
                t.tw
            );
            checked += 1;
        }
        g.invoke_back_to_list();
    }
    assert!(checked > 100, "{checked} texts checked");
    // On the screen, the traditional form, not the simplified one.
    g.invoke_open("620000-001-XK-01".into());
    assert!(shows(&kiosk, "企業設立登記"));
    assert!(!shows(&kiosk, "企业设立登记"));
}

/// In English a guide is in the catalog's English, each material's Chinese name beneath it
/// for the window staff.
#[test]
fn in_english_a_guide_shows_the_catalogs_english_with_the_chinese_beneath() {
    let kiosk = kiosk();
    kiosk.set_locale(hall_kiosk::platform::config::Locale::En);
    kiosk.open(Feature::Guide);
    tap(&kiosk, "Business establishment registration");
    assert_eq!(
        kiosk.window().global::<Nav>().get_screen(),
        Screen::GuideDetail
    );
    assert!(shows(&kiosk, "企业设立登记"), "the name in Chinese beneath");
    assert!(
        shows(&kiosk, "1. Articles of association") || shows(&kiosk, "2. Articles of association")
    );
    assert!(
        shows(&kiosk, "公司章程"),
        "the material's Chinese name beneath"
    );
    assert!(!shows(&kiosk, "2. 公司章程"));
}
