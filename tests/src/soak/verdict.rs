//! Whether a session ended as its fault says it must: no aborted call ends OK on
//! either side, a successful stream delivers every message once and in order, and
//! a handler's status reaches the client.

use tonic::Code;

use super::client::{End, Seen};
use super::plan::{Fault, Kind, Plan};
use super::server::{Served, planned_error, sender_dropped};

/// Checks one session; `served` is what its handler wrote down, if it ran.
pub fn check(plan: &Plan, seen: &Seen, served: Option<&Served>) -> Result<(), String> {
    if let Some(disorder) = &seen.out_of_order {
        return Err(format!("a message out of order: {disorder}"));
    }
    check_client(plan, seen).map_err(|why| format!("client: {why} (saw {seen:?})"))?;
    check_server(plan, seen, served).map_err(|why| format!("server: {why} (client saw {seen:?})"))
}

fn check_client(plan: &Plan, seen: &Seen) -> Result<(), String> {
    let streams_back = plan.kind != Kind::Upload;
    let failed_with = |code: Code, message: Option<String>| match &seen.end {
        End::Failed {
            code: got,
            message: said,
        } if *got == code && message.as_ref().is_none_or(|message| message == said) => Ok(()),
        other => Err(format!("expected {code:?}, got {other:?}")),
    };
    let received_exactly = |count: u32| {
        if streams_back && seen.received != count {
            return Err(format!(
                "{} messages, expected {count} before the end",
                seen.received
            ));
        }
        Ok(())
    };
    match plan.fault {
        Fault::None => {
            if seen.end != End::Ok {
                return Err("a call without a fault did not end OK".into());
            }
            if plan.kind == Kind::Upload && seen.reply != Some(plan.count) {
                return Err(format!(
                    "the server counted {:?} of {}",
                    seen.reply, plan.count
                ));
            }
            received_exactly(plan.count)
        }
        Fault::ClientCancels { after } | Fault::ClientDropsCall { after } => {
            if seen.end != End::Left {
                return Err("the client left, yet the call ended".into());
            }
            received_exactly(after)
        }
        Fault::ClientDropsSender { after } => match (plan.kind, &seen.end) {
            (Kind::Upload, End::Left) => Ok(()),
            (Kind::Chat, End::Failed { .. }) => received_exactly(after),
            (_, end) => Err(format!("a dropped sending half ended as {end:?}")),
        },
        Fault::ConnectionCut { after, .. } => {
            if !matches!(seen.end, End::Failed { .. }) {
                return Err("a dropped connection did not end the call with an error".into());
            }
            // What was in flight when the connection went may still have arrived.
            if streams_back && seen.received < after {
                return Err(format!(
                    "{} messages, expected at least {after}",
                    seen.received
                ));
            }
            Ok(())
        }
        Fault::DeadlineExpires { at } => {
            // The server's timer (DEADLINE_EXCEEDED) and tonic's own (CANCELLED,
            // "Timeout expired") race; either way never OK.
            match &seen.end {
                End::Failed {
                    code: Code::DeadlineExceeded | Code::Cancelled,
                    ..
                } => {}
                other => return Err(format!("a stalled handler ended as {other:?}")),
            }
            if streams_back && seen.received > at {
                return Err(format!(
                    "{} messages from a handler that stalled at {at}",
                    seen.received
                ));
            }
            Ok(())
        }
        Fault::HandlerErrors { at } => {
            failed_with(Code::Aborted, Some(planned_error(at).message().to_owned()))?;
            received_exactly(at)
        }
        Fault::HandlerPanics { at } => {
            failed_with(Code::Internal, None)?;
            received_exactly(at)
        }
        Fault::HandlerDropsSender { at } => {
            failed_with(
                Code::Unavailable,
                Some(sender_dropped().message().to_owned()),
            )?;
            received_exactly(at)
        }
    }
}

/// Why a call may have ended before any handler ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undispatched {
    /// An upload the client abandoned after its first message can be reset before
    /// the server dispatches it.
    Abandoned,
    /// A deadline can pass before dispatch: the call ends before its response
    /// headers (CANCELLED from tonic's timer, DEADLINE_EXCEEDED from a session
    /// client's; nothing received).
    TimedOut,
}

/// Whether, and why, the call may have ended before any handler ran.
pub fn undispatched(plan: &Plan, seen: &Seen) -> Option<Undispatched> {
    // Before the response headers, tonic's own timer answers CANCELLED, and a
    // session client's (which holds the deadline from the call on) DEADLINE_EXCEEDED.
    let timed_out_before_headers = matches!(
        &seen.end,
        End::Failed { code: Code::Cancelled | Code::DeadlineExceeded, .. } if seen.received == 0
    );
    if plan.kind == Kind::Upload && plan.fault.by_client() {
        Some(Undispatched::Abandoned)
    } else if matches!(plan.fault, Fault::DeadlineExpires { .. }) && timed_out_before_headers {
        Some(Undispatched::TimedOut)
    } else {
        None
    }
}

fn check_server(plan: &Plan, seen: &Seen, served: Option<&Served>) -> Result<(), String> {
    let Some(served) = served else {
        return if undispatched(plan, seen).is_some() {
            Ok(())
        } else {
            Err("no handler wrote down an end".into())
        };
    };
    let expected_failure = |code: Code| match served {
        Served::Failed(got) if *got == code => Ok(()),
        other => Err(format!("expected Failed({code:?}), got {other:?}")),
    };
    match plan.fault {
        Fault::None => match served {
            Served::Clean { count } if *count == plan.count => Ok(()),
            other => Err(format!(
                "expected a clean end after {}, got {other:?}",
                plan.count
            )),
        },
        _ if plan.fault.by_client() => match served {
            Served::Clean { .. } => Err("an aborted call ended cleanly for the handler".into()),
            Served::Panicked => Err("the handler panicked".into()),
            Served::Failed(_) | Served::Dropped => Ok(()),
        },
        // The client holds the same deadline: its reset may reach the handler first
        // (the request reached the server late), a CANCELLED receive.
        Fault::DeadlineExpires { .. } => match served {
            Served::Dropped | Served::Failed(Code::DeadlineExceeded | Code::Cancelled) => Ok(()),
            other => Err(format!(
                "expected the body dropped at the deadline, got {other:?}"
            )),
        },
        Fault::HandlerErrors { .. } => expected_failure(Code::Aborted),
        Fault::HandlerDropsSender { .. } => expected_failure(Code::Unavailable),
        Fault::HandlerPanics { .. } => match served {
            Served::Panicked => Ok(()),
            other => Err(format!("expected a panic, got {other:?}")),
        },
        _ => Err(format!("no rule for {:?}", plan.fault)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soak::plan::Cut;

    fn plan(kind: Kind, fault: Fault) -> Plan {
        Plan {
            id: 1,
            kind,
            count: 10,
            fault,
        }
    }

    fn seen(received: u32, end: End) -> Seen {
        Seen {
            received,
            out_of_order: None,
            reply: None,
            end,
        }
    }

    fn failed(code: Code, message: &str) -> End {
        End::Failed {
            code,
            message: message.into(),
        }
    }

    #[test]
    fn a_clean_end_for_an_aborted_call_is_caught_on_either_side() {
        let cancelled = plan(Kind::Upload, Fault::ClientCancels { after: 3 });
        let clean = Served::Clean { count: 3 };
        assert!(check(&cancelled, &seen(0, End::Left), Some(&clean)).is_err());
        assert!(
            check(
                &cancelled,
                &seen(0, End::Left),
                Some(&Served::Failed(Code::Cancelled))
            )
            .is_ok()
        );

        let cut = plan(
            Kind::Download,
            Fault::ConnectionCut {
                after: 3,
                how: Cut::Fin,
            },
        );
        let dropped = Some(&Served::Dropped);
        assert!(
            check(&cut, &seen(3, End::Ok), dropped).is_err(),
            "OK after a cut"
        );
        assert!(check(&cut, &seen(5, failed(Code::Unavailable, "")), dropped).is_ok());

        let abandoned = plan(Kind::Chat, Fault::ClientDropsSender { after: 3 });
        assert!(check(&abandoned, &seen(3, End::Ok), dropped).is_err());
    }

    #[test]
    fn at_the_deadline_either_side_may_end_the_handler_but_never_cleanly() {
        let stalled = plan(Kind::Upload, Fault::DeadlineExpires { at: 3 });
        let client_end = seen(0, failed(Code::DeadlineExceeded, ""));
        for fine in [
            Served::Dropped,
            Served::Failed(Code::DeadlineExceeded),
            // The client's reset at its own deadline, first to the handler.
            Served::Failed(Code::Cancelled),
        ] {
            assert!(
                check(&stalled, &client_end, Some(&fine)).is_ok(),
                "{fine:?}"
            );
        }
        let clean = Served::Clean { count: 3 };
        assert!(check(&stalled, &client_end, Some(&clean)).is_err());
    }

    #[test]
    fn a_lost_message_or_status_is_caught() {
        let clean = Some(&Served::Clean { count: 10 });
        let fine = plan(Kind::Chat, Fault::None);
        assert!(check(&fine, &seen(10, End::Ok), clean).is_ok());
        assert!(check(&fine, &seen(9, End::Ok), clean).is_err(), "one lost");
        let mut disordered = seen(10, End::Ok);
        disordered.out_of_order = Some("expected #3, got #4".into());
        assert!(check(&fine, &disordered, clean).is_err());

        let error = plan(Kind::Download, Fault::HandlerErrors { at: 4 });
        let aborted = Some(&Served::Failed(Code::Aborted));
        let status = failed(Code::Aborted, planned_error(4).message());
        assert!(check(&error, &seen(4, status.clone()), aborted).is_ok());
        assert!(
            check(&error, &seen(3, status), aborted).is_err(),
            "a message lost before the status"
        );
        assert!(
            check(&error, &seen(4, failed(Code::Unknown, "")), aborted).is_err(),
            "status lost"
        );

        let upload = plan(Kind::Upload, Fault::None);
        let mut short = seen(0, End::Ok);
        short.reply = Some(9);
        assert!(check(&upload, &short, clean).is_err());
    }

    #[test]
    fn a_handler_that_never_ran_is_only_fine_before_dispatch() {
        let seen_left = seen(0, End::Left);
        let dropped = |kind| plan(kind, Fault::ClientDropsCall { after: 1 });
        assert!(check(&dropped(Kind::Upload), &seen_left, None).is_ok());
        assert!(check(&dropped(Kind::Download), &seen(1, End::Left), None).is_err());

        let stalled = plan(Kind::Chat, Fault::DeadlineExpires { at: 3 });
        let timer = failed(Code::Cancelled, "Timeout expired");
        assert!(check(&stalled, &seen(0, timer.clone()), None).is_ok());
        assert!(
            check(&stalled, &seen(2, timer), None).is_err(),
            "the handler ran"
        );
        // The session client's own timer, before the headers: the same.
        let client_deadline = failed(Code::DeadlineExceeded, "");
        assert!(check(&stalled, &seen(0, client_deadline.clone()), None).is_ok());
        assert!(
            check(&stalled, &seen(2, client_deadline), None).is_err(),
            "the handler ran"
        );
        let never = plan(Kind::Chat, Fault::None);
        assert!(check(&never, &seen(0, failed(Code::DeadlineExceeded, "")), None).is_err());
    }
}
