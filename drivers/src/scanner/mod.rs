//! scanner driver (to be written).
