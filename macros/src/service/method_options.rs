//! `#[tonic_session(..)]` on a handler: per-method options the attribute consumes.
//!
//! `stream_type = Name` names the associated response-stream type when tonic's name
//! cannot be derived from the Rust method name (tonic-build uses the proto method
//! name: `GetHTTPStatus` -> `GetHTTPStatusStream`, while the method is
//! `get_http_status`).

use proc_macro2::Ident;
use syn::{Attribute, Token};

/// The options found on one method.
#[derive(Default)]
pub(crate) struct MethodOptions {
    pub(crate) stream_type: Option<Ident>,
}

/// Whether `attr` is ours (`#[tonic_session(..)]`).
pub(crate) fn is_option(attr: &Attribute) -> bool {
    attr.path().is_ident("tonic_session")
}

/// Parses every `#[tonic_session(..)]` in `attrs`.
pub(crate) fn parse(attrs: &[Attribute]) -> syn::Result<MethodOptions> {
    let mut options = MethodOptions::default();
    for attr in attrs.iter().filter(|attr| is_option(attr)) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("stream_type") {
                if options.stream_type.is_some() {
                    return Err(meta.error("`stream_type` is given twice"));
                }
                meta.input.parse::<Token![=]>()?;
                options.stream_type = Some(meta.input.parse()?);
                Ok(())
            } else {
                Err(meta.error("unknown option: #[tonic_session(..)] takes `stream_type = Name`"))
            }
        })?;
    }
    Ok(options)
}
