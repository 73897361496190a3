//! Hall backend interface v1 (to be written).
