//! Biên bản sinh hoạt chi bộ: the printable minutes, in the standard layout.
//! The record itself is in Vietnamese whatever the app's language (it is the
//! cell's official document, like the .docx the server writes); only the
//! buttons around it follow the language switch.

use crate::api;
use crate::i18n::use_i18n;
use crate::pages::org::{bad_address, param_id};
use crate::ui::{format_date, loaded};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::MeetingId;
use shared::live::minutes::Minutes;
use shared::rules::attendance::NamedMember;

#[component]
pub fn MinutesPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id("id");
    let minutes = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::minutes(MeetingId(id)).await,
                None => Err(bad_address(i18n)),
            }
        }
    });
    view! {
        <section class="page minutes-page">
            <div class="actions no-print">
                {move || id.get().map(|id| view! {
                    <A href=format!("/meetings/{id}") attr:class="back">{move || i18n.t().back}</A>
                })}
                <button id="btn-print" class="button" on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }>
                    {move || i18n.t().minutes_print}
                </button>
            </div>
            {loaded(minutes, |m| view! { <MinutesDoc m/> })}
        </section>
    }
}

fn names(list: &[NamedMember]) -> String {
    list.iter()
        .map(|n| n.full_name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn time(t: Option<chrono::NaiveDateTime>) -> String {
    t.map(|t| t.format("%H giờ %M phút, ngày %d/%m/%Y").to_string())
        .unwrap_or_else(|| "…".into())
}

#[component]
fn MinutesDoc(m: Minutes) -> impl IntoView {
    let f = &m.attendance;
    let n = &f.names;
    let present_names = {
        let mut all = n.present_in_person.clone();
        all.extend(n.present_online.iter().cloned());
        names(&all)
    };
    let absent_reason = n
        .absent_with_reason
        .iter()
        .map(|a| {
            if a.reason.is_empty() {
                a.full_name.clone()
            } else {
                format!("{} ({})", a.full_name, a.reason)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let absent_no_reason = names(&n.absent_without_reason);
    let opened = time(m.opened_at.or(Some(m.starts_at)));
    let closed = time(m.closed_at);
    view! {
        <article id="minutes" class="minutes-doc">
            <header class="doc-head">
                <div class="doc-org">
                    <p>{m.committee.to_uppercase()}</p>
                    <p class="strong">{m.cell.to_uppercase()}</p>
                    <p>"*"</p>
                </div>
                <div class="doc-party">
                    <p class="strong underline">"ĐẢNG CỘNG SẢN VIỆT NAM"</p>
                    <p class="italic">{m.closed_at.or(m.opened_at).map(|d| format!("ngày {} tháng {} năm {}", d.format("%d"), d.format("%m"), d.format("%Y")))}</p>
                </div>
            </header>
            <h1 class="doc-title">"BIÊN BẢN"</h1>
            <p class="doc-subtitle">{format!("{} — {}", m.kind, m.title)}</p>
            <p>{format!("Thời gian bắt đầu: {opened}.")}</p>
            <p>{format!("Địa điểm: {}.", if m.place.is_empty() { "trực tuyến" } else { m.place.as_str() })}</p>
            <h2>"Thành phần"</h2>
            <p id="min-attendance">
                {format!(
                    "Tổng số đảng viên của chi bộ: {} (chính thức {}, dự bị {}, miễn sinh hoạt {}). Có mặt: {}/{} ({}).",
                    f.total, f.full, f.probationary, f.exempted, f.present, f.expected, f.rate_display
                )}
            </p>
            <p>{format!("Đảng viên có mặt: {present_names}.")}</p>
            <p id="min-absent-reason">{format!("Vắng có lý do: {}{}", f.absent_with_reason, if absent_reason.is_empty() { String::new() } else { format!(" — {absent_reason}") })}.</p>
            <p id="min-absent-no-reason">{format!("Vắng không lý do: {}{}", f.absent_without_reason, if absent_no_reason.is_empty() { String::new() } else { format!(" — {absent_no_reason}") })}.</p>
            {n.late_and_early().map(|line| view! { <p id="min-late-early">{line}</p> })}
            <p>{format!("Khách mời, đại biểu cấp trên: {}.", if m.guests.is_empty() { "không".to_string() } else { m.guests.join(", ") })}</p>
            <p>{format!("Chủ trì: đồng chí {}. Thư ký: đồng chí {}.", m.chair, m.secretary)}</p>
            <p class="muted">{f.explanation.clone()}</p>
            <h2>"Nội dung"</h2>
            {m.items
                .iter()
                .map(|item| {
                    let speakers = if item.speakers.is_empty() { String::new() } else { format!("Phát biểu: {}.", item.speakers.join(", ")) };
                    view! {
                        <section class="doc-item">
                            <h3>{format!("{}. {}", item.number, item.title)}</h3>
                            {(!item.presenter.is_empty()).then(|| view! { <p class="italic">{format!("Trình bày: {}", item.presenter)}</p> })}
                            {(!speakers.is_empty()).then(|| view! { <p class="speakers">{speakers.clone()}</p> })}
                            <ul>
                                {item.opinions
                                    .iter()
                                    .map(|o| {
                                        let who = if o.upper_level { format!("{} (đại biểu cấp trên)", o.author) } else { o.author.clone() };
                                        view! { <li><strong>{format!("Đồng chí {who}: ")}</strong>{o.text.clone()}</li> }
                                    })
                                    .collect_view()}
                            </ul>
                            {(!item.advance_opinions.is_empty()).then(|| view! {
                                <p class="advance-title">"Góp ý gửi trước buổi sinh hoạt:"</p>
                                <ul class="advance-opinions">
                                    {item.advance_opinions
                                        .iter()
                                        .map(|o| view! { <li><strong>{format!("Đồng chí {}: ", o.author)}</strong>{o.text.clone()}</li> })
                                        .collect_view()}
                                </ul>
                            })}
                        </section>
                    }
                })
                .collect_view()}
            {(!m.notes.is_empty()).then(|| view! { <h2>"Ghi chép của thư ký"</h2><p class="pre">{m.notes.clone()}</p> })}
            {(!m.previous_tasks.is_empty()).then(|| view! {
                <h2>"Kết quả thực hiện việc được giao ở kỳ trước"</h2>
                <ul id="min-previous-tasks">
                    {m.previous_tasks.iter().map(|t| view! { <li>{shared::followup::task_line(t)}</li> }).collect_view()}
                </ul>
            })}
            <h2>"Kết luận của chủ trì"</h2>
            <p class="pre" id="min-conclusion">{if m.conclusion.is_empty() { "…".to_string() } else { m.conclusion.clone() }}</p>
            {(!m.tasks.is_empty()).then(|| view! {
                <h2>"Phân công nhiệm vụ"</h2>
                <ul id="min-tasks">
                    {m.tasks.iter().map(|t| {
                        let due = t.due.map(|d| format!(" (hạn {})", format_date(d))).unwrap_or_default();
                        view! { <li>{format!("{}: {}{due}", t.assignee_name, t.what)}</li> }
                    }).collect_view()}
                </ul>
            })}
            <h2>"Biểu quyết"</h2>
            <div id="min-votes">
                {if m.votes.is_empty() {
                    view! { <p>"Không có biểu quyết."</p> }.into_any()
                } else {
                    m.votes.iter().map(|v| view! {
                        <p>
                            <strong>{format!("{}{}: ", v.question, if v.secret { " (bỏ phiếu kín)" } else { "" })}</strong>
                            {format!("tán thành {}/{}, không tán thành {}, không ý kiến {} ", v.in_favour, v.denominator, v.against, v.abstain)}
                            {format!("(bỏ phiếu trực tuyến {}, tại hội nghị {}). ", v.online, v.in_room)}
                            {v.explanation.clone()}
                        </p>
                    }).collect_view().into_any()
                }}
            </div>
            {m.adopted_at.map(|at| view! {
                <p id="min-adopted">{format!("Biên bản đã được đọc lại trước chi bộ và được thông qua lúc {}.", time(Some(at)))}</p>
            })}
            {m.score.as_ref().map(|sc| view! {
                <h2>"Kết quả chấm điểm chất lượng sinh hoạt"</h2>
                <p id="min-score">{sc.line_vi()}</p>
            })}
            <p>{format!("Buổi sinh hoạt kết thúc lúc {closed}.")}</p>
            <p class="digest" id="min-digest">"Mã kiểm chứng: "<span class="hash">{m.digest.clone()}</span></p>
            <div class="signatures">
                <div>
                    <p class="strong">"THƯ KÝ"</p>
                    <p class="italic">"(ký, ghi rõ họ tên)"</p>
                    <p class="sign-name">{m.secretary.clone()}</p>
                </div>
                <div>
                    <p class="strong">"CHỦ TRÌ"</p>
                    <p class="italic">"(ký, ghi rõ họ tên)"</p>
                    <p class="sign-name">{m.chair.clone()}</p>
                </div>
            </div>
        </article>
    }
}
