//! The error shape every layer shares: a stable code, a message in the
//! reader's language, and per-field messages so a form can show each one next
//! to its field.

use crate::i18n::{Lang, Message};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    /// Stable, machine-readable (e.g. `name_empty`).
    #[serde(default)]
    pub code: String,
    /// In the language of the request (Vietnamese unless English was asked for).
    pub message: String,
    /// The English text, while a typed message has not yet been rendered for
    /// its reader; never sent.
    #[serde(skip)]
    pub english: Option<String>,
}

impl FieldError {
    /// A message written in one language only: the reader's (the app's own
    /// texts) or the server's plain code.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
            english: None,
        }
    }

    /// A typed message, in both languages until [`FieldError::in_lang`].
    pub fn of(field: impl Into<String>, message: &(impl Message + ?Sized)) -> FieldError {
        let (code, english) = message.english();
        FieldError {
            field: field.into(),
            code: code.to_string(),
            message: message.to_string(),
            english: Some(english),
        }
    }

    /// A message written here in both languages.
    pub fn both(
        field: impl Into<String>,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> FieldError {
        FieldError::of(field, &crate::i18n::Localized::new(code, vi, en))
    }

    /// The message for a reader of `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match (lang, &self.english) {
            (Lang::En, Some(en)) => en,
            _ => &self.message,
        }
    }

    /// Rendered for a reader of `lang`, as it is sent.
    pub fn in_lang(self, lang: Lang) -> FieldError {
        FieldError {
            message: self.text(lang).to_string(),
            english: None,
            ..self
        }
    }
}

/// Several field errors at once (a form is checked whole, not field by field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.text_for(field, Lang::Vi)
    }

    /// The message next to `field`, for a reader of `lang`.
    pub fn text_for(&self, field: &str, lang: Lang) -> Option<&str> {
        self.0
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.text(lang))
    }

    /// Typed messages, each next to its field.
    pub fn of<'a, M: Message + 'a>(
        items: impl IntoIterator<Item = (&'static str, &'a M)>,
    ) -> FieldErrors {
        FieldErrors(
            items
                .into_iter()
                .map(|(field, m)| FieldError::of(field, m))
                .collect(),
        )
    }
}

/// The body of every error answer: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable, machine-readable (e.g. `validation`, `forbidden`).
    pub code: String,
    /// For people, in the language of the request.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}
