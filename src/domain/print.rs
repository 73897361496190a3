//! What became of a page sent to the receipt printer, as the citizen is told.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintOutcome {
    Printed,
    /// Printed, and the roll is near its end: staff should change it soon.
    PrintedPaperLow,
    /// Nothing printed: the screen shows what the paper would have said.
    PaperOut,
    /// No printer answered (unplugged, cover open, not configured).
    PrinterOffline,
}

impl PrintOutcome {
    pub fn printed(self) -> bool {
        matches!(self, PrintOutcome::Printed | PrintOutcome::PrintedPaperLow)
    }

    /// The word for logs, metrics and the CLI's JSON.
    pub fn code(self) -> &'static str {
        match self {
            PrintOutcome::Printed => "printed",
            PrintOutcome::PrintedPaperLow => "printed_paper_low",
            PrintOutcome::PaperOut => "paper_out",
            PrintOutcome::PrinterOffline => "printer_offline",
        }
    }
}

/// What a ticket slip names besides the ticket itself: the category and its windows, in
/// Chinese for the window staff, and Tibetan lines when the citizen read the screen in
/// Tibetan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketNames {
    pub category: String,
    pub windows: String,
    pub tibetan: Option<TibetanNames>,
}

/// The names a bilingual slip prints in Tibetan, where the catalog has them; the slip's
/// own words (people ahead, window...) are the printer layout's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TibetanNames {
    pub hall: Option<String>,
    pub category: Option<String>,
}

impl TicketNames {
    /// The names of category `code` from the catalog (`name` when the catalog lacks it);
    /// `tibetan` adds the Tibetan part.
    pub fn of(
        guides: &super::catalog::Guides,
        code: &str,
        name: &str,
        tibetan: bool,
    ) -> TicketNames {
        let category = guides.category(code);
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        TicketNames {
            category: category.map_or_else(|| name.to_string(), |c| c.name.clone()),
            windows: category.map(|c| c.windows.join(", ")).unwrap_or_default(),
            tibetan: tibetan.then(|| TibetanNames {
                hall: guides
                    .hall
                    .as_ref()
                    .and_then(|h| non_empty(h.name_text().bo)),
                category: category.and_then(|c| non_empty(c.name_text().bo)),
            }),
        }
    }
}
