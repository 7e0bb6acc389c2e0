//! tonic's name for a streaming method's associated response-stream type.

use proc_macro2::Ident;
use quote::format_ident;

/// `hello_server_stream` -> `HelloServerStreamStream` (tonic-build names it after
/// the proto method, `HelloServerStream`, plus `Stream`).
pub(crate) fn stream_type(method: &Ident) -> Ident {
    let name = method.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    let mut camel = String::with_capacity(name.len() + 6);
    for part in name.split('_').filter(|part| !part.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            camel.extend(first.to_uppercase());
            camel.push_str(chars.as_str());
        }
    }
    format_ident!("{}Stream", camel, span = method.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_tonic_build() {
        let cases = [
            ("hello_server_stream", "HelloServerStreamStream"),
            ("hello_bi_streams", "HelloBiStreamsStream"),
            ("watch", "WatchStream"),
            ("r#match", "MatchStream"),
            ("list_v2_items", "ListV2ItemsStream"),
        ];
        for (method, expected) in cases {
            let ident: Ident = syn::parse_str(method).expect("valid identifier");
            assert_eq!(stream_type(&ident).to_string(), expected);
        }
    }
}
