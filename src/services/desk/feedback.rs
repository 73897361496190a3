//! Ratings and complaints: committed (sent, or kept in the outbox) before the citizen is
//! told, and a complaint's slip printed only once its number is kept.

use hall_link::{HallLink, Posted};

use crate::domain::{ComplaintOrder, PrintOutcome, RatingOrder, RatingResult};
use crate::health::Metrics;
use crate::printing::PrintService;

pub async fn rate(link: &HallLink, order: &RatingOrder) -> RatingResult {
    let body = serde_json::to_value(hall_link::api::RatingRequest::from(order)).unwrap_or_default();
    match link.post_or_queue("rating", "/ratings", body).await {
        Ok(Posted::Answered(_)) => RatingResult::Accepted,
        Ok(Posted::Refused { code, .. }) if code == "already_rated" => RatingResult::AlreadyRated,
        Ok(Posted::Refused { .. }) => RatingResult::Accepted,
        Ok(Posted::Queued(_)) => RatingResult::Queued,
        Err(e) => {
            tracing::error!(target: "alert", message_id = hall_link::journal::ALERT, "rating could not be stored: {e}");
            RatingResult::NotSaved
        }
    }
}

/// A filed complaint: its number (the kiosk's own while provisional) and its slip; None
/// when the kiosk's store could not commit it, so nothing was kept.
pub struct Filed {
    pub complaint_no: String,
    pub provisional: bool,
    pub slip: Option<PrintOutcome>,
}

pub async fn complain(
    link: &HallLink,
    metrics: &Metrics,
    printer: Option<PrintService>,
    order: &ComplaintOrder,
) -> Option<Filed> {
    metrics.complaints.inc();
    let body =
        serde_json::to_value(hall_link::api::ComplaintRequest::from(order)).unwrap_or_default();
    let (no, provisional) = match link.post_or_queue("complaint", "/complaints", body).await {
        Ok(Posted::Answered(a)) => (a["complaint_no"].as_str().unwrap_or("").to_string(), false),
        Ok(Posted::Queued(key)) => (format!("LS-{}", &key.to_string()[..8].to_uppercase()), true),
        Ok(Posted::Refused { code, .. }) => (format!("-- ({code})"), false),
        Err(e) => {
            tracing::error!(target: "alert", message_id = hall_link::journal::ALERT, "complaint could not be stored: {e}");
            return None;
        }
    };
    let kind = order.kind;
    let slip = match printer {
        Some(p) => {
            let no = no.clone();
            tokio::task::spawn_blocking(move || p.complaint(&no, kind, provisional))
                .await
                .ok()
        }
        _ => None,
    };
    if let Some(outcome) = slip {
        metrics.count_print("complaint", outcome);
    }
    Some(Filed {
        complaint_no: no,
        provisional,
        slip,
    })
}
