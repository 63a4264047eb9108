//! The organization tree (Đảng bộ → đảng bộ cơ sở → chi bộ) and one organization
//! with its members (danh sách đảng viên).

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::pages::meeting::MeetingCard;
use crate::session::use_session;
use crate::ui::{format_opt_date, loaded, today};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::OrgId;
use shared::access::Access;
use shared::api::OrgDetail;
use shared::member::{Member, PartyStatus};
use shared::org::{OrgEntry, OrgKind, OrgNode, build_tree};

#[component]
pub fn OrgTreePage() -> impl IntoView {
    let i18n = use_i18n();
    let orgs = LocalResource::new(api::organizations);
    view! {
        <section class="page">
            <h1>{move || i18n.t().org_title}</h1>
            {loaded(orgs, |entries| view! { <OrgTree entries/> })}
        </section>
    }
}

#[component]
fn OrgTree(entries: Vec<OrgEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let tree = build_tree(&entries);
    if tree.is_empty() {
        return view! { <p class="empty">{move || i18n.t().org_empty}</p> }.into_any();
    }
    view! { <ul class="tree">{tree.into_iter().map(tree_node).collect_view()}</ul> }.into_any()
}

/// One node and its subtree. A plain function returning `AnyView`: a recursive
/// view type would be infinite.
fn tree_node(node: OrgNode) -> AnyView {
    let i18n = use_i18n();
    let OrgEntry {
        org,
        access,
        member_count,
    } = node.entry;
    let kind = org.kind;
    let label = view! {
        <span class="kind">{move || i18n.pick(kind.label_vi(), kind.label_en())}</span>
    };
    // Ancestors the viewer may not open are shown for orientation only.
    let name = if access == Access::None {
        view! { <span class="org-name context">{org.name}</span> }.into_any()
    } else {
        view! { <A href=format!("/org/{}", org.id) attr:class="org-name">{org.name}</A> }.into_any()
    };
    let count = (kind == OrgKind::Cell && access != Access::None).then(|| {
        view! {
            <span class="count">{move || format!("{member_count} {}", i18n.t().members_unit)}</span>
        }
    });
    let children = (!node.children.is_empty()).then(|| {
        view! { <ul>{node.children.into_iter().map(tree_node).collect_view()}</ul> }
    });
    view! {
        <li>
            <div class="node">{label} {name} {count}</div>
            {children}
        </li>
    }
    .into_any()
}

/// The `:id` of the address, if it is a number.
pub fn param_id(name: &'static str) -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get(name).and_then(|s| s.parse().ok())))
}

/// Reads an id from the address; a malformed one answers like the server's 404.
pub fn bad_address(i18n: crate::i18n::I18n) -> ApiError {
    ApiError::local(404, "not_found", i18n.t().not_found)
}

#[component]
pub fn OrgPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let detail = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::organization(OrgId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! { <section class="page">{loaded(detail, |d| view! { <OrgView detail=d/> })}</section> }
}

#[component]
fn OrgView(detail: OrgDetail) -> impl IntoView {
    let i18n = use_i18n();
    let OrgDetail {
        org,
        path,
        access,
        children,
    } = detail;
    let kind = org.kind;
    // The same rule as the server: ancestors I may not open are plain text.
    let actor = use_session().me().map(|m| m.actor);
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    let urge = actor.as_ref().is_some_and(|a| a.may_urge(&ids));
    let sees_visits = actor
        .as_ref()
        .is_some_and(|a| shared::visits::sees_visits(a, &ids));
    let sees_inspections = actor.as_ref().is_some_and(|a| {
        if kind == OrgKind::Cell {
            shared::inspections::sees(a, &ids)
        } else {
            !matches!(kind, OrgKind::Group)
        }
    });
    let crumbs = path
        .into_iter()
        .enumerate()
        .filter(|(_, o)| o.id != org.id)
        .map(|(i, o)| {
            let readable = actor.as_ref().is_some_and(|a| a.can_read(&ids[..=i]));
            if readable {
                view! { <li><A href=format!("/org/{}", o.id)>{o.name}</A></li> }.into_any()
            } else {
                view! { <li><span class="context">{o.name}</span></li> }.into_any()
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="breadcrumbs">
            <ol>
                <li><A href="/org">{move || i18n.t().nav_org}</A></li>
                {crumbs}
            </ol>
        </nav>
        <p class="kind">{move || i18n.pick(kind.label_vi(), kind.label_en())}</p>
        <h1>{org.name.clone()}</h1>
        <p class="actions">
            <A href=format!("/org/{}/rules", org.id) attr:class="button secondary" attr:id="btn-rule-set">
                {move || i18n.t().rules_link}
            </A>
            {(org.kind != OrgKind::Cell && org.kind != OrgKind::Group).then(|| view! {
                <A href=format!("/org/{}/oversight", org.id) attr:class="button secondary" attr:id="btn-oversight">
                    {move || i18n.pick("Theo dõi các chi bộ", "Every cell at a glance")}
                </A>
            })}
            {(org.kind != OrgKind::Cell && org.kind != OrgKind::Group
                && actor.as_ref().is_some_and(|a| shared::classification::sees_year_review(a, &ids)))
                .then(|| view! {
                    " " <A href=format!("/org/{}/year-review/{}", org.id, chrono::Datelike::year(&today()))
                        attr:class="button secondary" attr:id="btn-year-review">
                        {move || i18n.pick("Xếp loại chi bộ", "Rating of cells")}
                    </A>
                })}
            {shared::visits::plans_visits(kind).then(|| view! {
                " " <A href=format!("/org/{}/visits/plan", org.id) attr:class="button secondary" attr:id="btn-visit-plan">
                    {move || i18n.t().visits_plan_link}
                </A>
            })}
            {(kind != OrgKind::Group).then(|| view! {
                " " <A href=format!("/org/{}/rating/{}", org.id, chrono::Datelike::year(&crate::ui::today())) attr:class="button secondary" attr:id="btn-rating">
                    {move || i18n.pick("Xếp loại đảng viên", "Members' rating")}
                </A>
            })}
            {(kind == OrgKind::Cell && sees_visits).then(|| view! {
                " " <A href=format!("/org/{}/visits", org.id) attr:class="button secondary" attr:id="btn-cell-visits">
                    {move || i18n.t().visits_cell_link}
                </A>
            })}
            {(kind == OrgKind::Cell).then(|| view! {
                " " <A href=format!("/org/{}/commitments", org.id) attr:class="button secondary" attr:id="btn-cell-commitments">
                    {move || i18n.pick("Cam kết nêu gương", "Example-setting pledges")}
                </A>
            })}
            {sees_inspections.then(|| view! {
                " " <A href=format!("/org/{}/inspections", org.id) attr:class="button secondary" attr:id="btn-inspections">
                    {move || i18n.pick("Kiểm tra đảng viên", "Member inspections")}
                </A>
            })}
        </p>
        {(!children.is_empty()).then(|| view! {
            <h2>{move || i18n.t().children_title}</h2>
            <ul class="link-list cells">
                {children.into_iter().map(|c| {
                    let n = c.member_count;
                    let is_cell = c.org.kind == OrgKind::Cell;
                    view! {
                        <li>
                            <A href=format!("/org/{}", c.org.id)>
                                <span class="name">{c.org.name}</span>
                                {is_cell.then(|| view! {
                                    <span class="count">{move || format!("{n} {}", i18n.t().members_unit)}</span>
                                })}
                            </A>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {(kind != OrgKind::Group).then(|| view! { <crate::pages::guidance::MonthGuidance org=org.id/> })}
        {(kind == OrgKind::Cell).then(|| view! { <crate::pages::year::CellYear cell=org.id access/> })}
        {matches!(kind, OrgKind::PartyCommittee | OrgKind::GrassrootsCommittee)
            .then(|| view! { <crate::pages::year::Unregistered org=org.id urge/> })}
        {kind.holds_members().then(|| view! { <CellMeetings cell=org.id access/> })}
        {kind.holds_members().then(|| view! { <CellMembers cell=org.id access/> })}
    }
}

/// Lịch sinh hoạt: the cell's registered meetings, each opening its room; for
/// those who manage the cell, the way to register one and to change it.
#[component]
fn CellMeetings(cell: OrgId, access: Access) -> impl IntoView {
    let i18n = use_i18n();
    let meetings = LocalResource::new(move || api::meetings_of(cell));
    let manage = access == Access::Manage;
    view! {
        <div class="section-head">
            <h2>{move || i18n.t().meetings_schedule}</h2>
            {manage.then(|| view! {
                <div class="actions">
                    <A href=format!("/organizations/{cell}/meetings/new") attr:class="button" attr:id="btn-new-meeting">
                        {move || i18n.t().register_meeting}
                    </A>
                </div>
            })}
        </div>
        {loaded(meetings, move |list| {
            if list.is_empty() {
                return view! { <p class="empty">{move || i18n.t().no_meetings}</p> }.into_any();
            }
            view! {
                <ul class="meetings cell-meetings">
                    {list
                        .into_iter()
                        .map(|m| view! { <MeetingCard meeting=m cell_name=None manage/> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

/// A cell's roll: counts by status, then one card per member.
#[component]
fn CellMembers(cell: OrgId, access: Access) -> impl IntoView {
    let i18n = use_i18n();
    let members = LocalResource::new(move || api::members_of(cell));
    let manage = access == Access::Manage;
    view! {
        <div class="section-head members-head">
            <h2>{move || i18n.t().members_title}</h2>
            {manage.then(|| view! {
                <div class="actions">
                    <A href=format!("/org/{cell}/members/new") attr:class="button">
                        {move || i18n.t().add_member}
                    </A>
                    <A href=format!("/org/{cell}/import") attr:class="button secondary">
                        {move || i18n.t().import_csv}
                    </A>
                </div>
            })}
        </div>
        {loaded(members, move |list| view! { <MemberList list manage/> })}
    }
}

#[component]
fn MemberList(list: Vec<Member>, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="empty">{move || i18n.t().no_members}</p> }.into_any();
    }
    let on_roll = list.iter().filter(|m| m.draft.status.on_roll()).count();
    let counts = PartyStatus::ALL
        .into_iter()
        .map(|s| (s, list.iter().filter(|m| m.draft.status == s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| {
            view! {
                <li data-status=s.as_str()>
                    <span class="n">{n}</span>
                    <span>{move || i18n.pick(s.label_vi(), s.label_en())}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="counts">
            <li class="total">
                <span class="n">{on_roll}</span>
                <span>{move || i18n.t().total}</span>
            </li>
            {counts}
        </ul>
        <ul class="members">
            {list.into_iter().map(|m| view! { <MemberCard member=m manage/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn MemberCard(member: Member, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let Member { id, draft, .. } = member;
    let role = draft.role;
    let status = draft.status;
    let gender = draft.gender;
    let attached = draft.attached_on(today());
    let name = if manage {
        view! { <A href=format!("/members/{id}") attr:class="member-name">{draft.full_name}</A> }
            .into_any()
    } else {
        view! { <span class="member-name">{draft.full_name}</span> }.into_any()
    };
    let born = format_opt_date(draft.birth_date);
    let admitted = format_opt_date(draft.admitted_on);
    let full = format_opt_date(draft.full_member_on);
    view! {
        <li class="card member" data-status=status.as_str()>
            <p>{name}</p>
            <p class="tags">
                <span class="tag role">{move || i18n.pick(role.label_vi(), role.label_en())}</span>
                <span class="tag status">{move || i18n.pick(status.label_vi(), status.label_en())}</span>
                <span class="tag">{move || i18n.pick(gender.label_vi(), gender.label_en())}</span>
                {attached.then(|| view! { <span class="tag attached">{move || i18n.t().attached_tag}</span> })}
            </p>
            <dl class="dates">
                <div><dt>{move || i18n.t().born}</dt><dd>{born}</dd></div>
                <div><dt>{move || i18n.t().admitted}</dt><dd>{admitted}</dd></div>
                <div><dt>{move || i18n.t().full_since}</dt><dd>{full}</dd></div>
                {draft.card_number.map(|c| view! {
                    <div><dt>{move || i18n.t().card_no}</dt><dd>{c}</dd></div>
                })}
            </dl>
        </li>
    }
}
