//! The vote under way or last held (biểu quyết): the question, the tally
//! (hidden in a secret ballot until it closes), the buttons to cast, the outcome.

use super::connection::Live;
use super::status::Unsent;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::live::state::{Choice, Command};

#[component]
pub(super) fn VotePanel(live: Live) -> impl IntoView {
    let last = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.votes.len().checked_sub(1)))
    });
    move || last.get().map(|index| view! { <VoteCard live index/> })
}

#[component]
fn VoteCard(live: Live, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let record = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.votes.get(index).cloned()))
    };
    let is_open = move || record().is_some_and(|r| r.closed_at.is_none());
    let tally = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.visible_tally(index)))
    };
    let outcome = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.vote_outcome(index)))
    };
    view! {
        <div id="vote" class="card live-card vote" data-open=move || is_open().to_string()>
            <h2>{move || record().map(|r| r.plan.kind.label_vi())}</h2>
            <p class="item-title">{move || record().map(|r| r.question)}</p>
            <p class="muted plan">{move || record().map(|r| r.plan.explanation)}</p>
            <p class="tally">
                {move || match tally() {
                    Some(t) => format!(
                        "{} {} · {} {} · {} {}",
                        i18n.t().vote_for, t.in_favour, i18n.t().vote_against, t.against,
                        i18n.t().vote_abstain, t.abstain,
                    ),
                    None => i18n.t().vote_secret_hidden.to_string(),
                }}
            </p>
            <Show when=is_open>
                <CastButtons live index/>
                <Show when=move || live.is_chair()>
                    <button id="btn-close-vote" class="button danger" on:click=move |_| { live.run(Command::CloseVote { vote: index }); }>
                        {move || i18n.t().vote_close}
                    </button>
                </Show>
            </Show>
            {move || outcome().map(|o| {
                let (class, text) = match o {
                    Ok(o) => (if o.passed { "vote-outcome passed" } else { "vote-outcome failed" }, o.explanation),
                    Err(e) => ("vote-outcome failed", e.to_string()),
                };
                view! { <p class=class>{text}</p> }
            })}
        </div>
    }
}

/// Tán thành, không tán thành, không biểu quyết.
#[component]
fn CastButtons(live: Live, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let cast = move |choice: Choice| {
        live.run(Command::Cast {
            vote: index,
            choice,
        });
    };
    view! {
        <div class="vote-buttons">
            <button class="button huge btn-cast" data-choice="in_favour" on:click=move |_| cast(Choice::InFavour)>
                {move || i18n.t().vote_for}
            </button>
            <button class="button secondary huge btn-cast" data-choice="against" on:click=move |_| cast(Choice::Against)>
                {move || i18n.t().vote_against}
            </button>
            <button class="button secondary huge btn-cast" data-choice="abstain" on:click=move |_| cast(Choice::Abstain)>
                {move || i18n.t().vote_abstain}
            </button>
        </div>
        <Unsent live like=|c| matches!(c, Command::Cast { .. })/>
    }
}
