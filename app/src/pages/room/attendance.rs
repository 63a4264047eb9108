//! Điểm danh: the attendance figures, the visitors, and the roll, where the
//! secretary or the chair marks each member and records late arrivals and
//! early leaves.

use super::connection::Live;
use crate::i18n::{Texts, use_i18n};
use crate::live;
use crate::ui::{TimeInput, date_error_text};
use chrono::NaiveTime;
use leptos::prelude::*;
use shared::dates::{DateError, parse_time};
use shared::live::limits::MAX_REASON_CHARS;
use shared::live::state::{Command, Speaker};
use shared::rules::attendance::{AttendanceMark, Presence, RosterEntry};

#[component]
pub(super) fn AttendancePanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let figures = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.attendance_figures()))
    };
    let roll = move || {
        live.state
            .with(|s| s.as_ref().map(|s| s.roll.clone()).unwrap_or_default())
    };
    view! {
        <div id="attendance" class="card live-card">
            <h2>{move || i18n.t().live_attendance}</h2>
            {move || figures().map(|f| {
                let quality = if f.meets_quality { "quality ok" } else { "quality warn" };
                view! {
                    <p id="figures" class="figures">
                        <span class="n">{format!("{}/{}", f.present, f.expected)}</span>
                        " " {f.rate_display.clone()}
                    </p>
                    <p class=quality>{f.explanation(i18n.lang()).to_string()}</p>
                }
            })}
            {move || {
                let names = live.state.with(|s| {
                    s.as_ref()
                        .map(|s| s.visitors.iter().map(|v| v.name.clone()).collect::<Vec<_>>())
                        .unwrap_or_default()
                });
                (!names.is_empty()).then(|| view! {
                    <p id="visitors" class="muted">
                        {format!("{}: {}", i18n.t().upper_level_guest, names.join(", "))}
                    </p>
                })
            }}
            // For those who mark it, the roll is folded once everyone is
            // marked: the figures above say what it adds up to.
            <details
                id="roll-details"
                class="tool"
                open=move || !live.keeps_minutes() || live.state.with(|s| s.as_ref().is_none_or(|s| !s.unmarked().is_empty()))
            >
                <summary>{move || format!("{} ({})", i18n.t().live_attendance, roll().len())}</summary>
                <ul class="roll">
                    // Keyed by member: a row, and what is being typed in it, outlives
                    // every event that is not about its member.
                    <For
                        each=roll
                        key=|entry| entry.member_id
                        children=move |entry| view! { <RollRow live entry/> }
                    />
                </ul>
            </details>
        </div>
    }
}

/// A time recorded on a present member's mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timed {
    /// Đến muộn.
    Late,
    /// Về sớm.
    Early,
}

impl Timed {
    fn get(self, mark: &AttendanceMark) -> Option<NaiveTime> {
        match self {
            Timed::Late => mark.arrived_late_at,
            Timed::Early => mark.left_early_at,
        }
    }

    fn set(self, mark: &mut AttendanceMark, at: Option<NaiveTime>) {
        match self {
            Timed::Late => mark.arrived_late_at = at,
            Timed::Early => mark.left_early_at = at,
        }
    }
}

/// What the roll says of a mark: presence, reason, late arrival, early leave.
fn mark_text(mark: Option<&AttendanceMark>, t: &Texts) -> String {
    let Some(mark) = mark else {
        return t.live_unmarked.to_string();
    };
    let mut text = mark.presence.label(crate::i18n::lang()).to_string();
    if mark.presence == Presence::AbsentWithReason && !mark.reason.is_empty() {
        text.push_str(&format!(": {}", mark.reason));
    }
    if mark.presence.is_present() {
        for (at, words) in [
            (mark.arrived_late_at, t.late_at),
            (mark.left_early_at, t.early_at),
        ] {
            if let Some(at) = at {
                text.push_str(&format!(" · {words} {}", at.format("%H:%M")));
            }
        }
    }
    text
}

#[component]
fn RollRow(live: Live, entry: RosterEntry) -> impl IntoView {
    let i18n = use_i18n();
    let member = entry.member_id;
    // Only this member's mark: an event about anyone else changes nothing here.
    let mark = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().and_then(|s| s.mark_of(member).cloned()))
    });
    let marked = Memo::new(move |_| mark.with(Option::is_some));
    let present =
        Memo::new(move |_| mark.with(|m| m.as_ref().is_some_and(|m| m.presence.is_present())));
    let status = entry.status;
    let t = move || i18n.t();
    view! {
        <li
            class="roll-row"
            data-member=member.to_string()
            data-marked=move || marked.get().to_string()
            data-present=move || present.get().to_string()
        >
            <p>
                <strong>{entry.full_name.clone()}</strong>
                {(status != shared::member::PartyStatus::Full).then(|| view! { <span class="tag">{shared::i18n::tr(crate::i18n::lang(), status.label_vi(), status.label_en())}</span> })}
            </p>
            <p class="muted mark-text">{move || mark.with(|m| mark_text(m.as_ref(), t()))}</p>
            <Show when=move || live.keeps_minutes() && live.in_progress()>
                <MarkButtons live member mark/>
                <Show when=move || present.get()>
                    <TimedMarks live member mark/>
                </Show>
            </Show>
            <Show when=move || present.get() && live.allows(&Command::GiveFloor { speaker: Speaker::Member(member) })>
                <button class="button small secondary btn-give" on:click=move |_| { live.run(Command::GiveFloor { speaker: Speaker::Member(member) }); }>
                    {move || t().live_give_floor}
                </button>
            </Show>
        </li>
    }
}

/// The secretary's (or the chair's) four marks for a member, and the reason
/// of an excused absence.
#[component]
fn MarkButtons(
    live: Live,
    member: shared::MemberId,
    mark: Memo<Option<AttendanceMark>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let marked = Memo::new(move |_| mark.with(Option::is_some));
    let saved_reason =
        Memo::new(move |_| mark.with(|m| m.as_ref().map(|m| m.reason.clone()).unwrap_or_default()));
    let reason = RwSignal::new(saved_reason.get_untracked());
    // A reason recorded (here or by someone else) replaces what the box shows.
    Effect::watch(
        move || saved_reason.get(),
        move |saved, _, _| reason.set(saved.clone()),
        false,
    );
    let set = move |presence: Presence| {
        let mut new = AttendanceMark::new(member, presence);
        if presence == Presence::AbsentWithReason {
            new.reason = reason.get_untracked();
        }
        // Still present (in the room or online): a recorded late arrival or early leave stays.
        if presence.is_present()
            && let Some(old) = mark.get_untracked()
        {
            new.arrived_late_at = old.arrived_late_at;
            new.left_early_at = old.left_early_at;
        }
        live.run(Command::Mark { mark: new });
    };
    view! {
        // Open while the member is unmarked; closes once marked, then stays as the secretary leaves it.
        <details class="mark" open=move || !marked.get()>
        <summary>{move || t().mark_change}</summary>
        <div class="mark-buttons">
            <button class="button small" data-presence="in_person" on:click=move |_| set(Presence::InPerson)>
                {move || t().mark_in_person}
            </button>
            <button class="button small secondary" data-presence="online" on:click=move |_| set(Presence::Online)>
                {move || t().mark_online}
            </button>
            <button class="button small secondary" data-presence="absent_with_reason" on:click=move |_| set(Presence::AbsentWithReason)>
                {move || t().mark_absent_reason}
            </button>
            <button class="button small secondary" data-presence="absent_without_reason" on:click=move |_| set(Presence::AbsentWithoutReason)>
                {move || t().mark_absent_no_reason}
            </button>
            <input
                class="reason"
                maxlength=MAX_REASON_CHARS
                aria-label=move || t().mark_reason
                placeholder=move || t().mark_reason
                prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev))
            />
        </div>
        </details>
    }
}

/// Đến muộn lúc … / về sớm lúc …: the secretary or the chair records the time
/// (now, unless changed) on a present member's mark.
#[component]
fn TimedMarks(
    live: Live,
    member: shared::MemberId,
    mark: Memo<Option<AttendanceMark>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let editing = RwSignal::new(None::<Timed>);
    let pressed = move |which: Timed| move || (editing.get() == Some(which)).to_string();
    view! {
        <div class="timed">
            <div class="mark-buttons">
                <button class="button small secondary btn-late" aria-pressed=pressed(Timed::Late) on:click=move |_| editing.set(Some(Timed::Late))>
                    {move || t().mark_late}
                </button>
                <button class="button small secondary btn-early" aria-pressed=pressed(Timed::Early) on:click=move |_| editing.set(Some(Timed::Early))>
                    {move || t().mark_early}
                </button>
            </div>
            {move || editing.get().map(|which| view! { <TimedForm live member mark which editing/> })}
        </div>
    }
}

/// The time of a late arrival or an early leave: the one recorded, or now.
#[component]
fn TimedForm(
    live: Live,
    member: shared::MemberId,
    mark: Memo<Option<AttendanceMark>>,
    which: Timed,
    editing: RwSignal<Option<Timed>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let recorded = mark.with_untracked(|m| m.as_ref().and_then(|m| which.get(m)));
    let time = recorded.unwrap_or_else(|| live::now_local().time());
    let at = RwSignal::new(time.format("%H:%M").to_string());
    let bad = RwSignal::new(None::<DateError>);
    let record = move |value: Option<NaiveTime>| {
        let Some(mut new) = mark.get_untracked() else {
            return;
        };
        which.set(&mut new, value);
        if live.run(Command::Mark { mark: new }) {
            editing.set(None);
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_time(&at.get_untracked()) {
            Ok(time) => {
                bad.set(None);
                record(Some(time));
            }
            Err(e) => bad.set(Some(e)),
        }
    };
    let label = match which {
        Timed::Late => t().late_at,
        Timed::Early => t().early_at,
    };
    let is_recorded = move || mark.with(|m| m.as_ref().and_then(|m| which.get(m)).is_some());
    let input_id = format!("timed-{member}");
    let error_id = format!("e-timed-{member}");
    view! {
        <form class="timed-form" on:submit=save>
            <label for=input_id.clone()>{label}</label>
            <TimeInput id=input_id value=at described_by=error_id.clone()/>
            <button type="submit" class="button small btn-timed-save">{move || t().mark_time_save}</button>
            <Show when=is_recorded>
                <button type="button" class="button small secondary btn-timed-clear" on:click=move |_| record(None)>
                    {move || t().mark_time_clear}
                </button>
            </Show>
            <button type="button" class="button small secondary" on:click=move |_| editing.set(None)>
                {move || t().cancel}
            </button>
            <p class="field-error" id=error_id>
                {move || bad.get().map(|e| date_error_text(e, t()))}
            </p>
        </form>
    }
}
