//! The flow's views written into the `Submit` global, and its enums as Slint's.

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::domain;
use crate::flows::form::{Kind, Problem};
use crate::flows::submit::{self as flow, Choice, FieldRow, MaterialsView, View};
use crate::ui::{
    AppWindow, CardProblem, FieldKind, FieldProblem, FormFieldRow, ItemChoice, MaterialPick,
    MaterialStatus, MaterialsError, PrintState, ReviewKind, ReviewRow, Screen, Submit,
    SubmitFailure,
};

pub(super) fn items(w: &AppWindow, items: Vec<Choice>) {
    let rows: Vec<ItemChoice> = items
        .into_iter()
        .map(|i| ItemChoice {
            code: i.code.into(),
            name: i.name.into(),
        })
        .collect();
    w.global::<Submit>()
        .set_items(ModelRc::new(VecModel::from(rows)));
}

pub(super) fn form(w: &AppWindow, fields: Vec<FieldRow>, focused: String) {
    let rows: Vec<FormFieldRow> = fields
        .into_iter()
        .map(|f| FormFieldRow {
            key: f.key.into(),
            label: f.label.into(),
            kind: field_kind(&f.kind),
            value: f.value.into(),
            error: f.problem.map_or(FieldProblem::None, field_problem),
            from_card: f.from_card,
            required: f.required,
            choices: if f.choices.is_empty() {
                ModelRc::default()
            } else {
                ModelRc::new(VecModel::from(
                    f.choices
                        .into_iter()
                        .map(SharedString::from)
                        .collect::<Vec<_>>(),
                ))
            },
        })
        .collect();
    let s = w.global::<Submit>();
    s.set_fields(ModelRc::new(VecModel::from(rows)));
    s.set_focused(focused.into());
}

pub(super) fn materials(w: &AppWindow, view: MaterialsView) {
    let rows: Vec<MaterialPick> = view
        .materials
        .into_iter()
        .map(|m| MaterialPick {
            name: m.name.into(),
            note: m.note.into(),
            status: ui_material_status(m.status),
            can_commit: m.can_commit,
        })
        .collect();
    let s = w.global::<Submit>();
    s.set_materials(ModelRc::new(VecModel::from(rows)));
    s.set_commitment_needed(view.commitment_needed);
    s.set_commitment_accepted(view.commitment_accepted);
    s.set_mail(view.mail);
    s.set_address(view.address.into());
    s.set_materials_error(materials_error(view.problem));
    s.set_focused(view.focused.into());
}

pub(super) fn review(w: &AppWindow, rows: Vec<flow::ReviewRow>) {
    let rows: Vec<ReviewRow> = rows
        .into_iter()
        .map(|r| match r {
            flow::ReviewRow::Field { label, value } => ReviewRow {
                kind: ReviewKind::Field,
                label: label.into(),
                value: value.into(),
                ..ReviewRow::default()
            },
            flow::ReviewRow::Material { name, status } => ReviewRow {
                kind: ReviewKind::Material,
                material: name.into(),
                status: ui_material_status(status),
                ..ReviewRow::default()
            },
            flow::ReviewRow::Delivery { mail, address } => ReviewRow {
                kind: ReviewKind::Delivery,
                value: address.into(),
                mail,
                ..ReviewRow::default()
            },
        })
        .collect();
    w.global::<Submit>()
        .set_review(ModelRc::new(VecModel::from(rows)));
}

/// Every property that may hold what a citizen typed or was told goes back to its default.
pub(super) fn clear(w: &AppWindow) {
    let s = w.global::<Submit>();
    s.set_payable(false);
    s.set_fields(ModelRc::default());
    s.set_review(ModelRc::default());
    s.set_materials(ModelRc::default());
    s.set_address("".into());
    s.set_card_problem(CardProblem::None);
    s.set_receipt_no("".into());
    s.set_provisional(false);
    s.set_promised_date("".into());
    s.set_print_state(PrintState::None);
    s.set_failure(SubmitFailure::None);
    s.set_focused("".into());
    s.set_materials_error(MaterialsError::None);
    s.set_commitment_accepted(false);
    s.set_mail(false);
}

pub(super) fn screen_of(view: View) -> Screen {
    match view {
        View::Pick => Screen::SubmitPick,
        View::Card => Screen::SubmitCard,
        View::Form => Screen::SubmitForm,
        View::Materials => Screen::SubmitMaterials,
        View::Review => Screen::SubmitReview,
        View::Sending => Screen::SubmitSending,
        View::Done => Screen::SubmitDone,
        View::Failed => Screen::SubmitFailed,
    }
}

pub(super) fn card_problem(p: flow::CardProblem) -> CardProblem {
    match p {
        flow::CardProblem::ReadFailed => CardProblem::ReadFailed,
        flow::CardProblem::ReaderOffline => CardProblem::ReaderOffline,
        flow::CardProblem::Expired => CardProblem::Expired,
    }
}

pub(super) fn failure(f: flow::Failure) -> SubmitFailure {
    match f {
        flow::Failure::Broken => SubmitFailure::Broken,
        flow::Failure::Store => SubmitFailure::Store,
        flow::Failure::Refused => SubmitFailure::Refused,
    }
}

pub(super) fn print_state(p: flow::PrintState) -> PrintState {
    match p {
        flow::PrintState::Printed => PrintState::Printed,
        flow::PrintState::PaperOut => PrintState::PaperOut,
        flow::PrintState::Failed => PrintState::Failed,
    }
}

fn materials_error(p: Option<flow::MaterialsProblem>) -> MaterialsError {
    match p {
        None => MaterialsError::None,
        Some(flow::MaterialsProblem::Missing) => MaterialsError::Missing,
        Some(flow::MaterialsProblem::Commitment) => MaterialsError::Commitment,
        Some(flow::MaterialsProblem::Address) => MaterialsError::Address,
    }
}

/// What the citizen tapped, in the domain's words.
pub(super) fn material_status(status: MaterialStatus) -> domain::MaterialStatus {
    match status {
        MaterialStatus::Provided => domain::MaterialStatus::Provided,
        MaterialStatus::Shared => domain::MaterialStatus::Shared,
        MaterialStatus::Commitment => domain::MaterialStatus::Commitment,
        MaterialStatus::Missing => domain::MaterialStatus::Missing,
    }
}

fn ui_material_status(status: domain::MaterialStatus) -> MaterialStatus {
    match status {
        domain::MaterialStatus::Provided => MaterialStatus::Provided,
        domain::MaterialStatus::Shared => MaterialStatus::Shared,
        domain::MaterialStatus::Commitment => MaterialStatus::Commitment,
        domain::MaterialStatus::Missing => MaterialStatus::Missing,
    }
}

fn field_kind(kind: &Kind) -> FieldKind {
    match kind {
        Kind::Text => FieldKind::Text,
        Kind::Phone => FieldKind::Phone,
        Kind::IdNumber => FieldKind::IdNumber,
        Kind::Uscc => FieldKind::Uscc,
        Kind::Date => FieldKind::Date,
        Kind::Number => FieldKind::Number,
        Kind::Choice(_) => FieldKind::Choice,
    }
}

fn field_problem(problem: Problem) -> FieldProblem {
    match problem {
        Problem::Required => FieldProblem::Required,
        Problem::Phone => FieldProblem::Phone,
        Problem::IdNumber => FieldProblem::IdNumber,
        Problem::Uscc => FieldProblem::Uscc,
        Problem::Date => FieldProblem::Date,
        Problem::Number => FieldProblem::Number,
        Problem::Choice => FieldProblem::Choice,
    }
}
