//! printer driver (to be written).
