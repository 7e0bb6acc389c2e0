//! What one soak session does: the RPC kind, how many messages, and the fault.

use std::fmt;

pub use super::proxy::Cut;
use super::rng::Rng;

/// The three streaming kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Server streaming (`Download`).
    Download,
    /// Client streaming (`Upload`).
    Upload,
    /// Bidi streaming (`Chat`), as ping-pong.
    Chat,
}

/// The faults, each played at a message number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Nothing goes wrong.
    None,
    /// The client cancels the call after `after` messages.
    ClientCancels { after: u32 },
    /// The client drops every half, without cancelling, after `after` messages.
    ClientDropsCall { after: u32 },
    /// The client drops its sending half unfinished after `after` messages.
    ClientDropsSender { after: u32 },
    /// The client's TCP connection breaks, as `how` says, after `after` messages.
    ConnectionCut { after: u32, how: Cut },
    /// The handler stalls at message `at`; the deadline expires.
    DeadlineExpires { at: u32 },
    /// The handler returns an error at message `at`.
    HandlerErrors { at: u32 },
    /// The handler panics at message `at`.
    HandlerPanics { at: u32 },
    /// The handler drops its sending half unfinished at message `at`.
    HandlerDropsSender { at: u32 },
}

/// Every fault's name, in the order of the summary.
pub const FAULT_NAMES: [&str; 12] = [
    "none",
    "client_cancels",
    "client_drops_call",
    "client_drops_sender",
    "connection_closed",
    "connection_reset",
    "connection_cut_mid_frame",
    "connection_half_open",
    "deadline_expires",
    "handler_errors",
    "handler_panics",
    "handler_drops_sender",
];

impl Fault {
    /// The fault's name, one of [`FAULT_NAMES`].
    pub fn name(self) -> &'static str {
        FAULT_NAMES[self.index()]
    }

    fn index(self) -> usize {
        match self {
            Fault::None => 0,
            Fault::ClientCancels { .. } => 1,
            Fault::ClientDropsCall { .. } => 2,
            Fault::ClientDropsSender { .. } => 3,
            Fault::ConnectionCut { how, .. } => match how {
                Cut::Fin => 4,
                Cut::Reset => 5,
                Cut::MidFrame => 6,
                Cut::HalfOpen => 7,
            },
            Fault::DeadlineExpires { .. } => 8,
            Fault::HandlerErrors { .. } => 9,
            Fault::HandlerPanics { .. } => 10,
            Fault::HandlerDropsSender { .. } => 11,
        }
    }

    /// Whether the fault is the client's doing (the server then never ends cleanly).
    pub fn by_client(self) -> bool {
        matches!(
            self,
            Fault::ClientCancels { .. }
                | Fault::ClientDropsCall { .. }
                | Fault::ClientDropsSender { .. }
                | Fault::ConnectionCut { .. }
        )
    }

    /// The client-side trigger: after how many messages the client acts.
    pub fn client_after(self) -> Option<u32> {
        match self {
            Fault::ClientCancels { after }
            | Fault::ClientDropsCall { after }
            | Fault::ClientDropsSender { after }
            | Fault::ConnectionCut { after, .. } => Some(after),
            _ => None,
        }
    }

    /// What the server must play, as the `x-soak-fault` header says it.
    pub fn server_header(self) -> Option<String> {
        match self {
            Fault::DeadlineExpires { at } => Some(format!("stall@{at}")),
            Fault::HandlerErrors { at } => Some(format!("error@{at}")),
            Fault::HandlerPanics { at } => Some(format!("panic@{at}")),
            Fault::HandlerDropsSender { at } => Some(format!("drop-sender@{at}")),
            _ => None,
        }
    }

    fn applies_to(self, kind: Kind) -> bool {
        match self {
            // A download's client has no sending half; an upload's handler none.
            Fault::ClientDropsSender { .. } => kind != Kind::Download,
            Fault::HandlerDropsSender { .. } => kind != Kind::Upload,
            _ => true,
        }
    }
}

/// One session of the soak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The session's number; the server learns it from `x-soak-id`.
    pub id: u64,
    pub kind: Kind,
    /// Messages to exchange when nothing goes wrong (at least 2).
    pub count: u32,
    pub fault: Fault,
}

impl Plan {
    /// Draws session `id`'s plan.
    pub fn draw(rng: &mut Rng, id: u64) -> Plan {
        let kind = [Kind::Download, Kind::Upload, Kind::Chat][rng.below(3) as usize];
        // Mostly short sessions; one in eight long enough to fill the session's
        // batches and HTTP/2 windows.
        let count = if rng.below(8) == 0 {
            rng.between(2, 400)
        } else {
            rng.between(2, 40)
        };
        loop {
            // The client acts after at least one message, so the call reached the
            // handler; the handler's fault is anywhere before the last message.
            let after = rng.between(1, count - 1);
            let at = rng.below(count);
            let cut = |how| Fault::ConnectionCut { after, how };
            let fault = match rng.below(12) {
                0 => Fault::None,
                1 => Fault::ClientCancels { after },
                2 => Fault::ClientDropsCall { after },
                3 => Fault::ClientDropsSender { after },
                4 => cut(Cut::Fin),
                5 => cut(Cut::Reset),
                6 => cut(Cut::MidFrame),
                7 => cut(Cut::HalfOpen),
                8 => Fault::DeadlineExpires { at },
                9 => Fault::HandlerErrors { at },
                10 => Fault::HandlerPanics { at },
                _ => Fault::HandlerDropsSender { at },
            };
            if fault.applies_to(kind) {
                return Plan {
                    id,
                    kind,
                    count,
                    fault,
                };
            }
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "session #{} ({:?}, {} messages, {:?})",
            self.id, self.kind, self.count, self.fault
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_is_drawn_for_every_kind_it_applies_to() {
        let mut rng = Rng::new(1);
        let plans: Vec<Plan> = (0..3000).map(|id| Plan::draw(&mut rng, id)).collect();
        for kind in [Kind::Download, Kind::Upload, Kind::Chat] {
            for name in FAULT_NAMES {
                let drawn = plans
                    .iter()
                    .any(|plan| plan.kind == kind && plan.fault.name() == name);
                let applies = !matches!(
                    (kind, name),
                    (Kind::Download, "client_drops_sender")
                        | (Kind::Upload, "handler_drops_sender")
                );
                assert_eq!(drawn, applies, "{kind:?} {name}");
            }
        }
        for plan in &plans {
            assert!(plan.count >= 2);
            if let Some(after) = plan.fault.client_after() {
                assert!((1..plan.count).contains(&after), "{plan}");
            }
        }
    }
}
