//! The app's texts, Vietnamese first. One struct of strings per language: a key
//! missing in either language is a compile error, with no i18n crate to download.

mod en;
mod texts;
mod vi;

pub use en::EN;
pub use texts::Texts;
pub use vi::VI;

use leptos::prelude::*;
pub use shared::i18n::Lang;
use std::cell::Cell;

/// The texts of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

thread_local! {
    /// The chosen language, for code outside the reactive tree (the API's
    /// `Accept-Language`).
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::Vi) };
}

/// The chosen language: reactive inside the app's tree, else as last chosen.
pub fn lang() -> Lang {
    use_context::<I18n>().map_or_else(current_lang, |i| i.lang())
}

/// The chosen language, read without subscribing to it.
pub fn current_lang() -> Lang {
    CURRENT.with(Cell::get)
}

const STORAGE_KEY: &str = "chibo.lang";

/// The chosen language, shared through context; kept in localStorage.
#[derive(Debug, Clone, Copy)]
pub struct I18n(RwSignal<Lang>);

impl I18n {
    pub fn lang(&self) -> Lang {
        self.0.get()
    }

    /// The texts of the current language (reactive).
    pub fn t(&self) -> &'static Texts {
        texts(self.0.get())
    }

    /// Chooses between a Vietnamese and an English label from `shared` (reactive).
    pub fn pick(&self, vi: &'static str, en: &'static str) -> &'static str {
        match self.0.get() {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    pub fn toggle(&self) {
        let next = match self.0.get_untracked() {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        };
        self.0.set(next);
        CURRENT.with(|c| c.set(next));
        if let Some(s) = local_storage() {
            let _ = s.set_item(STORAGE_KEY, next.code());
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Puts the language in context, as stored last time (Vietnamese by default).
pub fn provide_i18n() -> I18n {
    let stored = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let lang = match stored.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    };
    CURRENT.with(|c| c.set(lang));
    let i18n = I18n(RwSignal::new(lang));
    provide_context(i18n);
    // Screen readers and the browser's hyphenation follow <html lang>.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", i18n.lang().code());
        }
    });
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
