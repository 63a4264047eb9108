//! Đăng ký lịch sinh hoạt: registering a cell meeting, and changing it while it
//! is only scheduled; the meeting cards of the home and the cell pages. Checked
//! in the browser with the same `MeetingDraft::validate` the server runs again.

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::live::now_local;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{
    DateInput, ErrorBox, Field, FormErrors, FormMessage, SaveButton, TimeInput, date_error_text,
    field_messages, focus, format_when, loaded, today,
};
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::access::Access;
use shared::api::OrgDetail;
use shared::dates::{DateError, format_day, format_time, parse_day, parse_time};
use shared::meeting::{
    AgendaItem, MAX_ITEM_TITLE_CHARS, MAX_LINK_CHARS, MAX_NOTES_CHARS, MAX_PLACE_CHARS,
    MAX_PRESENTER_CHARS, MAX_TITLE_CHARS, Meeting, MeetingDraft, MeetingKind, MeetingMode,
    MeetingStatus, default_title, standard_agenda,
};
use shared::member::{CellRole, Member, normalize_name};
use shared::org::OrgKind;
use shared::rules::RuleSet;
use shared::rules::schedule::{MinMinutes, ScheduleRules};
use shared::{FieldErrors, MeetingId, MemberId, OrgId};

use shared::followup::{TaskView, prefill_review};

pub type MeetingSave = Action<MeetingDraft, Result<Meeting, ApiError>>;

/// The cell a meeting belongs to, with the viewer's access, and its members.
#[derive(Debug, Clone)]
struct CellForForm {
    detail: OrgDetail,
    members: Vec<Member>,
    /// The tasks of the cell's last closed meeting, with their statuses.
    previous_tasks: Vec<TaskView>,
    /// The schedule rules the cell's committee chose (deadline, minimum length).
    schedule: ScheduleRules,
}

async fn cell_for_form(cell: OrgId) -> Result<CellForForm, ApiError> {
    let detail = api::organization(cell).await?;
    let members = api::members_of(cell).await?;
    let schedule = api::rule_set(cell).await?.applicable.rules.schedule;
    Ok(CellForForm {
        detail,
        members,
        previous_tasks: Vec::new(),
        schedule,
    })
}

/// The tasks of the cell's last closed meeting (latest first in the list);
/// none when it cannot be read: the form works without them.
async fn previous_tasks(cell: OrgId) -> Vec<TaskView> {
    let Ok(meetings) = api::meetings_of(cell).await else {
        return Vec::new();
    };
    match meetings.iter().find(|m| m.status == MeetingStatus::Closed) {
        Some(last) => api::meeting_tasks(last.id).await.unwrap_or_default(),
        None => Vec::new(),
    }
}

/// The refusal shown instead of the form to someone who may only read the cell.
fn not_allowed() -> AnyView {
    let i18n = use_i18n();
    let error = ApiError::local(403, "forbidden", i18n.t().meeting_not_allowed);
    view! { <ErrorBox error/> }.into_any()
}

/// After a save, into the meeting's room.
fn go_to_room() -> Callback<Meeting> {
    let navigate = use_navigate();
    Callback::new(move |m: Meeting| navigate(&format!("/meetings/{}", m.id), Default::default()))
}

/// A new registration: a regular meeting a week from today at 14:00, in
/// person, chaired by the cell's secretary (bí thư), with the standard agenda.
pub fn new_draft(members: &[Member], today: NaiveDate) -> MeetingDraft {
    let day = today.checked_add_days(Days::new(7)).unwrap_or(today);
    let kind = MeetingKind::Regular;
    MeetingDraft {
        kind,
        title: default_title(kind, day),
        starts_at: day.and_time(NaiveTime::from_hms_opt(14, 0, 0).unwrap_or_default()),
        mode: MeetingMode::InPerson,
        place: String::new(),
        video_link: String::new(),
        chair_id: members
            .iter()
            .find(|m| m.draft.status.on_roll() && m.draft.role == CellRole::Secretary)
            .map(|m| m.id),
        secretary_id: None,
        agenda: standard_agenda(kind),
    }
}

#[component]
pub fn NewMeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let data = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => {
                    let mut c = cell_for_form(OrgId(id)).await?;
                    c.previous_tasks = previous_tasks(OrgId(id)).await;
                    Ok(c)
                }
                None => Err(bad_address(i18n)),
            }
        }
    });
    let save: MeetingSave = Action::new_local(move |draft: &MeetingDraft| {
        let cell = id.get_untracked();
        let draft = draft.clone();
        async move {
            match cell {
                Some(cell) => api::create_meeting(OrgId(cell), draft).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    let on_saved = go_to_room();
    let back = move || format!("/org/{}", id.get().unwrap_or_default());
    view! {
        <section class="page narrow">
            <A href=back attr:class="back">{move || i18n.t().back}</A>
            <h1>{move || i18n.t().meeting_new_title}</h1>
            {loaded(data, move |c: CellForForm| {
                if c.detail.org.kind != OrgKind::Cell {
                    return view! { <ErrorBox error=bad_address(i18n)/> }.into_any();
                }
                if c.detail.access < Access::Manage {
                    return not_allowed();
                }
                let mut initial = new_draft(&c.members, today());
                // From an empty month of the year view: that month's day.
                if let Some((day, kind)) = crate::pages::year::day_from_query() {
                    if let Some(kind) = kind {
                        initial.kind = kind;
                        initial.agenda = standard_agenda(kind);
                    }
                    initial.starts_at = day.and_time(initial.starts_at.time());
                    initial.title = default_title(initial.kind, day);
                }
                // Last month's tasks and their statuses, in the review item's notes.
                prefill_review(&mut initial.agenda, &c.previous_tasks);
                view! {
                    <p class="kind">{c.detail.org.name}</p>
                    <MeetingForm initial members=c.members save on_saved schedule=c.schedule/>
                }
                    .into_any()
            })}
        </section>
    }
}

#[component]
pub fn EditMeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let data = LocalResource::new(move || {
        let id = id.get();
        async move {
            let Some(id) = id else {
                return Err(bad_address(i18n));
            };
            let meeting = api::meeting(MeetingId(id)).await?;
            let cell = cell_for_form(meeting.cell_id).await?;
            Ok((meeting, cell))
        }
    });
    // Moving to another day asks why (đổi lịch); the first date is kept.
    let reason = RwSignal::new(String::new());
    let first_day = RwSignal::new(None::<NaiveDate>);
    let save: MeetingSave = Action::new_local(move |draft: &MeetingDraft| {
        let id = id.get_untracked();
        let draft = draft.clone();
        let why = reason.get_untracked();
        let moved = first_day
            .get_untracked()
            .is_some_and(|d| d != draft.starts_at.date());
        async move {
            let Some(id) = id else {
                return Err(bad_address(i18n));
            };
            if moved {
                let why = shared::calendar::check_reason(&why)
                    .map_err(|e| ApiError::local(422, "validation", &e.to_string()))?;
                api::reschedule_meeting(MeetingId(id), draft.starts_at, why).await?;
            }
            api::update_meeting(MeetingId(id), draft).await
        }
    });
    let on_saved = go_to_room();
    view! {
        <section class="page narrow">
            {loaded(data, move |(meeting, c): (Meeting, CellForForm)| {
                let room = format!("/meetings/{}", meeting.id);
                first_day.set(Some(meeting.draft.starts_at.date()));
                let body = if c.detail.access < Access::Manage {
                    not_allowed()
                } else if meeting.status != MeetingStatus::Scheduled || meeting.cancelled.is_some() {
                    view! {
                        <p class="form-error" role="alert">{move || i18n.t().meeting_locked}</p>
                        <A href=room.clone() attr:class="button">{move || i18n.t().open_room}</A>
                    }
                        .into_any()
                } else {
                    view! {
                        <p class="kind">{c.detail.org.name}</p>
                        <label class="field reschedule-reason">
                            {move || i18n.pick(
                                "Lý do đổi lịch (bắt buộc khi đổi sang ngày khác)",
                                "Reason for rescheduling (required when moving to another day)",
                            )}
                            <input
                                id="f-reschedule_reason"
                                maxlength=shared::calendar::MAX_REASON_CHARS
                                prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            />
                        </label>
                        <MeetingForm initial=meeting.draft members=c.members save on_saved schedule=c.schedule.clone()/>
                    }
                        .into_any()
                };
                view! {
                    <A href=room attr:class="back">{move || i18n.t().back}</A>
                    <h1>{move || i18n.t().meeting_edit_title}</h1>
                    {body}
                }
            })}
        </section>
    }
}

/// One agenda item being edited. `key` stays with the item when it moves, so
/// its inputs (and what is being typed in them) move with it.
#[derive(Debug, Clone, Copy)]
struct Row {
    key: u64,
    title: RwSignal<String>,
    presenter: RwSignal<String>,
    minutes: RwSignal<String>,
    notes: RwSignal<String>,
    preparer: RwSignal<Option<MemberId>>,
}

impl Row {
    fn new(key: u64, item: AgendaItem) -> Row {
        Row {
            key,
            title: RwSignal::new(item.title),
            presenter: RwSignal::new(item.presenter),
            minutes: RwSignal::new(item.planned_minutes.to_string()),
            notes: RwSignal::new(item.notes),
            preparer: RwSignal::new(item.preparer_id),
        }
    }

    /// The item as sent. Minutes that are not a number count as 0, which the rules refuse.
    fn item(&self) -> AgendaItem {
        AgendaItem {
            title: normalize_name(&self.title.get_untracked()),
            presenter: normalize_name(&self.presenter.get_untracked()),
            planned_minutes: self.minutes.get_untracked().trim().parse().unwrap_or(0),
            notes: self.notes.get_untracked().trim().to_string(),
            preparer_id: self.preparer.get_untracked(),
        }
    }

    /// Planned minutes for the running total (reactive).
    fn planned(&self) -> u32 {
        self.minutes.with(|m| m.trim().parse().unwrap_or(0))
    }
}

/// The order of the form's fields: the first refused one gets the focus.
const FIELD_ORDER: [&str; 9] = [
    "kind",
    "title",
    "starts_at",
    "mode",
    "place",
    "video_link",
    "chair_id",
    "secretary_id",
    "agenda",
];

/// The start typed as dd/mm/yyyy and HH:MM (24-hour).
fn parse_start(date: &str, time: &str) -> Result<NaiveDateTime, DateError> {
    Ok(parse_day(date)?.and_time(parse_time(time)?))
}

/// Every field of `MeetingDraft`, each error shown at its own field.
#[component]
pub fn MeetingForm(
    initial: MeetingDraft,
    /// The cell's members; those on the roll may chair or keep the minutes.
    members: Vec<Member>,
    save: MeetingSave,
    on_saved: Callback<Meeting>,
    /// The cell's schedule rules; the national default when not given.
    #[prop(optional)]
    schedule: Option<ScheduleRules>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let schedule = schedule.unwrap_or_else(|| RuleSet::national_default().schedule);
    let minimum = schedule.min_minutes.value;
    let on_roll: Vec<Member> = members
        .into_iter()
        .filter(|m| m.draft.status.on_roll())
        .collect();
    let roll_ids: Vec<MemberId> = on_roll.iter().map(|m| m.id).collect();

    // Untouched, the title and the agenda follow the kind (and the title the month).
    let title_edited =
        RwSignal::new(initial.title != default_title(initial.kind, initial.starts_at.date()));
    let agenda_edited = RwSignal::new(initial.agenda != standard_agenda(initial.kind));
    let kind = RwSignal::new(initial.kind);
    let title = RwSignal::new(initial.title);
    let date = RwSignal::new(format_day(initial.starts_at.date()));
    let time = RwSignal::new(format_time(initial.starts_at.time()));
    let mode = RwSignal::new(initial.mode);
    let place = RwSignal::new(initial.place);
    let video_link = RwSignal::new(initial.video_link);
    let chair = RwSignal::new(initial.chair_id);
    let secretary = RwSignal::new(initial.secretary_id);
    let next_key = StoredValue::new(0u64);
    let rows = move |items: Vec<AgendaItem>| -> Vec<Row> {
        items
            .into_iter()
            .map(|item| {
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                Row::new(key, item)
            })
            .collect()
    };
    let agenda = RwSignal::new(rows(initial.agenda));
    let form = FormErrors::default();
    let errors = form.fields;
    form.follow(save, on_saved);

    let day = move || parse_day(&date.get_untracked()).ok();
    let refresh_title = move || {
        if !title_edited.get_untracked() {
            let day = day().unwrap_or_else(today);
            title.set(default_title(kind.get_untracked(), day));
        }
    };
    let change_kind = move |k: MeetingKind| {
        kind.set(k);
        refresh_title();
        if !agenda_edited.get_untracked() {
            agenda.set(rows(standard_agenda(k)));
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = now_local();
        let starts = parse_start(&date.get_untracked(), &time.get_untracked());
        let mode_now = mode.get_untracked();
        let draft = MeetingDraft {
            kind: kind.get_untracked(),
            title: normalize_name(&title.get_untracked()),
            // Unreadable, it is judged as "now" so the other fields are still checked.
            starts_at: starts.unwrap_or(now),
            mode: mode_now,
            place: place.get_untracked().trim().to_string(),
            // A link typed before choosing "in person" is hidden, so not sent.
            video_link: if mode_now == MeetingMode::InPerson {
                String::new()
            } else {
                video_link.get_untracked().trim().to_string()
            },
            chair_id: chair.get_untracked(),
            secretary_id: secretary.get_untracked(),
            agenda: agenda.with_untracked(|rows| rows.iter().map(Row::item).collect()),
        };
        let mut problems = Vec::new();
        if let Err(e) = starts {
            problems.push(shared::FieldError::new(
                "starts_at",
                "bad_datetime",
                date_error_text(e, t()),
            ));
        }
        if let Err(FieldErrors(mut found)) = draft.validate(now, &roll_ids) {
            problems.append(&mut found);
        }
        problems.sort_by_key(|p| {
            FIELD_ORDER
                .iter()
                .position(|f| *f == p.field)
                .unwrap_or(usize::MAX)
        });
        if form.check(problems, t()) {
            save.dispatch_local(draft);
        }
    };

    let people: Vec<(MemberId, String, CellRole)> = on_roll
        .into_iter()
        .map(|m| (m.id, m.draft.full_name, m.draft.role))
        .collect();
    view! {
        <form class="form meeting-form" on:submit=on_submit novalidate>
            <Field name="kind" label=Signal::derive(move || t().f_kind) errors>
                <select
                    id="f-kind"
                    aria-describedby="e-kind"
                    on:change=move |ev| {
                        if let Some(k) = MeetingKind::parse(&event_target_value(&ev)) {
                            change_kind(k);
                        }
                    }
                >
                    {MeetingKind::ALL
                        .into_iter()
                        .map(|k| view! {
                            <option value=k.as_str() selected=move || kind.get() == k>
                                {move || i18n.pick(k.label_vi(), k.label_en())}
                            </option>
                        })
                        .collect_view()}
                </select>
            </Field>
            <Field
                name="title"
                label=Signal::derive(move || t().f_title)
                hint=Signal::derive(move || t().title_hint)
                errors
            >
                <input
                    id="f-title"
                    type="text"
                    maxlength=MAX_TITLE_CHARS
                    autocomplete="off"
                    aria-describedby="e-title"
                    prop:value=move || title.get()
                    on:input=move |ev| {
                        title.set(event_target_value(&ev));
                        title_edited.set(true);
                    }
                />
            </Field>
            <Field
                name="starts_at"
                label=Signal::derive(move || t().f_starts_at)
                hint=Signal::derive(move || t().time_hint)
                errors
            >
                <div class="datetime">
                    <DateInput
                        id="f-starts_at"
                        value=date
                        described_by="e-starts_at"
                        on_input=Callback::new(move |()| refresh_title())
                    />
                    <TimeInput
                        id="f-starts_at_time"
                        value=time
                        described_by="e-starts_at"
                        aria_label=Signal::derive(move || t().f_time)
                    />
                </div>
                {move || crate::pages::year::deadline_hint(parse_day(&date.get()).ok(), &schedule)}
            </Field>
            <Field name="mode" label=Signal::derive(move || t().f_mode) errors group=true>
                <div class="choices" role="radiogroup" aria-labelledby="l-mode" aria-describedby="e-mode">
                    {MeetingMode::ALL
                        .into_iter()
                        .map(|m| view! {
                            <label class="choice">
                                <input
                                    type="radio"
                                    name="mode"
                                    id=(m == MeetingMode::InPerson).then_some("f-mode")
                                    value=m.as_str()
                                    prop:checked=move || mode.get() == m
                                    on:change=move |_| mode.set(m)
                                />
                                <span>{move || i18n.pick(m.label_vi(), m.label_en())}</span>
                            </label>
                        })
                        .collect_view()}
                </div>
            </Field>
            <Field
                name="place"
                label=Signal::derive(move || t().f_place)
                hint=Signal::derive(move || t().place_hint)
                errors
            >
                <input
                    id="f-place"
                    type="text"
                    maxlength=MAX_PLACE_CHARS
                    autocomplete="off"
                    aria-describedby="e-place"
                    prop:value=move || place.get()
                    on:input=move |ev| place.set(event_target_value(&ev))
                />
            </Field>
            <Show when=move || mode.get() != MeetingMode::InPerson>
                <Field
                    name="video_link"
                    label=Signal::derive(move || t().f_video_link)
                    hint=Signal::derive(move || t().video_link_hint)
                    errors
                >
                    <input
                        id="f-video_link"
                        type="url"
                        maxlength=MAX_LINK_CHARS
                        inputmode="url"
                        autocomplete="off"
                        aria-describedby="e-video_link"
                        prop:value=move || video_link.get()
                        on:input=move |ev| video_link.set(event_target_value(&ev))
                    />
                </Field>
            </Show>
            <MemberSelect
                name="chair_id"
                label=Signal::derive(move || t().f_chair)
                value=chair
                people=people.clone()
                errors
            />
            <MemberSelect
                name="secretary_id"
                label=Signal::derive(move || t().f_secretary)
                value=secretary
                people=people.clone()
                errors
            />
            <AgendaEditor agenda kind edited=agenda_edited errors new_rows=Callback::new(rows) people minimum/>
            <FormMessage message=form.message/>
            <SaveButton pending=save.pending()/>
        </form>
    }
}

/// A member of the roll, or nobody.
#[component]
fn MemberSelect(
    name: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<Option<MemberId>>,
    people: Vec<(MemberId, String, CellRole)>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field name label errors>
            <select
                id=format!("f-{name}")
                aria-describedby=format!("e-{name}")
                on:change=move |ev| value.set(event_target_value(&ev).parse().ok().map(MemberId))
            >
                <option value="" selected=move || value.get().is_none()>
                    {move || i18n.t().nobody_chosen}
                </option>
                {people
                    .into_iter()
                    .map(|(id, full_name, role)| {
                        let text = move || {
                            if role == CellRole::Member {
                                full_name.clone()
                            } else {
                                format!("{full_name} ({})", i18n.pick(role.label_vi(), role.label_en()))
                            }
                        };
                        view! {
                            <option value=id.to_string() selected=move || value.get() == Some(id)>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </Field>
    }
}

/// The agenda: items to change, add, remove and reorder, and the planned length.
#[component]
fn AgendaEditor(
    agenda: RwSignal<Vec<Row>>,
    kind: RwSignal<MeetingKind>,
    edited: RwSignal<bool>,
    errors: RwSignal<FieldErrors>,
    /// Makes rows (with fresh keys) from items.
    new_rows: Callback<Vec<AgendaItem>, Vec<Row>>,
    /// Members on the roll, who may prepare an item.
    people: Vec<(MemberId, String, CellRole)>,
    /// The shortest meetings the cell's rules allow.
    minimum: MinMinutes,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let message = move || field_messages(errors, "agenda");
    let total = move || agenda.with(|rows| rows.iter().map(Row::planned).sum::<u32>());
    let short = move || {
        let min = minimum.for_kind(kind.get());
        (total() < min).then(|| format!(" — {} {min} {}", t().agenda_below_min, t().minutes_unit))
    };
    let add = move |_| {
        let mut row = new_rows.run(vec![AgendaItem {
            title: String::new(),
            presenter: String::new(),
            planned_minutes: 10,
            notes: String::new(),
            preparer_id: None,
        }]);
        if let Some(row) = row.pop() {
            let key = row.key;
            agenda.update(|rows| rows.push(row));
            edited.set(true);
            request_animation_frame(move || focus(&format!("ag-{key}-title")));
        }
    };
    view! {
        <fieldset class="field agenda-editor" class:invalid=move || message().is_some()>
            <legend id="f-agenda" tabindex="-1">{move || t().f_agenda}</legend>
            <p class="hint">{move || t().agenda_hint}</p>
            <p class="field-error" id="e-agenda" data-field="agenda" role="alert">{message}</p>
            <ol class="agenda-items">
                <For
                    each=move || agenda.get()
                    key=|row| row.key
                    children=move |row| view! { <AgendaRow row agenda edited people=people.clone()/> }
                />
            </ol>
            <div class="agenda-foot">
                <button id="btn-agenda-add" type="button" class="button secondary" on:click=add>
                    "+ " {move || t().agenda_add}
                </button>
                <p id="agenda-total" class="agenda-total" class:short=move || short().is_some()>
                    {move || format!("{}: {} {}", t().agenda_total, total(), t().minutes_unit)}
                    {short}
                </p>
            </div>
        </fieldset>
    }
}

#[component]
fn AgendaRow(
    row: Row,
    agenda: RwSignal<Vec<Row>>,
    edited: RwSignal<bool>,
    people: Vec<(MemberId, String, CellRole)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let key = row.key;
    let position = move || agenda.with(|rows| rows.iter().position(|r| r.key == key));
    let last = move || agenda.with(|rows| rows.len().checked_sub(1));
    let shift = move |down: bool| {
        agenda.update(|rows| {
            if let Some(i) = rows.iter().position(|r| r.key == key) {
                let j = if down { i + 1 } else { i.wrapping_sub(1) };
                if j < rows.len() {
                    rows.swap(i, j);
                }
            }
        });
        edited.set(true);
    };
    let remove = move |_| {
        agenda.update(|rows| rows.retain(|r| r.key != key));
        edited.set(true);
    };
    let id = move |what: &str| format!("ag-{key}-{what}");
    // Typing in any box makes the agenda the cell's own: a change of kind keeps it.
    let typed = move |signal: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            signal.set(event_target_value(&ev));
            edited.set(true);
        }
    };
    view! {
        <li class="agenda-item" data-key=key>
            <div class="agenda-item-head">
                <span class="agenda-n">{move || position().map(|i| format!("{}.", i + 1))}</span>
                <div class="agenda-tools">
                    <button
                        type="button"
                        class="button small secondary ag-up"
                        title=move || t().agenda_up
                        disabled=move || position() == Some(0)
                        on:click=move |_| shift(false)
                    >
                        <span class="visually-hidden">{move || t().agenda_up}</span>
                    </button>
                    <button
                        type="button"
                        class="button small secondary ag-down"
                        title=move || t().agenda_down
                        disabled=move || position() == last()
                        on:click=move |_| shift(true)
                    >
                        <span class="visually-hidden">{move || t().agenda_down}</span>
                    </button>
                    <button
                        type="button"
                        class="button small danger ag-remove"
                        title=move || t().agenda_remove
                        on:click=remove
                    >
                        <span class="visually-hidden">{move || t().agenda_remove}</span>
                    </button>
                </div>
            </div>
            <label for=id("title")>{move || t().agenda_item_title}</label>
            <textarea
                id=id("title")
                class="ag-title"
                rows="2"
                maxlength=MAX_ITEM_TITLE_CHARS
                prop:value=move || row.title.get()
                on:input=typed(row.title)
            ></textarea>
            <div class="agenda-item-meta">
                <div class="ag-presenter-box">
                    <label for=id("presenter")>{move || t().agenda_presenter}</label>
                    <input
                        id=id("presenter")
                        class="ag-presenter"
                        type="text"
                        maxlength=MAX_PRESENTER_CHARS
                        autocomplete="off"
                        prop:value=move || row.presenter.get()
                        on:input=typed(row.presenter)
                    />
                </div>
                <div class="ag-minutes-box">
                    <label for=id("minutes")>{move || t().agenda_minutes}</label>
                    <input
                        id=id("minutes")
                        class="ag-minutes"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max="240"
                        prop:value=move || row.minutes.get()
                        on:input=typed(row.minutes)
                    />
                </div>
            </div>
            <label for=id("preparer")>{move || t().agenda_preparer}</label>
            <select
                id=id("preparer")
                class="ag-preparer"
                on:change=move |ev| {
                    row.preparer.set(event_target_value(&ev).parse().ok().map(MemberId));
                    edited.set(true);
                }
            >
                <option value="" selected=move || row.preparer.get().is_none()>
                    {move || t().nobody_chosen}
                </option>
                {people
                    .into_iter()
                    .map(|(member, full_name, _)| view! {
                        <option
                            value=member.to_string()
                            selected=move || row.preparer.get() == Some(member)
                        >
                            {full_name}
                        </option>
                    })
                    .collect_view()}
            </select>
            <label for=id("notes")>{move || t().agenda_notes}</label>
            <textarea
                id=id("notes")
                class="ag-notes"
                rows="2"
                maxlength=MAX_NOTES_CHARS
                prop:value=move || row.notes.get()
                on:input=typed(row.notes)
            ></textarea>
        </li>
    }
}

/// The video call's join button, when the meeting has a (web) link.
#[component]
pub fn JoinButton(link: String) -> impl IntoView {
    let i18n = use_i18n();
    let link = link.trim().to_string();
    let is_web = link.starts_with("https://") || link.starts_with("http://");
    is_web.then(|| {
        view! {
            <a class="button join" href=link target="_blank" rel="noopener noreferrer">
                {move || i18n.t().join_online}
            </a>
        }
    })
}

/// One meeting in a schedule: when, what, how, where, and the ways in. `manage`
/// adds the link to change a registration that has not started yet.
#[component]
pub fn MeetingCard(
    meeting: Meeting,
    /// On the home page, which cell it is.
    cell_name: Option<String>,
    #[prop(optional)] manage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let late = shared::calendar::is_late(&meeting, &RuleSet::national_default().schedule);
    let Meeting {
        id,
        status,
        draft,
        cancelled,
        rescheduled,
        ..
    } = meeting;
    let kind = draft.kind;
    let mode = draft.mode;
    let is_cancelled = cancelled.is_some();
    let editable = manage && status == MeetingStatus::Scheduled && !is_cancelled;
    let has_link = !draft.video_link.trim().is_empty();
    view! {
        <li class="card meeting" data-meeting=id.to_string() data-status=status.as_str()>
            <p class="when">{format_when(draft.starts_at)}</p>
            <p class="title">
                <A href=format!("/meetings/{id}")>{draft.title}</A>
            </p>
            <p class="tags">
                <span class="tag kind">{move || i18n.pick(kind.label_vi(), kind.label_en())}</span>
                {(!is_cancelled).then(|| view! {
                    <span class="tag status">{move || i18n.pick(status.label_vi(), status.label_en())}</span>
                })}
                {crate::pages::year::meeting_tags_moved(late, cancelled, rescheduled)}
            </p>
            <p class="muted">
                {move || i18n.pick(mode.label_vi(), mode.label_en())}
                {(!draft.place.is_empty()).then(|| format!(" · {}", draft.place))}
            </p>
            {cell_name.map(|c| view! { <p class="muted">{c}</p> })}
            {(has_link || editable).then(|| view! {
                <div class="actions">
                    <JoinButton link=draft.video_link/>
                    {editable.then(|| view! {
                        <A href=format!("/meetings/{id}/edit") attr:class="button secondary edit-meeting">
                            {move || i18n.t().edit_registration}
                        </A>
                    })}
                </div>
            })}
            {editable.then(|| view! { <crate::pages::year::CancelMeeting id/> })}
        </li>
    }
}
