//! Handwriting recognition for the on-screen keyboard (work in progress).
