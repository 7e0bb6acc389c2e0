//! The cleanup pass on bodies given as strings, without the compiler: which
//! bindings may leak, and at what kind of point.

use crate::allow::Allowed;
use crate::graph::LeakKind::{self, *};
use crate::{cleanup, lower};

/// The leaks of the halves (bindings that may be one) in `function`, as (name, kind).
fn leaks(function: &str) -> Vec<(String, LeakKind)> {
    let function: syn::ItemFn = syn::parse_str(function).expect("a function");
    let program = lower::lower(&function.sig.inputs, &function.block, Allowed::default());
    cleanup::leaks(&program)
        .into_iter()
        .filter(|leak| program.bindings[leak.binding].may_be_a_half)
        .map(|leak| {
            (
                program.bindings[leak.binding].ident.to_string(),
                leak.point.kind,
            )
        })
        .collect()
}

fn leak(name: &str, kind: LeakKind) -> Vec<(String, LeakKind)> {
    vec![(name.to_owned(), kind)]
}

/// A client function whose body is `body`, with a receiver `rx` and a sender `tx`.
fn client(body: &str) -> String {
    format!(
        "async fn f(mut client: C) -> Result<(), Status> {{
            let mut rx = client.watch(a).await?;
            let (mut tx, mut peer) = client.chat(..).await?;
            let _ = tx.finish();
            peer.cancel();
            {body}
        }}"
    )
}

#[test]
fn taking_the_first_reply_and_leaving_is_caught_at_the_break() {
    let body = "loop { match rx.message().await? { Some(_m) => break, None => break } }
                Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", LeftReading));
}

#[test]
fn labelled_loops_follow_their_labels() {
    let body = "let mut n = 0;
        'outer: loop { loop { match rx.message().await? {
            Some(_) => { n += 1; continue 'outer; } None => break 'outer } } }
        Ok(())";
    assert_eq!(leaks(&client(body)), []);
    let body = "'outer: loop { loop { match rx.message().await? {
            Some(_) => break 'outer, None => break } } }
        Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", LeftReading));
}

#[test]
fn a_stream_ends_where_message_returned_none() {
    for drained in [
        "while let Some(m) = rx.message().await? { show(m); } Ok(())",
        "while rx.message().await?.is_some() {} Ok(())",
        "loop { if rx.message().await?.is_none() { break; } } Ok(())",
        "loop { match rx.message().await? { Some(m) => show(m), None => break } } Ok(())",
        "loop { match rx.message().await? { Some(m) => show(m), _ => break } } Ok(())",
        "loop { match rx.message().await { Ok(Some(m)) => show(m), Ok(None) => break, Err(e) => return Err(e) } } Ok(())",
        "loop { let Some(m) = rx.message().await? else { break }; show(m); } Ok(())",
        "loop { match rx.message().await? { Some(_) => {} None => return Ok(()) } }",
        "match rx.message().await? { Some(_) => panic!(\"more than one\"), None => Ok(()) }",
        "let Some(first) = rx.message().await? else { return Ok(()) }; rx.cancel(); show(first); Ok(())",
    ] {
        assert_eq!(leaks(&client(drained)), [], "{drained}");
    }
}

#[test]
fn a_final_error_thrown_away_is_not_an_end() {
    for undrained in [
        "while let Ok(Some(m)) = rx.message().await { show(m); } Ok(())",
        "if let Ok(Some(m)) = rx.message().await { show(m); } Ok(())",
        "for _ in 0..3 { if let Some(m) = rx.message().await? { show(m); } } Ok(())",
        "loop { match rx.message().await { Ok(Some(m)) => show(m), _ => break } } Ok(())",
    ] {
        let found = leaks(&client(undrained));
        assert_eq!(found.len(), 1, "{undrained}: {found:?}");
        assert_eq!(found[0].0, "rx", "{undrained}");
    }
}

#[test]
fn a_read_kept_in_a_local_ends_the_stream_where_the_local_is_none() {
    for drained in [
        "loop { let m = rx.message().await?; match m { Some(x) => show(x), None => break } } Ok(())",
        "loop { let m = rx.message().await?; let Some(m) = m else { break }; show(m); } Ok(())",
        "loop { let next = rx.message().await?; if next.is_none() { break; } } Ok(())",
        "let x = rx.message().await?; if x.is_some() { rx.cancel(); return Ok(()); } Ok(())",
        "let m: Option<u32> = rx.message().await?; let n = m; if let Some(x) = n { show(x); rx.cancel(); } Ok(())",
        "let m = rx.message().await; match m { Ok(None) => {} _ => { rx.cancel(); } } Ok(())",
    ] {
        assert_eq!(leaks(&client(drained)), [], "{drained}");
    }
    for undrained in [
        // `m` was `Some`: the stream goes on.
        "let m = rx.message().await?; if m.is_some() { return Ok(()) } Ok(())",
        "let m = rx.message().await?; let n = m; if let Some(x) = n { show(x) } Ok(())",
        // A local that may be assigned again holds no read.
        "let mut m = rx.message().await?; m = None; match m { None => {} _ => {} } Ok(())",
        // `rx` is another binding by the time `m` is looked at.
        "let m = rx.message().await?; let rx = other(); if m.is_none() { rx.cancel(); return Ok(()) } rx.cancel(); Ok(())",
        // The `m` looked at is not the one that held the read.
        "if c { let m = rx.message().await?; } let m = opt; if m.is_none() { return Ok(()) } rx.cancel(); Ok(())",
    ] {
        let found = leaks(&client(undrained));
        assert!(
            found.iter().any(|(name, _)| name == "rx"),
            "{undrained}: {found:?}"
        );
    }
}

#[test]
fn an_error_status_kept_in_a_binding_ends_the_stream() {
    for ended in [
        "loop { match rx.message().await { Ok(Some(m)) => show(m), Err(e) => { log(e); break } Ok(None) => break } } Ok(())",
        "if let Err(status) = rx.message().await { log(status); } else { rx.cancel(); } Ok(())",
        "loop { match rx.message().await { Ok(Some(m)) => show(m), Ok(None) => return Ok(()), Err(e) if e.code() == Code::Cancelled => return Ok(()), Err(e) => return Err(e) } }",
    ] {
        assert_eq!(leaks(&client(ended)), [], "{ended}");
    }
    let thrown_away = "loop { match rx.message().await { Ok(Some(m)) => show(m), Err(_e) => break, Ok(None) => break } } Ok(())";
    assert_eq!(leaks(&client(thrown_away)), leak("rx", LeftReading));
}

#[test]
fn a_read_under_a_timer_ends_where_it_returned_none() {
    for ended in [
        "loop { match timeout(d, rx.message()).await { Ok(Ok(Some(m))) => show(m), Ok(Ok(None)) => break, Ok(Err(e)) => return Err(e), Err(_) => { rx.cancel(); break } } } Ok(())",
        "loop { match tokio::time::timeout(d, rx.message()).await.map_err(late)? { Ok(Some(m)) => show(m), Ok(None) => break, Err(e) => return Err(e) } } Ok(())",
        "while let Some(m) = timeout(d, rx.message()).await.map_err(late)?? { show(m) } Ok(())",
        "loop { let next = time::timeout_at(at, rx.message()).await; match next { Ok(Ok(None)) => break, Ok(Ok(Some(m))) => show(m), Ok(Err(status)) => { log(status); break } Err(_) => { rx.cancel(); break } } } Ok(())",
    ] {
        assert_eq!(leaks(&client(ended)), [], "{ended}");
    }
    // The timer's error is not the call's end: leaving there leaves `rx` unread.
    let elapsed = "loop { match timeout(d, rx.message()).await { Ok(Ok(Some(m))) => show(m), Ok(Ok(None)) => break, Ok(Err(e)) => return Err(e), Err(elapsed) => { log(elapsed); break } } } Ok(())";
    assert_eq!(leaks(&client(elapsed)), leak("rx", LeftReading));
}

#[test]
fn a_sentinel_break_leaves_the_reading_early() {
    let body = "loop { let Some(_) = rx.message().await? else { break }; if done() { break } }
                Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", LeftReading));
    let body = "'read: for _ in 0..9 { match rx.message().await? { Some(_) => break 'read, None => return Ok(()) } }
                Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", LeftReading));
}

#[test]
fn a_drop_is_an_abandoned_half_and_a_wildcard_moves_nothing() {
    assert_eq!(leaks(&client("drop(rx); Ok(())")), leak("rx", Dropped));
    assert_eq!(leaks(&client("let _ = rx; Ok(())")), leak("rx", End));
    assert_eq!(leaks(&client("let _kept = rx; Ok(())")), leak("_kept", End));
    assert_eq!(leaks(&client("let kept = rx; kept.cancel(); Ok(())")), []);
}

#[test]
fn formatting_borrows_and_other_macros_hand_on() {
    assert_eq!(
        leaks(&client("println!(\"{:?}\", rx); Ok(())")),
        leak("rx", End)
    );
    assert_eq!(leaks(&client("dbg!(&rx); Ok(())")), leak("rx", End));
    assert_eq!(leaks(&client("my_macro!(rx); Ok(())")), []);
}

#[test]
fn error_paths_owe_nothing_and_normal_exits_all() {
    assert_eq!(
        leaks(&client(
            "if flag { return Err(oops()); } rx.cancel(); Ok(())"
        )),
        []
    );
    assert_eq!(
        leaks(&client("if flag { return Ok(()); } rx.cancel(); Ok(())")),
        leak("rx", Return)
    );
    assert_eq!(leaks(&client("check()?; rx.cancel(); Err(late())")), []);
}

#[test]
fn an_err_that_a_match_or_if_in_the_value_evaluates_to_is_an_error_path() {
    for error_paths in [
        "match rx.message().await? { None => Ok(()), Some(_) => Err(Status::internal(\"more than one\")) }",
        "if flag { rx.cancel(); Ok(()) } else { Err(oops()) }",
        "return match kind { A => { rx.cancel(); Ok(()) } _ => Err(oops()) };",
        "let ended = { if flag { return Err(oops()); } rx.cancel() }; show(ended); Ok(())",
    ] {
        assert_eq!(leaks(&client(error_paths)), [], "{error_paths}");
    }
    let producer_body = "match kind { A => { tx.send(1).await?; Ok(tx.finish()) } _ => Err(Status::not_found(\"b\")) }";
    assert_eq!(leaks(&producer(producer_body)), []);
    for normal_path in [
        "if flag { Ok(()) } else { Err(oops()) }",
        "match kind { A => Ok(()), B => { Err(oops()) } }",
        "return match kind { A => Ok(()), _ => Err(oops()) };",
        // A value computed, not the body's: the `Err` is a value like any other.
        "let r: Result<(), Status> = if flag { Ok(()) } else { Err(oops()) }; r",
    ] {
        let found = leaks(&client(normal_path));
        assert!(
            found.iter().any(|(name, _)| name == "rx"),
            "{normal_path}: {found:?}"
        );
    }
    let value_not_returned =
        "let r: Result<(), Status> = if flag { rx.cancel(); Ok(()) } else { Err(oops()) }; r";
    assert_eq!(leaks(&client(value_not_returned)), leak("rx", End));
}

#[test]
fn scopes_and_reassignments() {
    let inner = "async fn f(mut client: C) -> Result<(), Status> {
        { let rx = client.watch(a).await?; show(&rx); }
        Ok(())
    }";
    assert_eq!(leaks(inner), leak("rx", ScopeEnd));
    let reassigned = "async fn f(mut client: C) -> Result<(), Status> {
        let mut rx = client.watch(a).await?;
        rx.cancel();
        rx = client.watch(b).await?;
        Ok(())
    }";
    assert_eq!(leaks(reassigned), leak("rx", End));
}

#[test]
fn parameters_named_as_halves_and_move_captures_owe_their_end() {
    let parameter = "async fn f(rx: Receiver<u32>, n: u32) -> Result<(), Status> { Ok(()) }";
    assert_eq!(leaks(parameter), leak("rx", End));
    let task = client(
        "rx.cancel(); let task = tokio::spawn(async move { tx2.send(1).await?; Ok(()) }); task.await?",
    )
    .replace("let _ = tx.finish();", "let tx2 = tx;");
    assert_eq!(leaks(&task), leak("tx2", End));
}

#[test]
fn a_container_takes_over_the_end_of_the_halves_moved_into_it() {
    for dropped in [
        "let kept = Some(rx); Ok(())",
        "let pair = (rx, 1); show(&pair); Ok(())",
        "let held = Holder { rx, n: 1 }; Ok(())",
        "let all = vec![rx]; Ok(())",
        "let boxed: Box<_> = Box::new(rx); Ok(())",
    ] {
        let found = leaks(&client(dropped));
        assert!(
            found.contains(&("rx".to_owned(), End)),
            "{dropped}: {found:?}"
        );
    }
    for handed_on in [
        "let kept = Some(rx); keep(kept); Ok(())",
        "let pair = (rx, 1); let (rx, _) = pair; rx.cancel(); Ok(())",
        "let held = Holder { rx, n: 1 }; Ok(held)",
    ] {
        assert_eq!(leaks(&client(handed_on)), [], "{handed_on}");
    }
}

#[test]
fn a_name_the_front_end_knows_is_followed_into_a_task_whatever_its_value() {
    // Raw code: `mpsc::channel` awaits nothing, so only the front end can say `tx`
    // is a half; told so, the engine follows it into the `move` block.
    let function: syn::ItemFn = syn::parse_str(
        "async fn f() {
            let (tx, rx) = mpsc::channel(4);
            let task = tokio::spawn(async move {
                loop { if let Err(_) = tx.send(1).await { warn(); } }
            });
            keep(task, rx);
        }",
    )
    .expect("a function");
    let sends = |named: Vec<String>| {
        let program = lower::lower_naming_halves(
            &function.sig.inputs,
            &function.block,
            Allowed::default(),
            named,
        );
        crate::ignored::sends_after_failure(&program).len()
    };
    assert_eq!(sends(Vec::new()), 0);
    assert_eq!(sends(vec!["tx".to_owned()]), 1);
}

/// The halves a path sends on again after a failed send.
fn sent_after_failure(function: &str) -> Vec<String> {
    let function: syn::ItemFn = syn::parse_str(function).expect("a function");
    let program = lower::lower(&function.sig.inputs, &function.block, Allowed::default());
    crate::ignored::sends_after_failure(&program)
        .into_iter()
        .map(|found| program.bindings[found.binding].ident.to_string())
        .collect()
}

fn producer(body: &str) -> String {
    format!("async fn f(mut tx: Sender<u32>) -> Result<Finished, Status> {{ {body} }}")
}

#[test]
fn a_send_after_a_failed_send_is_an_ignored_error() {
    for goes_on in [
        "for i in 0.. { if let Err(_) = tx.send(i).await {} } Ok(tx.finish())",
        "loop { if tx.send(1).await.is_err() { log(); } } ",
        "loop { match tx.send(1).await { Ok(()) => {} Err(_) => continue } }",
        "loop { match tx.send(1).await { Ok(()) => {} _ => warn() } }",
        "if !tx.send(1).await.is_ok() { log(); } tx.send(2).await?; Ok(tx.finish())",
        "tokio::spawn(async move { loop { if let Err(_) = tx.send(1).await {} } }); pending().await",
        // The result kept in a local and tested later.
        "loop { let sent = tx.send(1).await; if sent.is_err() { log(); } }",
        "loop { let sent = tx.send(1).await; if let Err(e) = sent { log(e); } }",
        "loop { let sent = tx.send(1).await; match sent { Ok(()) => {}, Err(e) => log(e) } }",
    ] {
        assert_eq!(sent_after_failure(&producer(goes_on)), ["tx"], "{goes_on}");
    }
}

#[test]
fn a_failed_send_that_stops_the_producer_is_handled() {
    for stops in [
        "for i in 0..9 { tx.send(i).await?; } Ok(tx.finish())",
        "loop { if tx.send(1).await.is_err() { break; } } Ok(tx.finish())",
        "loop { if let Err(e) = tx.send(1).await { return Err(e.into()); } }",
        "loop { match tx.send(1).await { Ok(()) => {} Err(_) => break } } Ok(tx.finish())",
        "while tx.send(1).await.is_ok() {} Ok(tx.finish())",
        "let Ok(()) = tx.send(1).await else { return Err(gone()) }; tx.send(2).await?; Ok(tx.finish())",
        "loop { let sent = tx.send(1).await; if sent.is_err() { break; } } Ok(tx.finish())",
        "loop { let sent = tx.send(1).await; if let Err(e) = sent { log(e); break; } } Ok(tx.finish())",
        "loop { let sent = tx.send(1).await; match sent { Ok(()) => {}, Err(_) => break } } Ok(tx.finish())",
        "let sent = tx.send(1).await; let Ok(()) = sent else { return Err(gone()) }; tx.send(2).await?; Ok(tx.finish())",
    ] {
        assert_eq!(
            sent_after_failure(&producer(stops)),
            Vec::<String>::new(),
            "{stops}"
        );
    }
}

#[test]
fn a_method_the_halves_do_not_have_is_out_of_sight() {
    // A typo is rustc's to report: no second error about the same half.
    assert_eq!(
        leaks(&client("let _ended = rx.finnish().await?; Ok(())")),
        []
    );
    assert_eq!(
        leaks(&client(
            "let _n = rx.message().await?; rx.is_closed(); Ok(())"
        )),
        leak("rx", End)
    );
}

#[test]
fn a_half_lent_by_mut_to_a_helper_is_theirs_and_by_shared_reference_is_not() {
    let body = "drain(&mut rx).await?; Ok(())";
    assert_eq!(leaks(&client(body)), []);
    let body = "show(&rx); Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", End));
}

#[test]
fn a_half_assigned_anew_drops_the_one_it_held() {
    let body = "let _first = rx.message().await?;
        rx = client.watch(b).await?;
        while rx.message().await?.is_some() {}
        Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", Dropped));
    let body = "while rx.message().await?.is_some() {}
        rx = client.watch(b).await?;
        while rx.message().await?.is_some() {}
        Ok(())";
    assert_eq!(leaks(&client(body)), []);
}

#[test]
fn a_finish_not_awaited_may_be_a_pending_reply_that_leaks() {
    let body = "rx.cancel();
        let mut up = client.upload(..).await?;
        let later = up.finish();
        Ok(())";
    assert_eq!(leaks(&client(body)), leak("later", End));
    let body = "rx.cancel();
        let mut up = client.upload(..).await?;
        let later = up.finish();
        later.await?;
        Ok(())";
    assert_eq!(leaks(&client(body)), []);
}

#[test]
fn unwrap_and_expect_read_to_the_end_as_the_question_mark_does() {
    let body = "while let Some(_m) = rx.message().await.unwrap() {}
        Ok(())";
    assert_eq!(leaks(&client(body)), []);
    let body = "loop { match rx.message().await.expect(\"read\") { Some(_) => {}, None => break } }
        Ok(())";
    assert_eq!(leaks(&client(body)), []);
    // Without either, the `Err` is the final status, thrown away at the loop's end.
    let body = "while let Ok(Some(_m)) = rx.message().await {}
        Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", End));
}

#[test]
fn an_error_converted_on_its_way_to_the_question_mark_still_ends_the_stream() {
    let body = "while let Some(_m) = rx.message().await.map_err(into_app_error)? {}
        Ok(())";
    assert_eq!(leaks(&client(body)), []);
    let body =
        "loop { match rx.message().await.context(\"read\")? { Some(_) => {}, None => break } }
        Ok(())";
    assert_eq!(leaks(&client(body)), []);
    // A conversion that is not only the error's (`ok()`) leaves the stream unread.
    let body = "while let Some(Some(_m)) = rx.message().await.ok() {}
        Ok(())";
    assert_eq!(leaks(&client(body)), leak("rx", End));
}

#[test]
fn what_may_yield_a_half() {
    for (expr, may) in [
        ("c.get(0).await", true),
        ("(c.get(0).await?, 1)", true),
        ("async { rx.await }", true),
        ("tokio::join!(a, b.await)", true),
        ("rx", true),
        ("request.into_inner()", true),
        ("1 + 2", false),
        ("vec![1, 2]", false),
        ("make(a, b).unwrap()", false),
    ] {
        let parsed: syn::Expr = syn::parse_str(expr).expect("an expression");
        assert_eq!(crate::syntax::may_yield_a_half(&parsed), may, "{expr}");
    }
}
