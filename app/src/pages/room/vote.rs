//! The vote under way or last held (biểu quyết): the question, the tally
//! (hidden in a secret ballot until it closes), how many voted online and in
//! the room, the buttons to cast, the outcome. The vote counters (tổ kiểm
//! phiếu) the chair names, and what they do: record each in-person member's
//! show of hands in an open vote, enter the paper-ballot count of a secret one.

use super::connection::Live;
use super::status::Unsent;
use crate::i18n::{I18n, use_i18n};
use crate::live::{in_person, turnout, waiting_in_room};
use leptos::prelude::*;
use shared::MemberId;
use shared::i18n::Message;
use shared::live::state::{Choice, Command, LiveState, Receipt, Refusal, Speaker};
use shared::rules::vote::{Ballot, VoteTally};

/// The vote under way or last held. The room places it: at the top of the
/// screen while a vote is open, lower once it is closed.
#[component]
pub(super) fn VotePanel(live: Live) -> impl IntoView {
    let last = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.votes.len().checked_sub(1)))
    });
    move || last.get().map(|index| view! { <VoteCard live index/> })
}

/// Tổ kiểm phiếu, while the meeting runs.
#[component]
pub(super) fn CountersPanel(live: Live) -> impl IntoView {
    view! {
        <Show when=move || live.in_progress()>
            <CountersCard live/>
        </Show>
    }
}

/// The vote now open, if any (reactive).
pub(super) fn open_vote(live: Live) -> Option<usize> {
    live.state.with(|s| s.as_ref().and_then(|s| s.open_vote()))
}

/// Says "a vote is open" to a screen reader at once (aria-live assertive),
/// and buzzes a phone that allows it when a vote opens while the room is on
/// screen (not on a reload into a vote already open).
#[component]
pub(super) fn VoteAnnouncer(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let open = Memo::new(move |_| open_vote(live));
    Effect::watch(
        move || open.get(),
        move |now, before, _| {
            if let (Some(vote), Some(None)) = (now, before)
                && live.allows(&Command::Cast {
                    vote: *vote,
                    choice: Choice::InFavour,
                })
                && let Some(window) = web_sys::window()
            {
                let _ = window.navigator().vibrate_with_duration(VIBRATE_MS);
            }
        },
        false,
    );
    let text = move || {
        let index = open.get()?;
        let question = live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.votes.get(index))
                .map(|r| r.question.clone())
        })?;
        Some(format!("{} {question}", i18n.t().vote_opened_announce))
    };
    view! {
        <div id="vote-announce" class="visually-hidden" aria-live="assertive" aria-atomic="true">
            {text}
        </div>
    }
}

/// How long a phone buzzes when a vote opens.
const VIBRATE_MS: u32 = 300;

fn names(state: &LiveState, members: &[MemberId]) -> Vec<String> {
    members
        .iter()
        .map(|m| {
            state
                .roll_entry(*m)
                .map(|r| r.full_name.clone())
                .unwrap_or_else(|| format!("#{m}"))
        })
        .collect()
}

/// Tổ kiểm phiếu: who they are, for everyone; the chair names them among the
/// members present in person.
#[component]
fn CountersCard(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let counters = move || {
        live.state.with(|s| {
            s.as_ref()
                .map(|s| names(s, &s.counters))
                .unwrap_or_default()
        })
    };
    let show = move || live.is_chair() || !counters().is_empty();
    view! {
        <Show when=show>
            <div id="counters" class="card live-card counters">
                <h2>{move || i18n.t().vote_counters}</h2>
                <p id="counter-names">
                    {move || {
                        let c = counters();
                        if c.is_empty() { i18n.t().vote_counters_none.to_string() } else { c.join(", ") }
                    }}
                </p>
                <Show when=move || live.is_chair()>
                    <AppointCounters live/>
                </Show>
            </div>
        </Show>
    }
}

#[component]
fn AppointCounters(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    // Those present in the room, and anyone named already.
    let candidates = move || {
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            s.roll
                .iter()
                .filter(|r| in_person(s, r.member_id) || s.counters.contains(&r.member_id))
                .map(|r| (r.member_id, r.full_name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let chosen = RwSignal::new(
        live.state
            .with_untracked(|s| s.as_ref().map(|s| s.counters.clone()).unwrap_or_default()),
    );
    // Counters named (here or on the chair's other device) show as chosen.
    Effect::watch(
        move || live.state.with(|s| s.as_ref().map(|s| s.counters.clone())),
        move |named, _, _| chosen.set(named.clone().unwrap_or_default()),
        false,
    );
    let toggle = move |member: MemberId, on: bool| {
        chosen.update(|c| {
            c.retain(|m| *m != member);
            if on {
                c.push(member);
            }
        });
    };
    let appoint = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        live.run(Command::AppointCounters {
            members: chosen.get_untracked(),
        });
    };
    view! {
        <details class="appoint" open=move || live.state.with(|s| s.as_ref().is_some_and(|s| s.counters.is_empty()))>
            <summary>{move || i18n.t().vote_appoint_counters}</summary>
            <form class="form" on:submit=appoint>
                <p class="muted">{move || i18n.t().vote_counters_hint}</p>
                <div class="choices counter-choices">
                    {move || candidates()
                        .into_iter()
                        .map(|(member, name)| view! {
                            <label class="choice">
                                <input
                                    type="checkbox"
                                    class="counter-pick"
                                    data-member=member.to_string()
                                    prop:checked=move || chosen.with(|c| c.contains(&member))
                                    on:change=move |ev| toggle(member, event_target_checked(&ev))
                                />
                                {name}
                            </label>
                        })
                        .collect_view()}
                </div>
                <button id="btn-appoint-counters" type="submit" class="button">
                    {move || i18n.t().vote_appoint_counters}
                </button>
            </form>
        </details>
    }
}

#[component]
fn VoteCard(live: Live, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let record = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.votes.get(index).cloned()))
    };
    let is_open = move || {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.votes.get(index))
                .is_some_and(|r| r.closed_at.is_none())
        })
    };
    let secret = move || {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.votes.get(index))
                .is_some_and(|r| r.plan.ballot == Ballot::Secret)
        })
    };
    let tally = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.visible_tally(index)))
    };
    let outcome = move || {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.vote_outcome(index)))
    };
    let counts = move || {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.votes.get(index))
                .map(|r| (turnout(r), r.plan.voters.len()))
        })
    };
    view! {
        <div id="vote" class="card live-card vote" data-open=move || is_open().to_string()>
            <h2>{move || record().map(|r| r.plan.kind.label(i18n.lang()))}</h2>
            <p class="item-title">{move || record().map(|r| r.question)}</p>
            // What this person does comes right under the question: on a
            // phone, the buttons (or the receipt) on the first screen.
            <Show when=is_open>
                <MyBallot live index/>
            </Show>
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
            <p id="turnout" class="turnout">
                {move || counts().map(|((online, in_room), voters)| {
                    let t = i18n.t();
                    format!(
                        "{}: {online} {} / {in_room} {} ({online_and_room}/{voters})",
                        t.vote_turnout, t.vote_online, t.vote_in_the_room,
                        online_and_room = online.saturating_add(in_room),
                    )
                })}
            </p>
            <Show when=is_open>
                <Show when=move || live.allows(&Command::CloseVote { vote: index })>
                    <button id="btn-close-vote" class="button danger" on:click=move |_| { live.run(Command::CloseVote { vote: index }); }>
                        {move || i18n.t().vote_close}
                    </button>
                </Show>
            </Show>
            // The rules' long explanation, folded: the question and the buttons come first.
            <details class="why">
                <summary>{move || i18n.t().vote_why}</summary>
                <p class="muted plan">{move || record().map(|r| r.plan.explanation(i18n.lang()).to_string())}</p>
            </details>
            <Show when=is_open>
                <Show when=move || live.records_ballots()>
                    <Show when=secret fallback=move || view! { <RoomBallots live index/> }>
                        <PaperCount live index/>
                    </Show>
                </Show>
            </Show>
            // After the vote, the member still sees what they did.
            <Show when=move || !is_open()>
                {move || receipt(live, i18n, index).map(|text| view! { <p id="vote-receipt" class="ok-line receipt">{text}</p> })}
            </Show>
            {move || outcome().map(|o| {
                let (class, text) = match o {
                    Ok(o) => (if o.passed { "vote-outcome passed" } else { "vote-outcome failed" }, o.explanation(i18n.lang()).to_string()),
                    Err(e) => ("vote-outcome failed", e.text(i18n.lang())),
                };
                view! { <p class=class>{text}</p> }
            })}
        </div>
    }
}

/// What this person may do with their own ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mine {
    /// Cast online (or be told by the rules why not).
    Cast,
    /// Voted already.
    Voted,
    /// A secret vote, and present in the room: on paper.
    OnPaper,
    /// Not a voter in this vote (an upper-level visitor, a probationary
    /// member, one who joined after it opened): the rules' reason, no buttons.
    NotYours(String),
}

/// The buttons to cast; or that this member voted; or, present in person in
/// a secret vote, that the ballot is cast on paper in the room.
#[component]
fn MyBallot(live: Live, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let mine = Memo::new(move |_| {
        let probe = Command::Cast {
            vote: index,
            choice: Choice::InFavour,
        };
        match live.refusal(&probe) {
            None | Some(Refusal::AlreadyVoted | Refusal::VoteOnPaper) => {}
            Some(other) => return Mine::NotYours(other.text(i18n.lang())),
        }
        let Some(Speaker::Member(me)) = live.you.get() else {
            return Mine::Cast;
        };
        live.state.with(|s| {
            let Some((s, record)) = s.as_ref().and_then(|s| Some((s, s.votes.get(index)?))) else {
                return Mine::Cast;
            };
            if record.has_voted(me) {
                Mine::Voted
            } else if record.plan.ballot == Ballot::Secret && in_person(s, me) {
                Mine::OnPaper
            } else {
                Mine::Cast
            }
        })
    });
    move || {
        match mine.get() {
        Mine::Cast => view! { <CastButtons live index/> }.into_any(),
        Mine::Voted => view! {
            <p id="you-voted" class="ok-line receipt">
                {move || receipt(live, i18n, index).unwrap_or_else(|| i18n.t().vote_you_voted.to_string())}
            </p>
        }
        .into_any(),
        Mine::OnPaper => view! {
            <p id="vote-on-paper" class="notice">{move || i18n.t().vote_on_paper_note}</p>
        }
        .into_any(),
        Mine::NotYours(reason) => {
            view! { <p id="vote-not-yours" class="notice">{reason}</p> }.into_any()
        }
    }
    }
}

/// "Đã biểu quyết: Tán thành", or "Đã bỏ phiếu kín" (never a secret
/// choice: the participants' copy of the state does not hold it), if this
/// page's member voted in vote `index` (reactive). From the live state, so it
/// outlives a reload.
fn receipt(live: Live, i18n: I18n, index: usize) -> Option<String> {
    let Some(Speaker::Member(me)) = live.you.get() else {
        return None;
    };
    let receipt = live
        .state
        .with(|s| s.as_ref()?.votes.get(index)?.receipt(me))?;
    let t = i18n.t();
    Some(match receipt {
        Receipt::Chose(c) => format!("{} {}", t.vote_receipt, choice_name(i18n, c)),
        Receipt::SecretBallot => t.vote_receipt_secret.to_string(),
    })
}

/// A choice as the rules name it (`shared::live::minutes::choice_vi`).
fn choice_name(i18n: I18n, c: Choice) -> &'static str {
    let en = match c {
        Choice::InFavour => "In favour",
        Choice::Against => "Against",
        Choice::Abstain => "Abstain",
    };
    i18n.pick(shared::live::minutes::choice_vi(c), en)
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

/// An open vote in the room: the chair, the secretary or a counter records
/// the show of hands of each member present in person who has not voted.
#[component]
fn RoomBallots(live: Live, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let waiting = move || {
        live.state.with(|s| {
            let Some(s) = s else { return Vec::new() };
            let members = waiting_in_room(s, index);
            members
                .iter()
                .copied()
                .zip(names(s, &members))
                .collect::<Vec<_>>()
        })
    };
    let record = move |member: MemberId, choice: Choice| {
        live.run(Command::RecordBallot {
            vote: index,
            member,
            choice,
        });
    };
    view! {
        <div id="room-ballots" class="room-ballots">
            <h3>{move || i18n.t().vote_in_room}</h3>
            <Show
                when=move || !waiting().is_empty()
                fallback=move || view! { <p class="muted">{move || i18n.t().vote_in_room_done}</p> }
            >
                <p class="muted">{move || i18n.t().vote_in_room_hint}</p>
            </Show>
            <ul class="roll">
                <For
                    each=waiting
                    key=|(member, _)| *member
                    children=move |(member, name)| view! {
                        <li class="room-voter" data-member=member.to_string()>
                            <p><strong>{name}</strong></p>
                            <div class="mark-buttons">
                                <button class="button small btn-record" data-choice="in_favour" on:click=move |_| record(member, Choice::InFavour)>
                                    {move || i18n.t().vote_for}
                                </button>
                                <button class="button small secondary btn-record" data-choice="against" on:click=move |_| record(member, Choice::Against)>
                                    {move || i18n.t().vote_against}
                                </button>
                                <button class="button small secondary btn-record" data-choice="abstain" on:click=move |_| record(member, Choice::Abstain)>
                                    {move || i18n.t().vote_abstain}
                                </button>
                            </div>
                        </li>
                    }
                />
            </ul>
            <Unsent live like=|c| matches!(c, Command::RecordBallot { .. })/>
        </div>
    }
}

/// A secret vote in the room: the counters enter the count of the paper
/// ballots, checked by the state machine before it is sent.
#[component]
fn PaperCount(live: Live, index: usize) -> impl IntoView {
    let i18n = use_i18n();
    let counted = move || {
        live.state.with(|s| {
            s.as_ref()
                .and_then(|s| s.votes.get(index))
                .and_then(|r| r.paper)
        })
    };
    // Voters present in person who have not voted online: the most paper
    // ballots there can be.
    let most = move || {
        live.state
            .with(|s| s.as_ref().map_or(0, |s| waiting_in_room(s, index).len()))
    };
    let in_favour = RwSignal::new(String::new());
    let against = RwSignal::new(String::new());
    let abstain = RwSignal::new(String::new());
    let bad = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let read = |s: RwSignal<String>| {
            let text = s.get_untracked();
            let text = text.trim();
            if text.is_empty() {
                Some(0)
            } else {
                text.parse::<u32>().ok()
            }
        };
        let (Some(in_favour), Some(against), Some(abstain)) =
            (read(in_favour), read(against), read(abstain))
        else {
            bad.set(true);
            return;
        };
        bad.set(false);
        live.run(Command::CountPaperBallots {
            vote: index,
            tally: VoteTally {
                in_favour,
                against,
                abstain,
            },
        });
    };
    let field = move |id: &'static str,
                      label: fn(&crate::i18n::Texts) -> &'static str,
                      value: RwSignal<String>| {
        view! {
            <label for=id>{move || label(i18n.t())}</label>
            <input
                id=id
                type="number"
                min="0"
                step="1"
                inputmode="numeric"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
    };
    view! {
        <div id="paper-count" class="paper-count">
            <h3>{move || i18n.t().vote_paper}</h3>
            {move || match counted() {
                Some(t) => view! {
                    <p id="paper-counted" class="ok-line">
                        {move || format!("{}: {} {}.", i18n.t().vote_paper_counted, t.cast(), i18n.t().vote_ballots_unit)}
                    </p>
                }
                    .into_any(),
                None => view! {
                    <form class="form paper-form" on:submit=save>
                        <p class="muted">
                            {move || format!("{} {} {}", i18n.t().vote_paper_max, most(), i18n.t().vote_paper_max_who)}
                        </p>
                        <div class="paper-fields">
                            <div>{field("paper-in-favour", |t| t.vote_for, in_favour)}</div>
                            <div>{field("paper-against", |t| t.vote_against, against)}</div>
                            <div>{field("paper-abstain", |t| t.vote_abstain, abstain)}</div>
                        </div>
                        <Show when=move || bad.get()>
                            <p class="field-error">{move || i18n.t().vote_bad_number}</p>
                        </Show>
                        <button id="btn-count-paper" type="submit" class="button">
                            {move || i18n.t().vote_paper_save}
                        </button>
                    </form>
                }
                    .into_any(),
            }}
            <Unsent live like=|c| matches!(c, Command::CountPaperBallots { .. })/>
        </div>
    }
}
