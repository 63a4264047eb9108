//! Chấm điểm: a closed meeting's score sheet, grouped as the sheet is. The
//! criteria the record decides are filled with their evidence; the others
//! are typed (tenths) within their maximum. The total and the band follow
//! each keystroke through `shared::scoring` (the same functions the server
//! runs again); the cell's managers propose, the upper level confirms or
//! changes with a reason, the cell's members comment.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{FormErrors, FormMessage, format_when, loaded};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::error::{FieldError, FieldErrors};
use shared::rules::scoring::{Entries, MeetingScore, Points};
use shared::scoring::{
    self, MAX_COMMENT_CHARS, MAX_REASON_CHARS, ProposeRequest, ScoreView, UpperRequest, entry_field,
};
use shared::{MeetingId, scoring::ScoreComment};
use std::collections::BTreeMap;

#[component]
pub fn ScorePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let score = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::meeting_score(MeetingId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! {
        <section class="page score-page">
            {move || id.get().map(|id| view! {
                <A href=format!("/meetings/{id}") attr:class="back">{move || i18n.t().back}</A>
            })}
            <h1>{move || i18n.t().score_title}</h1>
            {loaded(score, |v| view! { <Sheet v/> })}
        </section>
    }
}

/// Typed texts by criterion key ("9,5" or "9.5").
type Inputs = BTreeMap<String, String>;

fn inputs_of(entries: &Entries) -> Inputs {
    entries
        .iter()
        .map(|(k, p)| (k.clone(), p.to_string()))
        .collect()
}

/// The typed texts as points; a text that is no number of tenths is an
/// error at its field. Empty fields are left out (the sheet says "missing").
fn entries_of(inputs: &Inputs) -> Result<Entries, FieldErrors> {
    let mut entries = Entries::new();
    let mut errors = Vec::new();
    for (k, text) in inputs {
        let text = text.trim().replace(',', ".");
        if text.is_empty() {
            continue;
        }
        match text.parse::<f64>().ok().map(Points::try_from) {
            Some(Ok(p)) => {
                entries.insert(k.clone(), p);
            }
            Some(Err(e)) => errors.push(FieldError::of(entry_field(k), &e)),
            None => errors.push(FieldError::of(
                entry_field(k),
                &shared::rules::scoring::PointsError,
            )),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(FieldErrors(errors))
    }
}

/// Both columns as the browser computes them.
fn compute(
    v: &ScoreView,
    cell: &Inputs,
    upper: Option<&Inputs>,
) -> Result<MeetingScore, FieldErrors> {
    let cell = entries_of(cell)?;
    let upper = upper.map(entries_of).transpose()?;
    v.basis
        .score(&v.facts, &cell, upper.as_ref())
        .map_err(|e| scoring::sheet_fields(&e))
}

/// The sheet of one meeting's score, as loaded (public for its browser test).
#[component]
pub fn Sheet(v: ScoreView) -> impl IntoView {
    let i18n = use_i18n();
    let id = v.meeting_id;
    let current = RwSignal::new(v.clone());
    let proposed = v
        .proposal
        .as_ref()
        .map(|p| inputs_of(&p.entries))
        .unwrap_or_default();
    let cell = RwSignal::new(proposed.clone());
    let upper = RwSignal::new(
        v.upper
            .as_ref()
            .map(|u| inputs_of(&u.entries))
            .unwrap_or(proposed),
    );
    let reason = RwSignal::new(String::new());
    let form = FormErrors::default();
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let may = move || current.with(|v| v.may);
    let confirmed = move || current.with(|v| v.upper.is_some());
    // The column being typed: the cell's until proposed, then the upper level's.
    let upper_typing = move || may().confirm;
    let live = Memo::new(move |_| {
        current.with(|v| {
            cell.with(|c| {
                let u = upper.get();
                let with_upper = upper_typing() || v.upper.is_some();
                compute(v, c, with_upper.then_some(&u))
            })
        })
    });
    let message_for = move |key: &str| {
        let field = entry_field(key);
        let server = form
            .fields
            .with(|f| f.text_for(&field, crate::i18n::lang()).map(String::from));
        // A field not yet typed is not an error until the form is sent.
        let typed = |i: &Inputs| i.get(key).is_some_and(|t| !t.trim().is_empty());
        let touched = cell.with(typed) || (upper_typing() && upper.with(typed));
        if server.is_some() || !touched {
            return server;
        }
        live.with(|r| {
            r.as_ref()
                .err()
                .and_then(|e| e.text_for(&field, crate::i18n::lang()).map(String::from))
        })
    };
    let done = move |r: Result<ScoreView, api::ApiError>| match r {
        Ok(v) => {
            form.fields.set(FieldErrors::default());
            form.message.set(None);
            if let Some(u) = &v.upper {
                upper.set(inputs_of(&u.entries));
            } else if let Some(p) = &v.proposal {
                upper.set(inputs_of(&p.entries));
            }
            current.set(v);
            saved.set(true);
            busy.set(false);
        }
        Err(e) => {
            form.refused(&e, i18n.t());
            busy.set(false);
        }
    };
    let propose = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let entries = match cell.with_untracked(entries_of) {
            Ok(e) => e,
            Err(e) => {
                form.check(e.0, i18n.t());
                return;
            }
        };
        let local = current.with_untracked(|v| compute(v, &cell.get_untracked(), None));
        if let Err(e) = local {
            form.check(e.0, i18n.t());
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            done(api::propose_score(id, ProposeRequest { entries }).await);
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let entries = match upper.with_untracked(entries_of) {
            Ok(e) => e,
            Err(e) => {
                form.check(e.0, i18n.t());
                return;
            }
        };
        let proposal = current.with_untracked(|v| v.proposal.as_ref().map(|p| p.entries.clone()));
        let req = UpperRequest {
            entries: (proposal.as_ref() != Some(&entries)).then_some(entries),
            reason: reason.get_untracked(),
        };
        let checked = current.with_untracked(|v| match (&v.proposal, &v.upper) {
            (Some(p), None) => Some(scoring::check_upper(&v.basis, &v.facts, &p.entries, &req)),
            _ => None,
        });
        if let Some(Err(e)) = checked {
            form.check(e.0, i18n.t());
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            done(api::confirm_score(id, req).await);
        });
    };
    let groups = v.basis.sheet.groups.clone();
    let rows = groups
        .into_iter()
        .map(|g| {
            let items = g
                .criteria
                .into_iter()
                .map(|c| {
                    let key = c.key.clone();
                    let max = c.max;
                    let computed = v.computed.iter().find(|x| x.key == key).cloned();
                    let is_computed = computed.is_some();
                    let k1 = key.clone();
                    let k2 = key.clone();
                    let k3 = key.clone();
                    let k4 = key.clone();
                    let k5 = key.clone();
                    let input_id = format!("f-{}", entry_field(&key));
                    let upper_id = format!("f-upper-{key}");
                    view! {
                        <li class="criterion" class:computed=is_computed id=format!("crit-{key}")>
                            <p class="crit-title">
                                <strong>{key.clone()}</strong> " " {c.title.clone()}
                                <span class="muted">{format!(" ({} {max})", i18n.t().score_max)}</span>
                            </p>
                            {match computed {
                                Some(x) => view! {
                                    <p class="crit-evidence" class:met=x.met class:unmet=!x.met>
                                        <span class="badge">{format!("{}/{max}", x.points)}</span>
                                        " " {move || i18n.t().score_computed} ": " {x.evidence.clone()}
                                    </p>
                                }.into_any(),
                                None => view! {
                                    <div class="crit-inputs">
                                        <label>
                                            <span>{move || i18n.t().score_cell_column}</span>
                                            <input type="text" inputmode="decimal" class="points" id=input_id
                                                aria-describedby=format!("e-{}", entry_field(&k1))
                                                disabled=move || !may().propose
                                                prop:value=move || cell.with(|c| c.get(&k2).cloned().unwrap_or_default())
                                                on:input=move |ev| {
                                                    let text = event_target_value(&ev);
                                                    cell.update(|c| { c.insert(k3.clone(), text); });
                                                }/>
                                        </label>
                                        <Show when=move || upper_typing() || confirmed()>
                                            {
                                                let k4 = k4.clone();
                                                let k5 = k5.clone();
                                                let upper_id = upper_id.clone();
                                                view! {
                                                    <label>
                                                        <span>{move || i18n.t().score_upper_column}</span>
                                                        <input type="text" inputmode="decimal" class="points" id=upper_id
                                                            disabled=move || !may().confirm
                                                            prop:value=move || upper.with(|u| u.get(&k4).cloned().unwrap_or_default())
                                                            on:input={
                                                                let k5 = k5.clone();
                                                                move |ev| {
                                                                    let text = event_target_value(&ev);
                                                                    upper.update(|u| { u.insert(k5.clone(), text); });
                                                                }
                                                            }/>
                                                    </label>
                                                }
                                            }
                                        </Show>
                                    </div>
                                }.into_any(),
                            }}
                            <p class="field-error" id=format!("e-{}", entry_field(&key))>
                                {
                                    let key = key.clone();
                                    move || message_for(&key)
                                }
                            </p>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="crit-group">
                    <h2>{format!("{}. {} ({})", g.key, g.title, g.max)}</h2>
                    <ul class="criteria">{items}</ul>
                </section>
            }
        })
        .collect_view();
    let totals = move || {
        live.with(|r| match r {
            Ok(s) => {
                let sheet = current.with(|v| v.basis.sheet.clone());
                let cell_line = s.cell.explain(&sheet);
                let upper_line = s.upper.as_ref().map(|u| u.explain(&sheet));
                view! {
                    <p id="score-cell-total"><strong>{i18n.t().score_cell_column} ": "</strong>{cell_line}</p>
                    {upper_line.map(|l| view! {
                        <p id="score-upper-total"><strong>{i18n.t().score_upper_column} ": "</strong>{l}</p>
                    })}
                    <p id="score-band" class="big">
                        {format!("{}: {} ({} {})", i18n.t().score_band, s.final_band.label_vi(), s.final_total, i18n.t().score_total.to_lowercase())}
                    </p>
                }
                .into_any()
            }
            Err(_) => view! { <p id="score-band" class="muted">"—"</p> }.into_any(),
        })
    };
    view! {
        <p class="muted">{v.basis.sheet.name.clone()} " · " {format!("{} {}", v.basis.rules_name, v.basis.rules_version)}</p>
        {move || current.with(|v| v.proposal.as_ref().map(|p| view! {
            <p id="score-proposed" class="notice">{i18n.t().score_proposed_by} ": " {p.by.clone()} " · " {format_when(p.at)}</p>
        }))}
        {move || current.with(|v| v.upper.as_ref().map(|u| view! {
            <p id="score-confirmed" class="notice">{i18n.t().score_confirmed_by} ": " {u.by.clone()} " · " {format_when(u.at)}
                {(!u.reason.is_empty()).then(|| format!(" — {}: {}", i18n.t().score_reason, u.reason))}</p>
        }))}
        {move || current.with(|v| (v.proposal.is_none() && !v.may.propose).then(|| view! {
            <p class="muted">{i18n.t().score_not_proposed}</p>
        }))}
        <div class="score-sheet">{rows}</div>
        <div class="score-totals" role="status">{totals}</div>
        <Show when=move || may().propose>
            <form class="score-form" on:submit=propose>
                <FormMessage message=form.message/>
                <button class="button wide" id="btn-propose" type="submit" disabled=move || busy.get()>
                    {move || i18n.t().score_propose}
                </button>
            </form>
        </Show>
        <Show when=move || may().confirm>
            <form class="score-form" on:submit=confirm>
                <label for="f-reason">{move || i18n.t().score_reason}</label>
                <textarea id="f-reason" maxlength=MAX_REASON_CHARS rows="3"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <p class="field-error" id="e-reason">{move || form.fields.with(|f| f.text_for("reason", crate::i18n::lang()).map(String::from))}</p>
                <FormMessage message=form.message/>
                <button class="button wide" id="btn-confirm" type="submit" disabled=move || busy.get()>
                    {move || {
                        let same = current.with(|v| v.proposal.as_ref().map(|p| inputs_of(&p.entries)))
                            .is_some_and(|p| upper.with(|u| entries_of(u).ok() == entries_of(&p).ok()));
                        if same { i18n.t().score_confirm } else { i18n.t().score_change }
                    }}
                </button>
            </form>
        </Show>
        {move || saved.get().then(|| view! { <p class="notice" role="status">{i18n.t().score_saved}</p> })}
        <Comments id current/>
    }
}

#[component]
fn Comments(id: MeetingId, current: RwSignal<ScoreView>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match scoring::check_comment(&text.get_untracked()) {
            Ok(t) => t,
            Err(e) => {
                error.set(Some(e.to_string()));
                return;
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::comment_score(id, body).await {
                Ok(c) => {
                    current.update(|v| v.comments.push(c));
                    text.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message(i18n.t()))),
            }
            busy.set(false);
        });
    };
    let line = |c: &ScoreComment| {
        view! {
            <li class="score-comment">
                <strong>{c.author.clone()}</strong>
                <span class="muted">{format!(" · {}", format_when(c.at))}</span>
                <p>{c.text.clone()}</p>
            </li>
        }
    };
    view! {
        <section class="score-comments">
            <h2>{move || i18n.t().score_comments}</h2>
            <ul id="score-comments">
                {move || current.with(|v| v.comments.iter().map(line).collect_view())}
            </ul>
            <Show when=move || current.with(|v| v.may.comment)>
                <form class="score-form" on:submit=send>
                    <label for="f-text">{move || i18n.t().score_comment_label}</label>
                    <textarea id="f-text" maxlength=MAX_COMMENT_CHARS rows="3"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    <button class="button" id="btn-comment" type="submit" disabled=move || busy.get()>
                        {move || i18n.t().score_comment_send}
                    </button>
                </form>
            </Show>
        </section>
    }
}
