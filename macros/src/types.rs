//! Recognising the session types in a handler signature by their written form.

use syn::{GenericArgument, PathArguments, Type};

/// If `ty` is written `…::Name<A, B, ..>`, its type arguments `A, B, ..`.
fn type_arguments<'a>(ty: &'a Type, name: &str) -> Option<impl Iterator<Item = &'a Type>> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path
        .path
        .segments
        .last()
        .filter(|last| last.ident == name)?;
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }))
}

/// If `ty` is written `…::Name<Arg>` (one type argument), returns `Arg`.
pub(crate) fn single_generic<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let mut types = type_arguments(ty, name)?;
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

/// If `ty` is written `…::Name<A, ..>`, returns `A`.
pub(crate) fn first_generic<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    type_arguments(ty, name)?.next()
}

/// Whether `ty` is written `…::Name<…>` or `…::Name`, whatever its arguments.
pub(crate) fn is_named(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == name),
        _ => false,
    }
}

/// `X` of a type written `Pin<Box<dyn Future<Output = X> + ..>>`, the return type
/// `#[async_trait]` gives the methods it desugars.
pub(crate) fn boxed_future_output(ty: &Type) -> Option<&Type> {
    let Type::TraitObject(object) = single_generic(single_generic(ty, "Pin")?, "Box")? else {
        return None;
    };
    object.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
}
