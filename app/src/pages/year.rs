//! Registering on time: a cell's year (12 months, 4 quarters) computed in the
//! browser with `shared::calendar::year_view` from the cell's meetings, the
//! registration deadline shown in the form, a meeting's late and cancelled
//! tags and its cancelling, and a committee's cells that have not registered.

use crate::api;
use crate::i18n::{I18n, Lang, use_i18n};
use crate::ui::{ErrorBox, format_date, loaded, today};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::access::Access;
use shared::calendar::{
    Cancellation, MAX_REASON_CHARS, Rescheduling, Slot, SlotStatus, deadline_for, year_view,
};
use shared::meeting::MeetingKind;
use shared::rules::RuleSet;
use shared::rules::schedule::ScheduleRules;
use shared::{MeetingId, OrgId};

fn status_label(i18n: I18n, s: SlotStatus) -> &'static str {
    i18n.pick(s.label_vi(), s.label_en())
}

/// `?date=YYYY-MM-DD&kind=regular` of the address: the day (and kind) a
/// registration from the year view starts with.
pub fn day_from_query() -> Option<(NaiveDate, Option<MeetingKind>)> {
    let q = use_query_map();
    let (date, kind) = q.with_untracked(|q| (q.get("date"), q.get("kind")));
    let day = NaiveDate::parse_from_str(&date?, "%Y-%m-%d").ok()?;
    Some((day, kind.as_deref().and_then(MeetingKind::parse)))
}

/// Under the date of the registration form: the last day to register on time,
/// and whether registering today is late (accepted, and marked).
pub fn deadline_hint(day: Option<NaiveDate>, rules: &ScheduleRules) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let day = day?;
    let d = deadline_for(day, today(), rules);
    let by = format_date(d.register_by);
    let lead = d.lead_days;
    let text = move || match i18n.lang() {
        Lang::Vi => format!("Hạn đăng ký đúng hạn: {by} ({lead} ngày trước buổi họp)."),
        Lang::En => format!("Register on time by {by} ({lead} days before the meeting)."),
    };
    let late = d.late_if_today.then(|| {
        view! {
            <p class="hint late" id="deadline-late">
                {move || i18n.pick(
                    "Đăng ký hôm nay là muộn: vẫn được ghi nhận, nhưng đánh dấu đăng ký muộn.",
                    "Registering today is late: it is accepted and marked late.",
                )}
            </p>
        }
    });
    Some(view! {
        <p class="hint" id="deadline">{text}</p>
        {late}
    })
}

/// The tags of a meeting: registered late; cancelled, with the reason.
pub fn meeting_tags(late: bool, cancelled: Option<Cancellation>) -> impl IntoView {
    meeting_tags_moved(late, cancelled, None)
}

/// The tags, and where it was moved from and why.
pub fn meeting_tags_moved(
    late: bool,
    cancelled: Option<Cancellation>,
    rescheduled: Option<Rescheduling>,
) -> impl IntoView {
    let i18n = use_i18n();
    let moved = rescheduled.map(|r| {
        let from = format_date(r.from.date());
        let why = (!r.reason.is_empty()).then(|| format!(": {}", r.reason));
        view! {
            <span class="rescheduled">
                {move || i18n.pick("Đổi lịch từ ngày ", "Moved from ")}{from}{why}
            </span>
        }
    });
    view! {
        {moved}
        {late.then(|| view! {
            <span class="tag late">{move || status_label(i18n, SlotStatus::Late)}</span>
        })}
        {cancelled.map(|c| view! {
            <span class="tag cancelled">{move || status_label(i18n, SlotStatus::Cancelled)}</span>
            <span class="cancel-reason">
                {move || i18n.pick("Lý do: ", "Reason: ")}{c.reason}
            </span>
        })}
    }
}

/// Cancelling a meeting not yet opened, with a reason.
#[component]
pub fn CancelMeeting(id: MeetingId) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let cancel = Action::new_local(move |r: &String| api::cancel_meeting(id, r.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = cancel.value().get() {
            // The lists and the year follow the stored meeting.
            let _ = window().location().reload();
        }
    });
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="button secondary cancel-meeting" on:click=move |_| open.set(true)>
                    {move || i18n.pick("Hủy buổi họp", "Cancel meeting")}
                </button>
            }
        >
            <form class="cancel-form" on:submit=move |ev| {
                ev.prevent_default();
                cancel.dispatch(reason.get_untracked());
            }>
                <label>
                    {move || i18n.pick("Lý do hủy (bắt buộc)", "Reason (required)")}
                    <textarea
                        class="cancel-reason-input"
                        maxlength=MAX_REASON_CHARS
                        required
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </label>
                {move || cancel.value().get().and_then(Result::err).map(|error| view! { <ErrorBox error/> })}
                <div class="actions">
                    <button type="submit" class="button danger">
                        {move || i18n.pick("Xác nhận hủy", "Confirm cancelling")}
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| open.set(false)>
                        {move || i18n.pick("Thôi", "Keep it")}
                    </button>
                </div>
            </form>
        </Show>
    }
}

fn slot_view(
    i18n: I18n,
    cell: OrgId,
    label: String,
    slot: Slot,
    manage: bool,
    kind: &'static str,
    band: Option<shared::scoring::MeetingBand>,
) -> impl IntoView {
    let status = slot.status;
    let band = band.map(|b| {
        view! { <span class="tag band">{format!("{} · {}", b.band.label_vi(), b.total)}</span> }
    });
    let meeting = slot.meeting_id.map(|id| {
        let day = slot.day.map(format_date).unwrap_or_default();
        view! { <A href=format!("/meetings/{id}")>{day}</A> }
    });
    let register = slot
        .suggested_day
        .filter(|_| manage && matches!(status, SlotStatus::Open | SlotStatus::Cancelled))
        .map(|d| {
            view! {
                <A
                    href=format!("/organizations/{cell}/meetings/new?date={}&kind={kind}", d.format("%Y-%m-%d"))
                    attr:class="button small register-month"
                >
                    {move || i18n.pick("Đăng ký", "Register")}
                </A>
            }
        });
    let late = (slot.late && status != SlotStatus::Late).then(|| {
        view! { <span class="tag late">{move || status_label(i18n, SlotStatus::Late)}</span> }
    });
    let reason = slot
        .cancel_reason
        .map(|r| view! { <span class="cancel-reason">{r}</span> });
    view! {
        <li class=format!("slot {}", serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())>
            <span class="slot-name">{label}</span>
            <span class="tag">{move || status_label(i18n, status)}</span>
            {late}
            {band}
            {meeting}
            {reason}
            {register}
        </li>
    }
}

/// Năm sinh hoạt: the year of a cell, computed here with the shared rules.
#[component]
pub fn CellYear(cell: OrgId, access: Access) -> impl IntoView {
    let i18n = use_i18n();
    let year = RwSignal::new(today().year());
    // The meetings and the rules the cell's committee chose.
    let meetings = LocalResource::new(move || async move {
        let list = api::meetings_of(cell).await?;
        let rules = api::rule_set(cell).await?.applicable.rules;
        Ok::<_, api::ApiError>((list, rules))
    });
    // The confirmed scores are the server's (the stored upper column).
    let scored = LocalResource::new(move || api::year_view(cell, year.get()));
    let manage = access == Access::Manage;
    view! {
        <div class="section-head year-head">
            <h2>{move || i18n.pick("Năm sinh hoạt", "Meeting year")}</h2>
            <div class="year-nav">
                <button type="button" class="button secondary small year-prev" data-step="prev" on:click=move |_| year.update(|y| *y -= 1)>
                    <span class="visually-hidden">{move || i18n.pick("Năm trước", "Previous year")}</span>
                </button>
                <span class="year" id="year-shown">{move || year.get()}</span>
                <button type="button" class="button secondary small year-next" data-step="next" on:click=move |_| year.update(|y| *y += 1)>
                    <span class="visually-hidden">{move || i18n.pick("Năm sau", "Next year")}</span>
                </button>
            </div>
        </div>
        {loaded(meetings, move |(list, rules)| {
            move || {
                let y = year.get().clamp(shared::calendar::MIN_YEAR, shared::calendar::MAX_YEAR);
                let bands = scored
                    .get()
                    .and_then(Result::ok)
                    .filter(|s| s.year == y)
                    .map(|s| s.bands)
                    .unwrap_or_default();
                let v = year_view(cell, &list, y, today(), &rules.schedule)
                    .with_bands(&bands, &rules.yearly_meetings);
                let f = v.figures.clone();
                let year_band = v.year_band.clone().map(|b| view! {
                    <p class="notice" id="year-band">
                        <strong>{move || i18n.t().score_year_band} ": " {b.band.label_vi()}</strong>
                        <span class="muted">" — " {b.explanation.clone()}</span>
                    </p>
                });
                let band_of = |id: Option<shared::MeetingId>| id.and_then(|id| v.band_of(id));
                let months = v.months.iter().cloned().map(|m| {
                    let label = format!("{}/{}", m.month.month, m.month.year);
                    let band = band_of(m.regular.meeting_id);
                    slot_view(i18n, cell, label, m.regular, manage, "regular", band)
                }).collect_view();
                let quarters = v.quarters.iter().cloned().map(|q| {
                    let roman = ["I", "II", "III", "IV"][(q.quarter.quarter.clamp(1, 4) - 1) as usize];
                    let label = format!("{} {roman}", i18n.pick("Quý", "Q"));
                    let band = band_of(q.thematic.meeting_id);
                    slot_view(i18n, cell, label, q.thematic, manage, "thematic", band)
                }).collect_view();
                view! {
                    <p class="figures" id="year-figures">
                        {move || match i18n.lang() {
                            Lang::Vi => format!(
                                "Đã họp {} buổi · Không sinh hoạt {}/{} tháng · Thiếu chuyên đề {}/{} quý · Đăng ký muộn {} · Đã hủy {}",
                                f.held, f.months_missing, f.months_judged, f.quarters_missing, f.quarters_judged, f.late, f.cancelled,
                            ),
                            Lang::En => format!(
                                "Held {} · Months missing {}/{} · Quarters without thematic {}/{} · Late {} · Cancelled {}",
                                f.held, f.months_missing, f.months_judged, f.quarters_missing, f.quarters_judged, f.late, f.cancelled,
                            ),
                        }}
                    </p>
                    {year_band}
                    <h3>{move || i18n.pick("Sinh hoạt thường kỳ", "Regular meetings")}</h3>
                    <ul class="year-slots months">{months}</ul>
                    <h3>{move || i18n.pick("Sinh hoạt chuyên đề", "Thematic meetings")}</h3>
                    <ul class="year-slots quarters">{quarters}</ul>
                }
            }
        })}
    }
}

/// For a committee: the cells below it that have not registered this month's
/// regular meeting, and since when the reminder day passed; with `urge` (the
/// committee's members, `Actor::may_urge`), one tap reminds them all.
#[component]
pub fn Unregistered(org: OrgId, urge: bool) -> impl IntoView {
    let i18n = use_i18n();
    let now = today();
    let report = LocalResource::new(move || api::unregistered_cells(org, now.year(), now.month()));
    let remind =
        Action::new_local(move |_: &()| api::remind_unregistered(org, now.year(), now.month()));
    view! {
        <h2>{move || i18n.pick("Chi bộ chưa đăng ký lịch tháng này", "Cells not registered this month")}</h2>
        {loaded(report, move |r| {
            if r.unregistered.is_empty() {
                return view! {
                    <p class="empty">{move || i18n.pick("Tất cả chi bộ đã đăng ký.", "Every cell has registered.")}</p>
                }.into_any();
            }
            let total = r.cells_total;
            let n = r.unregistered.len();
            view! {
                <p class="muted">{format!("{n}/{total}")}</p>
                {urge.then(|| view! {
                    <div class="actions">
                        <button id="btn-remind" class="button" type="button"
                            disabled=move || remind.pending().get()
                            on:click=move |_| { remind.dispatch_local(()); }>
                            {move || i18n.pick("Nhắc các chi bộ chưa đăng ký", "Remind the cells not registered")}
                        </button>
                    </div>
                    {move || remind.value().get().map(|r| match r {
                        Ok(r) => {
                            let (cells, told) = (r.cells, r.notified);
                            view! {
                                <p id="remind-result" class="notice" role="status">
                                    {move || match i18n.lang() {
                                        Lang::Vi => format!("Đã nhắc {cells} chi bộ ({told} người nhận thông báo mới)."),
                                        Lang::En => format!("Reminded {cells} cells ({told} people newly notified)."),
                                    }}
                                </p>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    })}
                })}
                <ul class="link-list unregistered">
                    {r.unregistered.into_iter().map(|c| {
                        let since = c.overdue_since.map(|d| {
                            let d = format_date(d);
                            let days = c.days_overdue;
                            view! {
                                <span class="tag late">
                                    {move || match i18n.lang() {
                                        Lang::Vi => format!("Quá hạn từ {d} ({days} ngày)"),
                                        Lang::En => format!("Overdue since {d} ({days} days)"),
                                    }}
                                </span>
                            }
                        });
                        view! {
                            <li>
                                <A href=format!("/org/{}", c.cell_id)>
                                    <span class="name">{c.cell_name}</span>
                                </A>
                                {since}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}

/// The page of a cancelled meeting: no room to open, the reason instead.
#[component]
pub fn CancelledMeeting(meeting: shared::meeting::Meeting) -> impl IntoView {
    let i18n = use_i18n();
    let late = shared::calendar::is_late(&meeting, &RuleSet::national_default().schedule);
    let cell = meeting.cell_id;
    let when = format_date(meeting.draft.starts_at.date());
    view! {
        <A href=format!("/org/{cell}") attr:class="back">{move || i18n.t().back}</A>
        <h1>{meeting.draft.title}</h1>
        <p class="muted">{when}</p>
        <p class="tags meeting-cancelled">{meeting_tags(late, meeting.cancelled)}</p>
        <p>
            {move || i18n.pick(
                "Buổi sinh hoạt này đã được hủy; không mở phòng họp được.",
                "This meeting was cancelled; its room cannot be opened.",
            )}
        </p>
    }
}
