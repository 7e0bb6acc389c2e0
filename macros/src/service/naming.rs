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

/// Names of the items generated into the service's inherent impl. They carry the
/// trait's name, so one type can implement several session services (whose
/// handlers may share names) without clashes.
pub(crate) struct Generated {
    prefix: String,
}

impl Generated {
    /// For the impl of `trait_name` (`GreetingService` -> `__tonic_session_greeting_service_`).
    pub(crate) fn for_trait(trait_name: &Ident) -> Generated {
        let name = trait_name.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        let mut prefix = String::from("__tonic_session_");
        for (i, c) in name.chars().enumerate() {
            if c.is_uppercase() {
                if i > 0 && !prefix.ends_with('_') {
                    prefix.push('_');
                }
                prefix.extend(c.to_lowercase());
            } else {
                prefix.push(c);
            }
        }
        prefix.push('_');
        Generated { prefix }
    }

    /// Where the user's handler `method` moves to.
    pub(crate) fn handler(&self, method: &Ident) -> Ident {
        let name = method.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        format_ident!("{}{}", self.prefix, name, span = method.span())
    }

    /// The method that gives a handler body its own handle to the service.
    pub(crate) fn owned(&self) -> Ident {
        format_ident!("{}owned", self.prefix)
    }
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

    #[test]
    fn generated_names_carry_the_trait() {
        let names = Generated::for_trait(&format_ident!("GreetingService"));
        assert_eq!(
            names.handler(&format_ident!("watch")).to_string(),
            "__tonic_session_greeting_service_watch"
        );
        assert_eq!(
            names.owned().to_string(),
            "__tonic_session_greeting_service_owned"
        );
        let names = Generated::for_trait(&format_ident!("HTTPProbe"));
        assert_eq!(
            names.owned().to_string(),
            "__tonic_session_h_t_t_p_probe_owned"
        );
    }
}
