//! idcard driver (to be written).
