//! The generated Slint code: `AppWindow` and the globals (`Theme`, `Nav`, `Shell`, ...)
//! that controllers in [`crate::app`] talk to.
#![allow(clippy::all)]
slint::include_modules!();
