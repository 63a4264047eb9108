//! A closed meeting: the minutes and the resolution to print or download, the
//! check of the record's hash chain, and what was decided, read-only. The
//! resolution is issued only when its vote passed; whether the cell adopted
//! the minutes is said.

use super::agenda::AgendaPanel;
use super::attendance::AttendancePanel;
use super::chair::MinutesAdopted;
use super::connection::Live;
use super::opinions::OpinionsPanel;
use super::vote::VotePanel;
use crate::api;
use crate::i18n::use_i18n;
use crate::pages::tasks::MeetingTasks;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::MeetingId;
use shared::live::chain::ChainReport;
use shared::live::minutes::{self, Names, Register};
use shared::live::state::Speaker;
use shared::meeting::Meeting;

/// The resolution as the record decides it: issued (with its number) only
/// when the vote on it passed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolution {
    Issued,
    NotPassed,
    NoVote,
}

#[component]
pub(super) fn ClosedView(live: Live, meeting: Meeting) -> impl IntoView {
    let i18n = use_i18n();
    let id = meeting.id;
    // The same rule as the server's documents (`Minutes::resolution_passed`);
    // the number in the cell's year is the server's (the register).
    let resolution = Memo::new(move |_| {
        live.state.with(|s| {
            let Some(s) = s else {
                return Resolution::NoVote;
            };
            let m = minutes::minutes(s, &meeting, &Names::default(), &Register::default(), "");
            match (m.resolution_passed(), m.resolution_vote()) {
                (true, _) => Resolution::Issued,
                (false, Some(_)) => Resolution::NotPassed,
                (false, None) => Resolution::NoVote,
            }
        })
    });
    let adopted_at = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.minutes_adopted_at))
    };
    view! {
        <div class="card live-card closed">
            <p class="big">{move || i18n.t().live_closed}</p>
            {move || match adopted_at() {
                Some(at) => view! { <MinutesAdopted at/> }.into_any(),
                None => view! { <p id="minutes-not-adopted" class="muted">{move || i18n.t().live_not_adopted}</p> }.into_any(),
            }}
            <div class="actions">
                <A href=format!("/meetings/{id}/minutes") attr:class="button" attr:id="link-minutes">
                    {move || i18n.t().minutes_print_link}
                </A>
                <A href=format!("/meetings/{id}/score") attr:class="button secondary" attr:id="link-score">
                    {move || i18n.t().score_link}
                </A>
                <a class="button secondary" href=format!("/api/meetings/{id}/minutes.docx") download="">
                    {move || i18n.t().minutes_docx}
                </a>
                {move || match resolution.get() {
                    Resolution::Issued => view! {
                        <a id="link-resolution" class="button secondary" href=format!("/api/meetings/{id}/resolution.docx") download="">
                            {move || i18n.t().resolution_docx}
                        </a>
                    }
                        .into_any(),
                    Resolution::NotPassed => view! {
                        <p id="no-resolution" class="notice warn">{move || i18n.t().resolution_not_passed}</p>
                    }
                        .into_any(),
                    Resolution::NoVote => view! {
                        <p id="no-resolution" class="muted">{move || i18n.t().resolution_no_vote}</p>
                    }
                        .into_any(),
                }}
            </div>
            <VerifyChain live id/>
        </div>
        <MeetingTasks id/>
        <InClosedSummary live/>
    }
}

/// Anyone may check that the record was not changed since (the hash chain);
/// for an upper-level visitor it is the main button.
#[component]
fn VerifyChain(live: Live, id: MeetingId) -> impl IntoView {
    let i18n = use_i18n();
    let report = RwSignal::new(None::<Result<ChainReport, String>>);
    let checking = RwSignal::new(false);
    let visitor = move || matches!(live.you.get(), Some(Speaker::Visitor(_)));
    let verify = move |_| {
        checking.set(true);
        leptos::task::spawn_local(async move {
            let r = api::verify(id).await.map_err(|e| e.message(i18n.t()));
            report.set(Some(r));
            checking.set(false);
        });
    };
    view! {
        <div class="verify" class:prominent=visitor>
            <button id="btn-verify" class="button" class:huge=visitor disabled=move || checking.get() on:click=verify>
                {move || i18n.t().verify_chain}
            </button>
            {move || report.get().map(|r| match r {
                Ok(r) => {
                    let class = if r.broken_at.is_none() { "notice" } else { "form-error" };
                    view! {
                        <div id="verify-result" class=class role="status">
                            <p>{r.text(i18n.lang())}</p>
                            <p class="digest">{format!("{}: ", i18n.t().digest)}<span class="hash">{r.digest.clone()}</span></p>
                        </div>
                    }
                        .into_any()
                }
                Err(m) => view! { <p id="verify-result" class="form-error" role="alert">{m}</p> }.into_any(),
            })}
        </div>
    }
}

/// What was decided, read-only, under the closed meeting's links.
#[component]
fn InClosedSummary(live: Live) -> impl IntoView {
    view! {
        <div class="room-grid">
            <div class="room-main">
                <VotePanel live/>
                <OpinionsPanel live/>
            </div>
            <div class="room-side">
                <AttendancePanel live/>
                <AgendaPanel live/>
            </div>
        </div>
    }
}
