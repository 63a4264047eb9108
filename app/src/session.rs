//! Who is logged in (phiên đăng nhập), shared through context. The server's
//! HttpOnly cookie is the session; this only remembers the answer of `/api/me`.

use crate::api::{self, ApiError};
use crate::live;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::Me;

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    Checking,
    LoggedIn(Box<Me>),
    LoggedOut,
    /// `/api/me` did not answer (network, server down): not the same as logged out.
    Failed(ApiError),
}

/// The coarse state pages switch on, so a change inside `Me` does not rebuild them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Checking,
    In,
    Out,
    Failed,
}

#[derive(Debug, Clone, Copy)]
pub struct Session(RwSignal<SessionState>);

impl Session {
    pub fn new(state: SessionState) -> Session {
        Session(RwSignal::new(state))
    }

    /// Asks the server who we are.
    pub fn check(&self) {
        let state = self.0;
        state.set(SessionState::Checking);
        spawn_local(async move {
            state.set(match api::me().await {
                Ok(me) => logged_in_here(me),
                Err(e) if e.is_unauthenticated() => SessionState::LoggedOut,
                Err(e) => SessionState::Failed(e),
            });
        });
    }

    pub fn phase(&self) -> Phase {
        self.0.with(|s| match s {
            SessionState::Checking => Phase::Checking,
            SessionState::LoggedIn(_) => Phase::In,
            SessionState::LoggedOut => Phase::Out,
            SessionState::Failed(_) => Phase::Failed,
        })
    }

    pub fn me(&self) -> Option<Me> {
        self.0.with(|s| match s {
            SessionState::LoggedIn(me) => Some((**me).clone()),
            _ => None,
        })
    }

    pub fn is_admin(&self) -> bool {
        self.0
            .with(|s| matches!(s, SessionState::LoggedIn(me) if me.actor.is_admin))
    }

    pub fn error(&self) -> Option<ApiError> {
        self.0.with(|s| match s {
            SessionState::Failed(e) => Some(e.clone()),
            _ => None,
        })
    }

    pub fn logged_in(&self, me: Me) {
        self.0.set(logged_in_here(me));
    }

    /// The session is gone (expired, or ended elsewhere).
    pub fn logged_out(&self) {
        self.0.set(SessionState::LoggedOut);
    }

    /// The person logged out on this device: what they left unsent here goes
    /// with them, so the next person on a shared phone never sends it.
    pub fn log_out_here(&self) {
        // Untracked: called from effects, which must not rerun on this change.
        let account = self.0.with_untracked(|s| match s {
            SessionState::LoggedIn(me) => Some(me.account.id),
            _ => None,
        });
        if let Some(account) = account {
            live::forget_outboxes_of(account);
        }
        self.logged_out();
    }
}

/// Someone is logged in on this device: commands that someone else left
/// unsent here are dropped, never sent in this person's name.
fn logged_in_here(me: Me) -> SessionState {
    live::forget_outboxes_not_of(me.account.id);
    SessionState::LoggedIn(Box::new(me))
}

pub fn provide_session(state: SessionState) -> Session {
    let session = Session::new(state);
    provide_context(session);
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
