//! The generated Slint code: `AppWindow` and the globals (`Theme`, `Nav`, `Shell`, ...)
//! that controllers in [`crate::app`] talk to.
#![allow(clippy::all)]
slint::include_modules!();

impl From<crate::domain::catalog::Text> for CatalogText {
    fn from(t: crate::domain::catalog::Text) -> CatalogText {
        CatalogText {
            tw: t.traditional().into(),
            zh: t.zh.into(),
            en: t.en.into(),
            bo: t.bo.into(),
        }
    }
}

impl From<&crate::domain::catalog::Text> for CatalogText {
    fn from(t: &crate::domain::catalog::Text) -> CatalogText {
        t.clone().into()
    }
}
