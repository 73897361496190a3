//! gpio driver (to be written).
