//! Self-service submissions and progress queries.

use hall_link::{HallLink, SubmitError};

use crate::domain::privacy::mask_name;
use crate::domain::{
    PrintOutcome, ProgressFailure, ProgressFound, ProgressKey, RecentService, SubmissionOrder,
    SubmitFailure, SubmitReceipt,
};
use crate::health::Metrics;
use crate::printing::PrintService;

/// Commits a submission (to the backend, or the outbox with a provisional number) and
/// prints its receipt, in that order: the receipt never names a number that was not kept.
pub async fn submit(
    link: &HallLink,
    metrics: &Metrics,
    printer: Option<PrintService>,
    public_url: &str,
    order: &SubmissionOrder,
) -> Result<SubmitReceipt, SubmitFailure> {
    let s = match link.submit(&order.into()).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("submission not taken: {e}");
            metrics
                .submissions
                .get_or_create(&vec![("mode", "refused")])
                .inc();
            return Err(match e {
                SubmitError::Refused(code) => SubmitFailure::Refused(code),
                SubmitError::Store(_) => SubmitFailure::Store,
            });
        }
    };
    tracing::info!(receipt = %s.receipt_no, provisional = s.provisional, "submission committed");
    metrics
        .submissions
        .get_or_create(&vec![(
            "mode",
            if s.provisional {
                "provisional"
            } else {
                "online"
            },
        )])
        .inc();
    // The receipt's QR finds the case: by number, or by the key the backend will know
    // once a provisional submission is delivered.
    let qr = s
        .track_url
        .clone()
        .unwrap_or_else(|| format!("{public_url}/track/k/{}", s.key));
    let printed = match printer {
        Some(p) => {
            let (no, item, masked, provisional) = (
                s.receipt_no.clone(),
                order.item_name.clone(),
                mask_name(&order.holder.name),
                s.provisional,
            );
            tokio::task::spawn_blocking(move || p.submission(&no, &item, &masked, &qr, provisional))
                .await
                .unwrap_or(PrintOutcome::PrinterOffline)
        }
        None => PrintOutcome::PrinterOffline,
    };
    metrics.count_print("receipt", printed);
    Ok(SubmitReceipt {
        receipt_no: s.receipt_no,
        provisional: s.provisional,
        promised_date: s.promised_date,
        printed,
    })
}

/// The cases for a receipt or an ID number; what is still in the outbox is listed too.
pub async fn progress(link: &HallLink, key: ProgressKey) -> Result<ProgressFound, ProgressFailure> {
    match link.progress(&key.into()).await {
        Ok(p) if p.offline && p.cases.is_empty() => Err(ProgressFailure::Offline),
        Ok(p) => Ok(ProgressFound {
            cases: p.cases.into_iter().map(Into::into).collect(),
            appointments: p
                .appointments
                .into_iter()
                .filter_map(|a| {
                    Some(crate::domain::booking::OpenAppointment {
                        start: crate::services::convert::rfc3339(&a.start)?,
                        end: crate::services::convert::rfc3339(&a.end)?,
                        appointment_no: a.appointment_no,
                        item_name: a.item_name,
                    })
                })
                .collect(),
            offline: p.offline,
        }),
        Err(e) => {
            tracing::warn!("progress query failed: {e}");
            Err(ProgressFailure::Failed)
        }
    }
}

/// A card holder's recent services, to rate one.
pub async fn recent_services(
    link: &HallLink,
    id_number: &str,
) -> Result<Vec<RecentService>, ProgressFailure> {
    match link.recent_services(id_number).await {
        Ok(list) => Ok(list.into_iter().map(Into::into).collect()),
        Err(e) => {
            tracing::warn!("recent services: {e}");
            Err(ProgressFailure::Failed)
        }
    }
}
