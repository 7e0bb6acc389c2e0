//! Collecting every error of an expansion, to report them all at once.

/// The errors found so far; each is still a spanned `syn::Error`.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds one error.
    pub(crate) fn push(&mut self, err: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }

    /// All of them, if any.
    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.0
    }
}

impl Extend<syn::Error> for Errors {
    fn extend<I: IntoIterator<Item = syn::Error>>(&mut self, errors: I) {
        errors.into_iter().for_each(|err| self.push(err));
    }
}
