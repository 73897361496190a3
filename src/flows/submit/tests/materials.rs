//! The materials page: how each material comes, the commitment, the delivery, the review.

use super::*;

#[test]
fn materials_start_provided_or_shared_and_shared_stays_shared() {
    let mut w = World::at_materials();
    let fx = w.send(Input::Next);
    assert_eq!(shows(&fx), Some(View::Review));
    let mut w = World::at_materials();
    assert_eq!(w.send(Input::SetMaterial(0, MaterialStatus::Missing)), []);
    // Only a waivable material may come later.
    let fx = w.send(Input::SetMaterial(1, MaterialStatus::Commitment));
    assert_eq!(
        materials_of(&fx).materials[1].status,
        MaterialStatus::Provided
    );
    let fx = w.send(Input::SetMaterial(2, MaterialStatus::Commitment));
    let view = materials_of(&fx);
    assert_eq!(view.materials[0].status, MaterialStatus::Shared);
    assert_eq!(view.materials[2].status, MaterialStatus::Commitment);
    assert_eq!(view.materials[2].note.zh, "10日内补交");
    assert!(view.commitment_needed);
}

#[test]
fn a_required_material_missing_blocks_the_review() {
    let mut w = World::at_materials();
    w.send(Input::SetMaterial(1, MaterialStatus::Missing));
    let fx = w.send(Input::Next);
    assert_eq!(shows(&fx), None);
    assert_eq!(materials_of(&fx).problem, Some(MaterialsProblem::Missing));
    // Touching a material again takes the message away.
    let fx = w.send(Input::SetMaterial(1, MaterialStatus::Provided));
    assert_eq!(materials_of(&fx).problem, None);
    // An optional one may be missing.
    w.send(Input::SetMaterial(3, MaterialStatus::Missing));
    assert_eq!(shows(&w.send(Input::Next)), Some(View::Review));
}

#[test]
fn a_commitment_needs_the_commitment_accepted() {
    let mut w = World::at_materials();
    w.send(Input::SetMaterial(2, MaterialStatus::Commitment));
    let fx = w.send(Input::Next);
    assert_eq!(
        materials_of(&fx).problem,
        Some(MaterialsProblem::Commitment)
    );
    let fx = w.send(Input::ToggleCommitment);
    assert!(materials_of(&fx).commitment_accepted);
    assert_eq!(shows(&w.send(Input::Next)), Some(View::Review));
}

#[test]
fn mail_needs_an_address_and_typing_one_clears_the_problem() {
    let mut w = World::at_materials();
    w.send(Input::SetMail(true));
    let fx = w.send(Input::Next);
    assert_eq!(materials_of(&fx).problem, Some(MaterialsProblem::Address));
    let fx = w.send(Input::Focus(ADDRESS.into()));
    assert!(fx.contains(&Effect::Keyboard {
        key: ADDRESS.into(),
        keys: Keys::Pinyin,
        max_len: ADDRESS_MAX,
        label: "邮寄地址".into()
    }));
    let fx = w.typed(ADDRESS, "   ");
    assert_eq!(materials_of(&fx).problem, Some(MaterialsProblem::Address));
    let fx = w.typed(ADDRESS, "合作市当周街道 12 号\n");
    let view = materials_of(&fx);
    assert_eq!(view.problem, None);
    assert_eq!(view.address, "合作市当周街道 12 号");
    assert_eq!(shows(&w.send(Input::Next)), Some(View::Review));
    let (_, order) = order_of(&w.send(Input::Confirm)).unwrap();
    assert_eq!(order.mail_to.as_deref(), Some("合作市当周街道 12 号"));
}

#[test]
fn pickup_puts_the_address_keyboard_away() {
    let mut w = World::at_materials();
    w.send(Input::SetMail(true));
    w.send(Input::Focus(ADDRESS.into()));
    let fx = w.send(Input::SetMail(false));
    assert!(fx.contains(&Effect::HideKeyboard));
    assert!(!materials_of(&fx).mail);
}

#[test]
fn the_review_shows_the_id_number_masked_and_how_each_material_comes() {
    let mut w = World::at_materials();
    let fx = w.send(Input::Next);
    let rows = fx
        .iter()
        .find_map(|e| match e {
            Effect::Review(rows) => Some(rows.clone()),
            _ => None,
        })
        .unwrap();
    let values: Vec<&str> = rows
        .iter()
        .filter_map(|r| match r {
            ReviewRow::Field { value, .. } => Some(value.as_str()),
            _ => None,
        })
        .collect();
    assert!(values.contains(&"110***********1542"), "{values:?}");
    assert!(!values.iter().any(|v| v.contains(LI_ID)));
    assert!(values.contains(&"13912345678"));
    assert!(rows.iter().any(|r| matches!(
        r,
        ReviewRow::Material {
            status: MaterialStatus::Shared,
            ..
        }
    )));
    assert_eq!(
        rows.last(),
        Some(&ReviewRow::Delivery {
            mail: false,
            address: String::new()
        }),
        "picked up at the window"
    );
}
