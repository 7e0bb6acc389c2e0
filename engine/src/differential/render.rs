//! The model as Rust source, the way a client function would be written.

use std::fmt::Write as _;

use super::Stmt;

/// The client function whose body is `body`, with its receiver `rx`.
pub(super) fn function(body: &[Stmt]) -> String {
    let mut out = String::from(
        "async fn f(mut client: C) -> Result<(), Status> {\n\
         let mut rx = client.watch(request()).await?;\n",
    );
    block(body, &mut out);
    out.push_str("Ok(())\n}\n");
    out
}

fn block(stmts: &[Stmt], out: &mut String) {
    for stmt in stmts {
        statement(stmt, out);
    }
}

fn braced(stmts: &[Stmt], out: &mut String) {
    out.push_str("{\n");
    block(stmts, out);
    out.push_str("}\n");
}

fn statement(stmt: &Stmt, out: &mut String) {
    match stmt {
        Stmt::Finish => out.push_str("let _ended = rx.finish().await?;\n"),
        Stmt::Cancel => out.push_str("rx.cancel();\n"),
        Stmt::Drop => out.push_str("drop(rx);\n"),
        Stmt::Read => out.push_str("let _message = rx.message().await?;\n"),
        Stmt::Reopen => out.push_str("rx = client.watch(request()).await?;\n"),
        Stmt::Lend => out.push_str("drain(&mut rx).await?;\n"),
        Stmt::If(then, otherwise) => two_ways("if flag() ", then, otherwise, out),
        Stmt::IfLetOkSome(then, otherwise) => {
            two_ways(
                "if let Ok(Some(_)) = rx.message().await ",
                then,
                otherwise,
                out,
            );
        }
        Stmt::Match { some, none } => {
            out.push_str("match rx.message().await? {\nSome(_) => ");
            braced(some, out);
            out.push_str("None => ");
            braced(none, out);
            out.push_str("}\n");
        }
        Stmt::MatchHeld { some, none } => {
            out.push_str("let reply = rx.message().await?;\nmatch reply {\nSome(_) => ");
            braced(some, out);
            out.push_str("None => ");
            braced(none, out);
            out.push_str("}\n");
        }
        Stmt::MatchResult { some, none, err } => {
            out.push_str("match rx.message().await {\nOk(Some(_)) => ");
            braced(some, out);
            out.push_str("Ok(None) => ");
            braced(none, out);
            out.push_str("Err(status) => {\nkeep(status);\n");
            block(err, out);
            out.push_str("}\n}\n");
        }
        Stmt::MatchTimed {
            some,
            none,
            elapsed,
        } => {
            out.push_str("match timeout(limit(), rx.message()).await {\nOk(Ok(Some(_))) => ");
            braced(some, out);
            out.push_str("Ok(Ok(None)) => ");
            braced(none, out);
            out.push_str("Ok(Err(status)) => return Err(status),\nErr(_) => ");
            braced(elapsed, out);
            out.push_str("}\n");
        }
        Stmt::Loop(label, body) => looped(*label, "loop ", body, out),
        Stmt::WhileLet(label, body) => {
            looped(
                *label,
                "while let Some(_) = rx.message().await? ",
                body,
                out,
            );
        }
        Stmt::For(label, body) => looped(*label, "for _ in 0..3 ", body, out),
        Stmt::Break(label) => {
            let _ = writeln!(out, "break 'l{label};");
        }
        Stmt::Continue(label) => {
            let _ = writeln!(out, "continue 'l{label};");
        }
        Stmt::ReturnOk => out.push_str("return Ok(());\n"),
        Stmt::ReturnErr => out.push_str("return Err(failure());\n"),
        Stmt::Try => out.push_str("check()?;\n"),
        Stmt::Panic => out.push_str("panic!(\"model\");\n"),
    }
}

fn two_ways(head: &str, then: &[Stmt], otherwise: &[Stmt], out: &mut String) {
    out.push_str(head);
    braced(then, out);
    out.push_str("else ");
    braced(otherwise, out);
}

fn looped(label: usize, head: &str, body: &[Stmt], out: &mut String) {
    let _ = write!(out, "'l{label}: {head}");
    braced(body, out);
}
