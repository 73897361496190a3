//! Ratings (好差评) and complaints (投诉建议 / 办不成事).

/// What a rating or complaint refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceRef {
    Ticket { date: String, ticket_no: String },
    Receipt(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingOrder {
    pub reference: ServiceRef,
    /// 1 (非常不满意) ..= 5 (非常满意)
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingResult {
    Accepted,
    /// Committed on the kiosk; delivered when the link returns.
    Queued,
    AlreadyRated,
    /// The kiosk's store could not commit it (a full or failing disk): nothing was kept,
    /// and the citizen must be told so, not thanked.
    NotSaved,
}

/// What a citizen files at the complaint screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintKind {
    Complaint,
    Suggestion,
    /// 办不成事: the citizen could not get a matter done.
    NotDone,
}

impl ComplaintKind {
    /// The interface's word for it.
    pub fn code(self) -> &'static str {
        match self {
            ComplaintKind::Complaint => "complaint",
            ComplaintKind::Suggestion => "suggestion",
            ComplaintKind::NotDone => "not_done",
        }
    }

    /// The heading and the matter of the printed slip (paper is in Chinese).
    pub fn slip_words(self) -> (&'static str, &'static str) {
        match self {
            ComplaintKind::Complaint => ("投诉回执", "服务投诉"),
            ComplaintKind::Suggestion => ("意见建议回执", "意见建议"),
            ComplaintKind::NotDone => ("办不成事反映回执", "办不成事反映"),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct ComplaintOrder {
    pub kind: ComplaintKind,
    pub text: String,
    pub phone: Option<String>,
    pub reference: Option<ServiceRef>,
}

/// The text and phone number are the citizen's own words: logs get their sizes only.
impl std::fmt::Debug for ComplaintOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComplaintOrder")
            .field("kind", &self.kind)
            .field("text_chars", &self.text.chars().count())
            .field("phone", &self.phone.is_some())
            .field("reference", &self.reference)
            .finish()
    }
}

/// A service a card holder was given recently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentService {
    pub reference: ServiceRef,
    pub name: String,
    pub date: String,
}
