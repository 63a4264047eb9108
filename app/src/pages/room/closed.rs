//! A closed meeting: the minutes and the resolution to print or download, the
//! check of the record's hash chain, and what was decided, read-only.

use super::agenda::AgendaPanel;
use super::attendance::AttendancePanel;
use super::connection::Live;
use super::opinions::OpinionsPanel;
use super::vote::VotePanel;
use crate::api;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::MeetingId;
use shared::live::chain::ChainReport;
use shared::live::state::Speaker;

#[component]
pub(super) fn ClosedView(live: Live, id: MeetingId) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card live-card closed">
            <p class="big">{move || i18n.t().live_closed}</p>
            <div class="actions">
                <A href=format!("/meetings/{id}/minutes") attr:class="button" attr:id="link-minutes">
                    {move || i18n.t().minutes_print_link}
                </A>
                <a class="button secondary" href=format!("/api/meetings/{id}/minutes.docx") download="">
                    {move || i18n.t().minutes_docx}
                </a>
                <a class="button secondary" href=format!("/api/meetings/{id}/resolution.docx") download="">
                    {move || i18n.t().resolution_docx}
                </a>
            </div>
            <VerifyChain live id/>
        </div>
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
    let visitor = move || {
        live.caller()
            .is_some_and(|c| matches!(c.speaker, Speaker::Visitor(_)))
    };
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
                            <p>{r.message}</p>
                            <p class="digest">{format!("{}: {}", i18n.t().digest, r.digest)}</p>
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
