//! Bộ quy tắc: the rule set that applies to an organization, where it comes
//! from, every value with its source and the "chưa xác nhận" mark, the
//! organization's own choices; for those who may choose, a built-in set or an
//! own copy with changed values from an effective date, checked with
//! `shared::rules::adoption` before it is sent.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{
    DateInput, FormErrors, FormMessage, Notice, date_error_text, field_messages, format_date,
    loaded, today,
};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::OrgId;
use shared::rules::adoption::{
    self, Adoption, BuiltIn, Choice, EDITABLE_NUMBERS, EDITABLE_SHARES, Origin, RuleSetRequest,
    RuleSetView,
};
use shared::rules::scoring::Points;
use shared::rules::{RuleSet, Source, Threshold};

#[component]
pub fn RuleSetPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let set = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::rule_set(OrgId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    let reload = Callback::new(move |()| set.refetch());
    view! {
        <section class="page rule-set">
            {loaded(set, move |data| view! { <RuleSetScreen data reload/> })}
        </section>
    }
}

#[component]
fn RuleSetScreen(data: RuleSetView, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let RuleSetView {
        org_id,
        org_name,
        applicable,
        chooses,
        may_choose,
        adoptions,
        builtins,
        ..
    } = data;
    let rules = applicable.rules;
    let origin = match applicable.origin {
        Origin::Own { version } => {
            view! { <span>{move || t().rules_origin_own} " (" {move || t().rules_version} " " {version} ")"</span> }
                .into_any()
        }
        Origin::Inherited {
            org_id,
            org_name,
            version,
        } => view! {
            <span>
                {move || t().rules_origin_inherited} " "
                <A href=format!("/org/{org_id}/rules")>{org_name}</A>
                " (" {move || t().rules_version} " " {version} ")"
            </span>
        }
        .into_any(),
        Origin::NationalDefault => view! { <span>{move || t().rules_origin_default}</span> }.into_any(),
    };
    let effective = format_date(rules.effective_from);
    let crumb = org_name.clone();
    view! {
        <nav class="breadcrumbs" aria-label="breadcrumbs">
            <ol>
                <li><A href=format!("/org/{org_id}")>{crumb}</A></li>
            </ol>
        </nav>
        <h1>{move || t().rules_title}</h1>
        <div class="card">
            <p class="muted">{move || t().rules_applicable}</p>
            <p class="big" id="rule-set-name">{rules.name.clone()}</p>
            <p id="rule-set-origin">{origin}</p>
            <p class="muted">{move || t().rules_effective} " " {effective.clone()}</p>
            <SourceLine source=rules.source.clone()/>
        </div>
        <Values rules=rules.clone()/>
        {(!chooses).then(|| view! { <p class="muted">{move || t().rules_cell_note}</p> })}
        {chooses.then(|| view! { <History adoptions=adoptions.clone()/> })}
        {may_choose.then(|| {
            let next = adoption::next_version(&adoptions);
            view! { <Chooser org_id org_name=org_name.clone() next current=rules.clone() builtins=builtins.clone() reload/> }
        })}
    }
}

/// "Căn cứ: …", marked "chưa xác nhận" when no text was found.
#[component]
fn SourceLine(source: Source) -> impl IntoView {
    let i18n = use_i18n();
    let unconfirmed = source.unconfirmed;
    let note = source.note.clone();
    view! {
        <p class="source">
            <span class="muted">{move || i18n.t().rules_source} ": "</span>
            {source.to_string()}
            {unconfirmed.then(|| view! { " " <span class="tag unconfirmed">{move || i18n.t().rules_unconfirmed}</span> })}
            {(!note.is_empty()).then(|| view! { <br/><small class="muted">{note}</small> })}
        </p>
    }
}

/// Every editable value of the set with its source.
#[component]
fn Values(rules: RuleSet) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let shares = EDITABLE_SHARES
        .iter()
        .map(|e| {
            let value = (e.get)(&rules).label_vi();
            view! {
                <li class="rule-value" data-field=e.field>
                    <span class="label">{move || i18n.pick(e.label_vi, e.label_en)}</span>
                    ": " <strong>{value}</strong>
                    <SourceLine source=(e.source)(&rules).clone()/>
                </li>
            }
        })
        .collect_view();
    let numbers = EDITABLE_NUMBERS
        .iter()
        .map(|e| {
            let value = (e.get)(&rules);
            view! {
                <li class="rule-value" data-field=e.field>
                    <span class="label">{move || i18n.pick(e.label_vi, e.label_en)}</span>
                    ": " <strong>{value}</strong>
                    <SourceLine source=(e.source)(&rules).clone()/>
                </li>
            }
        })
        .collect_view();
    let sheet = &rules.meeting_sheet;
    let groups = sheet
        .groups
        .iter()
        .map(|g| {
            let criteria = g
                .criteria
                .iter()
                .map(|c| view! { <li>{c.key.clone()} ". " {c.title.clone()} ": " <strong>{c.max.to_string()}</strong></li> })
                .collect_view();
            view! {
                <li>
                    <strong>{g.key.clone()} ". " {g.title.clone()} " (" {g.max.to_string()} ")"</strong>
                    <ul>{criteria}</ul>
                </li>
            }
        })
        .collect_view();
    let bands = sheet
        .bands
        .iter()
        .map(|b| {
            let band = b.band;
            view! {
                <li>{move || i18n.pick(band.label_vi(), band.label_en())} ": " {move || t().rules_band_floor} " " <strong>{b.min.to_string()}</strong></li>
            }
        })
        .collect_view();
    view! {
        <h2>{move || t().rules_values}</h2>
        <ul class="rule-values">{shares}{numbers}</ul>
        <h2>{move || t().rules_sheet}</h2>
        <p>{sheet.name.clone()}</p>
        <SourceLine source=sheet.source.clone()/>
        <ul class="rule-sheet">{groups}</ul>
        <ul class="rule-bands">{bands}</ul>
    }
}

#[component]
fn History(adoptions: Vec<Adoption>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    if adoptions.is_empty() {
        return view! { <h2>{move || t().rules_history}</h2><p class="empty">{move || t().rules_no_history}</p> }
            .into_any();
    }
    let rows = adoptions
        .into_iter()
        .map(|a| {
            let name = a.rule_set().name;
            view! {
                <li class="card adoption">
                    <p><strong>{move || t().rules_version} " " {a.version}</strong> " · " {move || t().rules_effective} " " {format_date(a.effective_from)}</p>
                    <p>{name}</p>
                    {(!a.decision.is_empty()).then(|| view! { <p class="muted">{a.decision.clone()}</p> })}
                    <p class="muted">{move || t().rules_by} ": " {a.adopted_by.clone()} " · " {a.adopted_at.format("%H:%M %d/%m/%Y").to_string()}</p>
                </li>
            }
        })
        .collect_view();
    view! { <h2>{move || t().rules_history}</h2><ul class="adoptions">{rows}</ul> }.into_any()
}

/// What the form chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    BuiltIn(BuiltIn),
    Own,
}

fn builtin_code(b: BuiltIn) -> &'static str {
    match b {
        BuiltIn::National => "national",
        BuiltIn::BinhThuan => "binh_thuan",
    }
}

fn builtin_of(code: &str) -> Option<BuiltIn> {
    BuiltIn::ALL.into_iter().find(|b| builtin_code(*b) == code)
}

/// A typed whole number; what is not one is kept as a value every bound refuses.
fn whole(text: &str) -> u32 {
    text.trim().parse().unwrap_or(u32::MAX)
}

/// A typed score ("2,5" or "2.5"); what is not one is kept as a value every bound refuses.
fn points(text: &str) -> Points {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .and_then(|x| Points::try_from(x).ok())
        .unwrap_or(Points::tenths(u32::MAX))
}

/// The field's messages under it.
fn field_error(errors: RwSignal<shared::FieldErrors>, field: String) -> impl IntoView {
    let id = format!("e-{field}");
    view! { <p class="field-error" id=id>{move || field_messages(errors, &field)}</p> }
}

#[component]
fn Chooser(
    org_id: OrgId,
    org_name: String,
    next: u32,
    current: RuleSet,
    builtins: Vec<RuleSet>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t();
    let pick = RwSignal::new(Pick::Own);
    let based_on = RwSignal::new(BuiltIn::National);
    let effective = RwSignal::new(format_date(today()));
    let decision = RwSignal::new(String::new());
    let edited = RwSignal::new(current.clone());
    let form = FormErrors::default();
    let errors = form.fields;
    let saved = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let names: Vec<(BuiltIn, String)> = BuiltIn::ALL
        .into_iter()
        .zip(builtins.iter().map(|b| b.name.clone()))
        .collect();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        let effective_from = match shared::dates::parse_day(&effective.get_untracked()) {
            Ok(day) => day,
            Err(e) => {
                form.check(
                    vec![shared::FieldError::new(
                        "effective_from",
                        "bad_date",
                        date_error_text(e, t()),
                    )],
                    t(),
                );
                return;
            }
        };
        let choice = match pick.get_untracked() {
            Pick::BuiltIn(builtin) => Choice::BuiltIn { builtin },
            Pick::Own => Choice::Own {
                based_on: based_on.get_untracked(),
                rules: Box::new(edited.get_untracked()),
            },
        };
        let req = RuleSetRequest {
            effective_from,
            decision: decision.get_untracked(),
            choice,
        };
        // The same checks as the server's, answered at once.
        let mut problems = Vec::new();
        let clean = adoption::check_request(&req, today()).map_err(|e| problems.extend(e.0));
        if let (Choice::Own { based_on, rules }, Ok(clean)) = (&req.choice, &clean)
            && let Err(e) =
                adoption::own_copy(*based_on, rules, &org_name, next, effective_from, clean)
        {
            problems.extend(e.0);
        }
        if !form.check(problems, t()) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::choose_rule_set(org_id, req).await;
            busy.try_set(false);
            match result {
                Ok(_) => {
                    saved.try_set(Some(i18n.t().rules_saved));
                    reload.run(());
                }
                Err(e) => form.refused(&e, i18n.t()),
            }
        });
    };

    let share_inputs = EDITABLE_SHARES
        .iter()
        .map(|e| {
            let start = (e.get)(&current);
            let set = e.set;
            let get = e.get;
            let update = move |f: fn(Threshold, u32) -> Threshold, text: String| {
                let v = whole(&text);
                edited.update(|r| {
                    let cur = get(r);
                    set(r, f(cur, v));
                });
            };
            view! {
                <div class="field share" class:invalid=move || field_messages(errors, e.field).is_some()>
                    <label for=format!("f-{}", e.field)>{move || i18n.pick(e.label_vi, e.label_en)}</label>
                    <p class="hint">{start.label_vi()}</p>
                    <span class="share-inputs">
                        <input id=format!("f-{}", e.field) type="number" min="0" inputmode="numeric"
                            aria-label=move || t().rules_numerator
                            value=start.num.to_string()
                            on:input=move |ev| update(|t, v| Threshold { num: v, ..t }, event_target_value(&ev))/>
                        " / "
                        <input type="number" min="1" inputmode="numeric"
                            aria-label=move || t().rules_denominator
                            value=start.den.to_string()
                            on:input=move |ev| update(|t, v| Threshold { den: v, ..t }, event_target_value(&ev))/>
                    </span>
                    {field_error(errors, e.field.to_string())}
                </div>
            }
        })
        .collect_view();
    let number_inputs = EDITABLE_NUMBERS
        .iter()
        .map(|e| {
            let set = e.set;
            view! {
                <div class="field" class:invalid=move || field_messages(errors, e.field).is_some()>
                    <label for=format!("f-{}", e.field)>{move || i18n.pick(e.label_vi, e.label_en)}</label>
                    <input id=format!("f-{}", e.field) type="number" min="0" inputmode="numeric"
                        aria-describedby=format!("e-{}", e.field)
                        value=(e.get)(&current).to_string()
                        on:input=move |ev| {
                            let v = whole(&event_target_value(&ev));
                            edited.update(|r| set(r, v));
                        }/>
                    {field_error(errors, e.field.to_string())}
                </div>
            }
        })
        .collect_view();
    let criteria = current
        .meeting_sheet
        .groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| {
            g.criteria.iter().enumerate().map(move |(ci, c)| {
                let field = format!("meeting_sheet.groups.{gi}.criteria.{ci}.max");
                let label = format!("{}. {}", c.key, c.title);
                let key = c.key.clone();
                let f = field.clone();
                view! {
                    <div class="field" class:invalid=move || field_messages(errors, &f).is_some()>
                        <label for=format!("f-{field}")>{label}</label>
                        <input id=format!("f-{field}") type="text" inputmode="decimal"
                            value=c.max.to_string()
                            on:input=move |ev| {
                                let v = points(&event_target_value(&ev));
                                edited.update(|r| {
                                    for c in r.meeting_sheet.groups.iter_mut().flat_map(|g| g.criteria.iter_mut()) {
                                        if c.key == key {
                                            c.max = v;
                                        }
                                    }
                                });
                            }/>
                        {field_error(errors, field.clone())}
                    </div>
                }
            })
        })
        .collect_view();
    let bands = current
        .meeting_sheet
        .bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let field = format!("meeting_sheet.bands.{i}.min");
            let band = b.band;
            let f = field.clone();
            view! {
                <div class="field" class:invalid=move || field_messages(errors, &f).is_some()>
                    <label for=format!("f-{field}")>
                        {move || i18n.pick(band.label_vi(), band.label_en())} ": " {move || t().rules_band_floor}
                    </label>
                    <input id=format!("f-{field}") type="text" inputmode="decimal"
                        value=b.min.to_string()
                        on:input=move |ev| {
                            let v = points(&event_target_value(&ev));
                            edited.update(|r| {
                                if let Some(f) = r.meeting_sheet.bands.iter_mut().find(|f| f.band == band) {
                                    f.min = v;
                                }
                            });
                        }/>
                    {field_error(errors, field.clone())}
                </div>
            }
        })
        .collect_view();
    let builtin_options = names
        .iter()
        .map(|(b, name)| {
            let b = *b;
            view! { <option value=builtin_code(b) selected=move || pick.get() == Pick::BuiltIn(b)>{name.clone()}</option> }
        })
        .collect_view();
    let base_options = names
        .iter()
        .map(|(b, name)| {
            let b = *b;
            view! { <option value=builtin_code(b) selected=move || based_on.get() == b>{name.clone()}</option> }
        })
        .collect_view();

    view! {
        <h2>{move || t().rules_choose}</h2>
        <form class="form" id="rule-set-form" on:submit=submit novalidate>
            <div class="field" class:invalid=move || field_messages(errors, "effective_from").is_some()>
                <label for="f-effective_from">{move || t().rules_effective}</label>
                <DateInput id="f-effective_from" value=effective described_by="e-effective_from"/>
                {field_error(errors, "effective_from".into())}
            </div>
            <div class="field" class:invalid=move || field_messages(errors, "decision").is_some()>
                <label for="f-decision">{move || t().rules_decision}</label>
                <input id="f-decision" type="text" aria-describedby="e-decision"
                    maxlength=adoption::MAX_DECISION_CHARS.to_string()
                    prop:value=move || decision.get()
                    on:input=move |ev| decision.set(event_target_value(&ev))/>
                {field_error(errors, "decision".into())}
            </div>
            <div class="field">
                <label for="f-choice">{move || t().rules_choice}</label>
                <select id="f-choice" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    pick.set(builtin_of(&v).map(Pick::BuiltIn).unwrap_or(Pick::Own));
                }>
                    {builtin_options}
                    <option value="own" selected=move || pick.get() == Pick::Own>{move || t().rules_choice_own}</option>
                </select>
            </div>
            <div class="own-copy" hidden=move || pick.get() != Pick::Own>
                <div class="field">
                    <label for="f-based_on">{move || t().rules_based_on}</label>
                    <select id="f-based_on" on:change=move |ev| {
                        if let Some(b) = builtin_of(&event_target_value(&ev)) {
                            based_on.set(b);
                        }
                    }>
                        {base_options}
                    </select>
                </div>
                <h3>{move || t().rules_values}</h3>
                {share_inputs}
                {number_inputs}
                <h3>{move || t().rules_sheet} " — " {move || t().rules_criterion_max}</h3>
                {criteria}
                <h3>{move || t().rules_band_floor}</h3>
                {bands}
                {field_error(errors, "rules".into())}
            </div>
            <FormMessage message=form.message/>
            <Notice message=saved/>
            <button class="button wide" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { t().saving } else { t().rules_submit }}
            </button>
        </form>
    }
}
