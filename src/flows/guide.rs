//! 办事指南 as a state machine without I/O: the list (by category, by 一件事一次办 bundle,
//! or by pinyin initials typed on the screen's letters), a guide's page with its materials,
//! and the printed material checklist. The controller feeds it what the citizen did and
//! carries out what it asks.

use crate::domain::catalog::{GuideItem, Guides, Material, Text};
use crate::domain::PrintOutcome;

/// The category code that lists the bundles themselves.
pub const BUNDLES: &str = "bundles";
/// Longest search, in letters: initials of a long name, not a stuck key.
pub const MAX_QUERY: usize = 16;

/// The flow's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    Detail,
}

/// A category to filter by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub name: Text,
}

/// One line of the list: a guide, or a bundle of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub code: String,
    pub name: Text,
    /// The department, or for a bundle the guides it joins.
    pub sub: Text,
    pub days: u32,
    pub self_service: bool,
    pub bundle: bool,
}

/// Whether the citizen brings a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialStatus {
    Bring,
    /// The hall has it already (电子证照共享); the note says from where.
    Shared,
    /// May follow later on a written promise (告知承诺); the note says how.
    Waivable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialLine {
    pub name: Text,
    pub original: u32,
    pub copies: u32,
    pub status: MaterialStatus,
    pub note: Text,
}

/// A guide's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub name: Text,
    pub department: Text,
    pub kind: Text,
    pub basis: Text,
    pub conditions: Vec<Text>,
    pub steps: Vec<Text>,
    pub materials: Vec<MaterialLine>,
    pub legal_days: u32,
    pub promised_days: u32,
    pub fee: Text,
    pub trips: u32,
    pub windows: Text,
    pub online: bool,
    pub self_service: bool,
    /// Its fees can be paid here (缴费).
    pub payable: bool,
}

/// What became of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintState {
    Printing,
    Printed,
    PaperOut,
    Failed,
}

/// What the citizen and the desk did.
#[derive(Debug, Clone)]
pub enum Input {
    /// The 办事指南 tile: the whole list, afresh.
    Start,
    /// A new catalog is in the context.
    Catalog,
    /// A letter, "backspace" or "clear" of the search keys.
    Key(String),
    ChooseCategory(String),
    /// A row: a bundle lists its guides, a guide opens its page.
    Open(String),
    BackToList,
    PrintChecklist,
    ChecklistPrinted {
        request: u64,
        outcome: PrintOutcome,
    },
    /// 在线申办 from a guide's page.
    StartSubmission,
    /// Home, idle timeout: forget the search and the guide.
    Reset,
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(View),
    Categories(Vec<Choice>),
    List {
        query: String,
        category: String,
        rows: Vec<Row>,
    },
    Detail(Box<Detail>),
    /// None: nothing printed yet.
    PrintState(Option<PrintState>),
    /// Print the material checklist of the guide `code`.
    PrintChecklist {
        request: u64,
        code: String,
        windows: String,
    },
    /// Hand the guide over to 在线申办.
    StartSubmission(String),
}

/// What the flow needs to know of the world for one input.
pub struct Context<'a> {
    pub guides: &'a Guides,
}

/// The state of one citizen's browsing.
#[derive(Debug, Default)]
pub struct GuideFlow {
    query: String,
    /// A category code, a bundle code, [`BUNDLES`], or "" for all.
    category: String,
    current: Option<String>,
    /// The print in flight; answers to older ones are ignored.
    request: u64,
}

impl GuideFlow {
    /// Whether `request` is the print the flow waits for.
    /// The guide on screen, if any.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    pub fn awaits(&self, request: u64) -> bool {
        request == self.request
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, ctx: &Context) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Start => {
                self.query.clear();
                self.category.clear();
                self.current = None;
                fx.extend([self.list(ctx), Effect::Show(View::List)]);
            }
            Input::Catalog => {
                let choices = ctx
                    .guides
                    .categories
                    .iter()
                    .map(|c| Choice {
                        code: c.code.clone(),
                        name: c.name_text(),
                    })
                    .collect();
                fx.extend([Effect::Categories(choices), self.list(ctx)]);
            }
            Input::Key(key) => {
                match key.as_str() {
                    "backspace" => {
                        self.query.pop();
                    }
                    "clear" => self.query.clear(),
                    k if k.chars().all(|c| c.is_ascii_alphabetic())
                        && self.query.len() < MAX_QUERY =>
                    {
                        self.query.push_str(&k.to_ascii_uppercase())
                    }
                    _ => {}
                }
                // A search looks through every guide, not the category on screen.
                if !self.query.is_empty() {
                    self.category.clear();
                }
                fx.push(self.list(ctx));
            }
            Input::ChooseCategory(code) => {
                self.category = code;
                self.query.clear();
                fx.push(self.list(ctx));
            }
            Input::Open(code) => self.open(code, ctx, &mut fx),
            Input::BackToList => fx.push(Effect::Show(View::List)),
            Input::PrintChecklist => {
                let item = self.current.as_deref().and_then(|c| ctx.guides.item(c));
                if let Some(item) = item {
                    self.request += 1;
                    fx.extend([
                        Effect::PrintState(Some(PrintState::Printing)),
                        Effect::PrintChecklist {
                            request: self.request,
                            code: item.code.clone(),
                            // The checklist is for the window staff too: in Chinese.
                            windows: windows_of(ctx.guides, item).zh,
                        },
                    ]);
                }
            }
            Input::ChecklistPrinted { request, outcome } => {
                if self.awaits(request) {
                    let state = match outcome {
                        PrintOutcome::Printed | PrintOutcome::PrintedPaperLow => {
                            PrintState::Printed
                        }
                        PrintOutcome::PaperOut => PrintState::PaperOut,
                        PrintOutcome::PrinterOffline => PrintState::Failed,
                    };
                    fx.push(Effect::PrintState(Some(state)));
                }
            }
            Input::StartSubmission => {
                if let Some(code) = &self.current {
                    fx.push(Effect::StartSubmission(code.clone()));
                }
            }
            Input::Reset => {
                *self = GuideFlow {
                    request: self.request + 1,
                    ..GuideFlow::default()
                };
            }
        }
        fx
    }

    fn open(&mut self, code: String, ctx: &Context, fx: &mut Vec<Effect>) {
        let guides = ctx.guides;
        if guides.bundle(&code).is_some() {
            self.category = code;
            self.query.clear();
            fx.push(self.list(ctx));
            return;
        }
        let Some(item) = guides.item(&code) else {
            return;
        };
        self.current = Some(code);
        fx.extend([
            Effect::Detail(Box::new(detail(guides, item))),
            Effect::PrintState(None),
            Effect::Show(View::Detail),
        ]);
    }

    fn list(&self, ctx: &Context) -> Effect {
        let guides = ctx.guides;
        let rows = if self.category == BUNDLES {
            guides
                .bundles
                .iter()
                .map(|b| Row {
                    code: b.code.clone(),
                    name: b.name_text(),
                    sub: Text::join(
                        &b.items
                            .iter()
                            .filter_map(|c| guides.item(c).map(GuideItem::name_text))
                            .collect::<Vec<_>>(),
                        " + ",
                    ),
                    days: b.promised_days.unwrap_or(0),
                    self_service: false,
                    bundle: true,
                })
                .collect()
        } else if let Some(bundle) = guides.bundle(&self.category) {
            bundle
                .items
                .iter()
                .filter_map(|c| guides.item(c))
                .map(row)
                .collect()
        } else if !self.query.is_empty() {
            guides.search(&self.query).into_iter().map(row).collect()
        } else {
            guides.in_category(&self.category).map(row).collect()
        };
        Effect::List {
            query: self.query.clone(),
            category: self.category.clone(),
            rows,
        }
    }
}

/// Where a guide is handled: its category and windows.
pub fn windows_of(guides: &Guides, item: &GuideItem) -> Text {
    guides
        .category(&item.category)
        .map(|c| {
            let windows = c.windows.join(", ");
            c.name_text().map(|name| format!("{name} ({windows})"))
        })
        .unwrap_or_default()
}

/// Without a promise of its own the hall keeps to the legal time limit.
fn promised_days(item: &GuideItem) -> u32 {
    item.promised_days.or(item.legal_days).unwrap_or(0)
}

/// 在线申办 needs a form to fill in, not only the catalog's word.
fn self_service(item: &GuideItem) -> bool {
    item.self_service && item.form.is_some()
}

fn row(item: &GuideItem) -> Row {
    Row {
        code: item.code.clone(),
        name: item.name_text(),
        sub: item.tr.text("department", &item.department),
        days: promised_days(item),
        self_service: self_service(item),
        bundle: false,
    }
}

fn detail(guides: &Guides, item: &GuideItem) -> Detail {
    Detail {
        name: item.name_text(),
        department: item.tr.text("department", &item.department),
        kind: item.tr.text("type", &item.kind),
        basis: item.tr.text("basis", &item.basis),
        conditions: item.tr.texts("conditions", &item.conditions),
        steps: item.tr.texts("steps", &item.steps),
        materials: item.materials.iter().map(material_line).collect(),
        legal_days: item.legal_days.unwrap_or(0),
        promised_days: promised_days(item),
        fee: item.tr.text("fee", &item.fee),
        // 最多跑一次: unless the catalog says otherwise, one visit.
        trips: item.trips.unwrap_or(1),
        windows: windows_of(guides, item),
        online: item.online,
        self_service: self_service(item),
        payable: !item.fee_items.is_empty(),
    }
}

fn material_line(m: &Material) -> MaterialLine {
    let (status, note) = if let Some(shared) = &m.shared {
        (MaterialStatus::Shared, m.tr.text("shared", shared))
    } else if m.waivable {
        (
            MaterialStatus::Waivable,
            m.tr.text("commitment", m.commitment.as_deref().unwrap_or_default()),
        )
    } else {
        (MaterialStatus::Bring, Text::default())
    };
    MaterialLine {
        name: m.name_text(),
        original: m.original,
        copies: m.copies,
        status,
        note,
    }
}

#[cfg(test)]
mod tests;
