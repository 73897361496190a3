#![no_main]
//! Backend answers are read from untrusted bytes: every interface v1 type must refuse bad
//! JSON with an error, never a panic.
use hall_link::api::{
    Booked, CheckInAnswer, PaymentOrder, PaymentState, ProgressAnswer, QueueStatus, Slots,
    SubmissionAnswer, Ticket, TicketBlock,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Ticket>(data);
    let _ = serde_json::from_slice::<CheckInAnswer>(data);
    let _ = serde_json::from_slice::<QueueStatus>(data);
    let _ = serde_json::from_slice::<TicketBlock>(data);
    let _ = serde_json::from_slice::<SubmissionAnswer>(data);
    let _ = serde_json::from_slice::<ProgressAnswer>(data);
    let _ = serde_json::from_slice::<Slots>(data);
    let _ = serde_json::from_slice::<Booked>(data);
    let _ = serde_json::from_slice::<PaymentOrder>(data);
    let _ = serde_json::from_slice::<PaymentState>(data);
});
