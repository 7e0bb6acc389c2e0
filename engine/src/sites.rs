//! Where a binding's check can go: which `let`s can carry it around their value.

use syn::{Expr, Local, Pat};

/// Whether a `let`'s check can wrap its initialiser: one plain binding (`name` or
/// `mut name`, no type written, no `else`), and a value that is made, not a place
/// borrowed: a call, a method call, an `.await`, a `?`, a path. Only there does the
/// wrapped value certainly mean the same (`&temp()` would lose the temporary's
/// extended life; a written type may guide inference into the value).
pub fn checks_in_initialiser(local: &Local) -> bool {
    let Pat::Ident(binding) = &local.pat else {
        return false;
    };
    let Some(init) = &local.init else {
        return false;
    };
    let mut value = &*init.expr;
    while let Expr::Paren(paren) = value {
        value = &paren.expr;
    }
    binding.by_ref.is_none()
        && binding.subpat.is_none()
        && init.diverge.is_none()
        && matches!(
            value,
            Expr::Call(_) | Expr::MethodCall(_) | Expr::Await(_) | Expr::Try(_) | Expr::Path(_)
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::Stmt;

    fn local(stmt: &str) -> Local {
        match syn::parse_str::<Stmt>(stmt).expect("a statement") {
            Stmt::Local(local) => local,
            other => panic!("not a let: {other:?}"),
        }
    }

    #[test]
    fn only_a_plain_binding_of_a_made_value_is_checked_in_its_initialiser() {
        for wrapped in [
            "let rx = client.watch(a).await?;",
            "let mut up = client.upload(..).await.unwrap();",
            "let rx = open(&mut client).await;",
            "let tx = other;",
            "let rx = (response.into_inner());",
        ] {
            assert!(checks_in_initialiser(&local(wrapped)), "{wrapped}");
        }
        for kept in [
            "let (tx, rx) = client.chat(..).await?;",
            "let rx: Receiver<M> = client.watch(a).await?;",
            "let ref rx = client.watch(a).await?;",
            "let rx = &mut other;",
            "let Some(rx) = maybe().await else { return };",
            "let rx = if a { x.await } else { y.await };",
            "let rx;",
        ] {
            assert!(!checks_in_initialiser(&local(kept)), "{kept}");
        }
    }
}
