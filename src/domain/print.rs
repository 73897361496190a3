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
