//! Every cell at a glance (theo dõi các chi bộ), the server's part: the
//! compact facts for the cells below an organization that the user may read
//! (`shared::oversight::OversightFacts`, one query per table), the .xlsx
//! export computed with the same `shared` functions as the screen, and the
//! start-up backfill of closed meetings' outcomes and proposed totals.

use crate::error::{ApiError, ApiResult};
use crate::live::LiveHub;
use crate::state::AppState;
use crate::storage::Store;
use chrono::NaiveDate;
use shared::access::Actor;
use shared::org::{OrgKind, Organization};
use shared::oversight::{
    self as ov, CellColumns, CellRules, MeetingColumns, OrgColumns, OversightFacts, PeopleColumns,
    PlanColumns, VisitColumns,
};
use shared::rules::adoption::{self, Adoption, OrgAdoptions};
use shared::rules::schedule::Period;
use shared::{AccountId, OrgId};
use std::collections::HashMap;

/// Writes the outcomes of closed meetings that have none (replaying their
/// logs once) and the proposed totals of proposals stored without one.
pub async fn backfill(state: &AppState) -> ApiResult<(usize, usize)> {
    let outcomes = backfill_outcomes(&state.store, &state.live).await?;
    let proposed = crate::routes::scoring::backfill_proposed(state).await?;
    Ok((outcomes, proposed))
}

/// The outcomes of closed meetings without one; how many were written.
pub async fn backfill_outcomes(store: &Store, live: &LiveHub) -> ApiResult<usize> {
    let mut outcomes = 0;
    for id in store.oversight().closed_without_outcome().await? {
        let Some(meeting) = store.meeting(id).await? else {
            continue;
        };
        let (state, _) = live.record(&meeting).await?;
        if let Some(o) = ov::outcome_of(&state) {
            store
                .oversight()
                .record_outcome(id, meeting.cell_id, &o)
                .await?;
            outcomes += 1;
        }
    }
    Ok(outcomes)
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn u16_of(n: i64) -> u16 {
    u16::try_from(n.max(0)).unwrap_or(u16::MAX)
}

/// The facts for the cells below `org` (itself, when a cell) that `actor`
/// may read, over `period`, as of `today`.
pub async fn facts(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    period: Period,
    today: NaiveDate,
) -> ApiResult<OversightFacts> {
    let all = state.store.organizations().await?;
    let by_id: HashMap<OrgId, &Organization> = all.iter().map(|o| (o.id, o)).collect();
    let mut children: HashMap<OrgId, Vec<&Organization>> = HashMap::new();
    for o in &all {
        if let Some(p) = o.parent_id {
            children.entry(p).or_default().push(o);
        }
    }
    for v in children.values_mut() {
        v.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let path_of = |id: OrgId| -> Vec<OrgId> {
        let mut path = Vec::new();
        let mut at = Some(id);
        while let Some(i) = at {
            if path.len() > all.len() {
                break;
            }
            path.push(i);
            at = by_id.get(&i).and_then(|o| o.parent_id);
        }
        path.reverse();
        path
    };

    // Organizations breadth first from `org`; cells with the row above them.
    let mut orgs = OrgColumns::default();
    let mut cell_list: Vec<(&Organization, u32)> = Vec::new();
    if org.kind == OrgKind::Cell {
        orgs.id.push(org.id);
        orgs.name.push(org.name.clone());
        orgs.parent.push(None);
        cell_list.push((org, 0));
    } else {
        orgs.id.push(org.id);
        orgs.name.push(org.name.clone());
        orgs.parent.push(None);
        let mut i = 0;
        while i < orgs.id.len() {
            let here = orgs.id[i];
            for c in children.get(&here).into_iter().flatten() {
                match c.kind {
                    OrgKind::Cell => cell_list.push((*c, u32_of(i))),
                    OrgKind::Group => {}
                    _ => {
                        orgs.id.push(c.id);
                        orgs.name.push(c.name.clone());
                        orgs.parent.push(Some(u32_of(i)));
                    }
                }
            }
            i += 1;
        }
    }
    // An assigned member reads only the cells they follow.
    cell_list.retain(|(c, _)| actor.can_read(&path_of(c.id)));

    // The rules in force: a cell applies its committee's choice, so one per parent.
    let on = adoption::rules_day(period.from.first_day(), period.to.last_day(), today);
    let mut ids: Vec<OrgId> = path_of(org.id);
    ids.extend(orgs.id.iter().copied());
    ids.sort();
    ids.dedup();
    let adoptions = state.store.rule_set_adoptions(&ids).await?;
    let mut by_org: HashMap<OrgId, Vec<Adoption>> = HashMap::new();
    for a in adoptions {
        by_org.entry(a.org_id).or_default().push(a);
    }
    let mut rules: Vec<CellRules> = Vec::new();
    // Cells whose nearest organization with adoptions is the same apply the
    // same set: computed once per such organization, not once per cell.
    let mut rules_of: HashMap<Option<OrgId>, u32> = HashMap::new();
    let mut cells = CellColumns::default();
    for (c, row) in &cell_list {
        let parent = c.parent_id.unwrap_or(c.id);
        let path = path_of(parent);
        let key = path
            .iter()
            .rev()
            .find(|id| by_org.contains_key(id))
            .copied();
        let r = match rules_of.get(&key) {
            Some(r) => *r,
            None => {
                let path: Vec<OrgAdoptions> = path
                    .into_iter()
                    .map(|id| OrgAdoptions {
                        org_id: id,
                        org_name: by_id.get(&id).map(|o| o.name.clone()).unwrap_or_default(),
                        adoptions: by_org.get(&id).cloned().unwrap_or_default(),
                    })
                    .collect();
                let set = adoption::applicable(&path, on).rules;
                let cr = CellRules {
                    schedule: set.schedule,
                    report_within_days: set.visits.report_within_days.value,
                };
                let r = match rules.iter().position(|x| *x == cr) {
                    Some(p) => u32_of(p),
                    None => {
                        rules.push(cr);
                        u32_of(rules.len() - 1)
                    }
                };
                rules_of.insert(key, r);
                r
            }
        };
        cells.id.push(c.id);
        cells.name.push(c.name.clone());
        cells.org.push(*row);
        cells.members.push(0);
        cells.rules.push(r);
        cells.open_recommendations.push(0);
    }

    let cell_ids = cells.id.clone();
    let cell_index: HashMap<OrgId, u32> = cell_ids
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, u32_of(i)))
        .collect();
    let epoch = period.from.first_day();
    let rows = state
        .store
        .oversight()
        .rows(&cell_ids, epoch, period.to.next().first_day())
        .await?;
    for (c, n) in rows.members {
        if let Some(&i) = cell_index.get(&c) {
            cells.members[i as usize] = u32::try_from(n).unwrap_or(0);
        }
    }
    for (c, n) in rows.open_recommendations {
        if let Some(&i) = cell_index.get(&c) {
            cells.open_recommendations[i as usize] = u32::try_from(n).unwrap_or(0);
        }
    }
    let mut meetings = MeetingColumns::default();
    for m in rows.meetings {
        let Some(&cell) = cell_index.get(&m.cell) else {
            continue;
        };
        let kind = shared::meeting::MeetingKind::parse(&m.kind).map_or(0, ov::kind_code);
        meetings.id.push(m.id);
        meetings.cell.push(cell);
        meetings.kind.push(kind);
        meetings.day.push(ov::day_number(epoch, m.starts_at.date()));
        meetings
            .registered
            .push(ov::day_number(epoch, m.registered_at.date()));
        meetings.state.push(if m.cancelled {
            2
        } else if m.status == "scheduled" {
            0
        } else {
            1
        });
        let (e, p, s, min) = match m.outcome {
            Some((e, p, s, min)) => (Some(u16_of(e)), u16_of(p), u16_of(s), u16_of(min)),
            None => (None, 0, 0, 0),
        };
        meetings.expected.push(e);
        meetings.present.push(p);
        meetings.speakers.push(s);
        meetings.minutes.push(min);
        meetings.cell_tenths.push(m.proposed_tenths.map(u16_of));
        meetings.upper_tenths.push(m.final_tenths.map(u16_of));
    }
    let mut visitors = PeopleColumns::default();
    let mut visitor_index: HashMap<AccountId, u32> = HashMap::new();
    let mut person = |id: AccountId, name: &str| -> u32 {
        *visitor_index.entry(id).or_insert_with(|| {
            visitors.id.push(id);
            visitors.name.push(name.to_string());
            u32_of(visitors.id.len() - 1)
        })
    };
    let mut visits = VisitColumns::default();
    for v in rows.visits {
        let Some(&cell) = cell_index.get(&v.cell) else {
            continue;
        };
        visits.visitor.push(person(v.visitor, &v.visitor_name));
        visits.cell.push(cell);
        visits.day.push(ov::day_number(epoch, v.date));
        visits
            .report
            .push(v.filed_on.map(|d| ov::day_number(epoch, d)));
    }
    let mut plans = PlanColumns::default();
    for p in rows.plans {
        let Some(&cell) = cell_index.get(&p.cell) else {
            continue;
        };
        plans.visitor.push(person(p.visitor, &p.visitor_name));
        plans.cell.push(cell);
        plans.year.push(i32::try_from(p.year).unwrap_or(0));
        plans.quarter.push(u8::try_from(p.quarter).unwrap_or(1));
    }
    Ok(OversightFacts {
        org_id: org.id,
        org_name: org.name.clone(),
        from: period.from,
        to: period.to,
        today,
        epoch,
        rules,
        orgs,
        cells,
        meetings,
        visitors,
        visits,
        plans,
    })
}

/// Sheet names (at most 31 characters, as Excel wants).
pub const SHEETS: [&str; 4] = [
    "Chi bộ theo tháng",
    "Theo tổ chức",
    "Cấp ủy viên dự",
    "Số liệu tổng hợp",
];

fn pct(p: Option<u32>) -> Option<f64> {
    p.map(|p| f64::from(p) / 10.0)
}

fn points(t: Option<u32>) -> Option<f64> {
    t.map(|t| f64::from(t) / 10.0)
}

fn yes_no(b: bool) -> &'static str {
    if b { "Có" } else { "Không" }
}

/// The workbook: one sheet per view, Vietnamese headers, numbers as numbers,
/// every figure from `shared::oversight`.
pub fn workbook(f: &OversightFacts) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook, Worksheet};
    use shared::oversight::Column;

    enum V<'a> {
        S(&'a str),
        T(String),
        N(Option<f64>),
    }
    fn put(
        sheet: &mut Worksheet,
        r: u32,
        c: u16,
        v: V<'_>,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        match v {
            V::S(s) => {
                sheet.write_string(r, c, s)?;
            }
            V::T(s) => {
                sheet.write_string(r, c, &s)?;
            }
            V::N(Some(n)) => {
                sheet.write_number(r, c, n)?;
            }
            V::N(None) => {}
        }
        Ok(())
    }
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let rows = ov::cell_months(f);

    let sheet = book.add_worksheet().set_name(SHEETS[0])?;
    for (c, col) in Column::ALL.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, col.label_vi(), &bold)?;
    }
    let mut kept = ov::filter(f, &rows, &ov::Filter::default());
    ov::sort(f, &rows, &mut kept, Column::Cell, true);
    for (n, i) in kept.iter().enumerate() {
        let r = &rows[*i as usize];
        let line = u32_of(n + 1);
        let cell = r.cell as usize;
        let org = f
            .cells
            .org
            .get(cell)
            .and_then(|o| f.orgs.name.get(*o as usize))
            .map_or("", String::as_str);
        let values = [
            V::S(f.cells.name.get(cell).map_or("", String::as_str)),
            V::S(org),
            V::T(format!("{:02}/{}", r.month.month, r.month.year)),
            V::S(r.status.label_vi()),
            V::S(match r.registered_on_time {
                Some(true) => "Có",
                Some(false) => "Muộn",
                None => "",
            }),
            V::S(yes_no(r.held)),
            V::S(match r.thematic {
                Some(true) => "Có",
                Some(false) => "Không",
                None => "",
            }),
            V::N(pct(r.attendance_permille)),
            V::N(pct(r.spoke_permille)),
            V::N(points(r.cell_tenths)),
            V::N(points(r.upper_tenths)),
            V::N(Some(f64::from(r.visits))),
            V::N(Some(f64::from(r.reports_on_time))),
            V::N(Some(f64::from(r.open_recommendations))),
        ];
        for (c, v) in values.into_iter().enumerate() {
            put(sheet, line, c as u16, v)?;
        }
    }

    let sheet = book.add_worksheet().set_name(SHEETS[1])?;
    let heads = [
        "Tổ chức",
        "Số chi bộ",
        "Đã họp",
        "Không sinh hoạt",
        "Đăng ký đúng hạn",
        "Đăng ký muộn",
        "Tỷ lệ dự họp (%)",
        "Tỷ lệ phát biểu (%)",
        "Điểm cấp trên (bình quân)",
        "Lượt cấp trên dự",
        "Chi bộ được dự",
        "Báo cáo đúng hạn",
        "Báo cáo muộn hoặc chưa nộp",
        "Kiến nghị chưa xong",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (n, (o, r)) in ov::by_organization(f, &rows).iter().enumerate() {
        let line = u32_of(n + 1);
        let values = [
            V::S(f.orgs.name.get(*o as usize).map_or("", String::as_str)),
            V::N(Some(f64::from(r.cells))),
            V::N(Some(f64::from(r.held))),
            V::N(Some(f64::from(r.missing))),
            V::N(Some(f64::from(r.registered_on_time))),
            V::N(Some(f64::from(r.registered_late))),
            V::N(pct(r.attendance_permille)),
            V::N(pct(r.spoke_permille)),
            V::N(points(r.upper_tenths)),
            V::N(Some(f64::from(r.visits))),
            V::N(Some(f64::from(r.cells_visited))),
            V::N(Some(f64::from(r.reports_on_time))),
            V::N(Some(f64::from(r.reports_late))),
            V::N(Some(f64::from(r.open_recommendations))),
        ];
        for (c, v) in values.into_iter().enumerate() {
            put(sheet, line, c as u16, v)?;
        }
    }

    let sheet = book.add_worksheet().set_name(SHEETS[2])?;
    let heads = [
        "Cấp ủy viên",
        "Quý",
        "Kế hoạch",
        "Lượt dự",
        "Chi bộ theo kế hoạch đã dự",
        "Báo cáo đúng hạn",
        "Báo cáo muộn hoặc chưa nộp",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (n, l) in ov::by_visitor(f).iter().enumerate() {
        let line = u32_of(n + 1);
        let values = [
            V::S(
                f.visitors
                    .name
                    .get(l.visitor as usize)
                    .map_or("", String::as_str),
            ),
            V::T(l.quarter.to_string()),
            V::N(Some(f64::from(l.planned))),
            V::N(Some(f64::from(l.visits))),
            V::N(Some(f64::from(l.planned_visited))),
            V::N(Some(f64::from(l.reports_on_time))),
            V::N(Some(f64::from(l.reports_late))),
        ];
        for (c, v) in values.into_iter().enumerate() {
            put(sheet, line, c as u16, v)?;
        }
    }

    let sheet = book.add_worksheet().set_name(SHEETS[3])?;
    let s = ov::seed_figures(f, &rows);
    sheet.write_string_with_format(0, 0, "Chỉ tiêu", &bold)?;
    sheet.write_string_with_format(0, 1, "Giá trị", &bold)?;
    let lines = [
        ("Số chi bộ", Some(f64::from(s.cells))),
        (
            "Số chi bộ được cấp ủy viên dự",
            Some(f64::from(s.cells_visited)),
        ),
        ("Tỷ lệ chi bộ được dự (%)", pct(s.cells_visited_permille)),
        ("Lượt dự sinh hoạt", Some(f64::from(s.visits))),
        ("Báo cáo nộp đúng hạn", Some(f64::from(s.reports_on_time))),
        ("Báo cáo đến hạn", Some(f64::from(s.reports_judged))),
        (
            "Tỷ lệ báo cáo đúng hạn (%)",
            pct(s.reports_on_time_permille),
        ),
    ];
    for (n, (label, v)) in lines.into_iter().enumerate() {
        let line = u32_of(n + 1);
        sheet.write_string(line, 0, label)?;
        put(sheet, line, 1, V::N(v))?;
    }
    sheet.write_string(9, 0, "Tổ chức")?;
    sheet.write_string(9, 1, &f.org_name)?;
    sheet.write_string(10, 0, "Từ tháng")?;
    sheet.write_string(10, 1, ov::month_param(f.from))?;
    sheet.write_string(11, 0, "Đến tháng")?;
    sheet.write_string(11, 1, ov::month_param(f.to))?;
    book.save_to_buffer()
}

/// A refused period, as the API says it.
pub fn bad_range(e: ov::RangeError) -> ApiError {
    ApiError::BadRequest(crate::error::Text::of(&e))
}
