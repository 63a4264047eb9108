//! The yearly classification of cells (xếp loại chi bộ hằng năm), the
//! server's part: each cell's figures from the year's records — the
//! committee dashboard's facts (`oversight::facts`, rolled up with
//! `shared::oversight::rollup`), the confirmed meeting bands
//! (`routes::scoring` via `Storage::confirmed_scores`, rolled up with
//! `rules::scoring::rollup_year`), the inspections and the members' ratings
//! — the level `shared::classification::classify` suggests, the committee's
//! decision, and the year's workbook (members, cells, inspections).

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::{InspectionRow, MemberYearRow, StoredClassification};
use chrono::NaiveDate;
use shared::access::Actor;
use shared::classification::{self as cl, CellDecision, CellFigures, CellReview, YearReview};
use shared::meeting::MeetingKind;
use shared::org::{OrgKind, Organization};
use shared::oversight as ov;
use shared::rules::RuleSet;
use shared::rules::adoption;
use shared::rules::rating::Level;
use shared::rules::schedule::{Period, YearMonth};
use shared::rules::scoring::Band;
use shared::{MeetingId, OrgId};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

/// Everything the year's review and workbook show.
pub struct YearRecords {
    pub review: YearReview,
    pub members: Vec<MemberYearRow>,
    pub inspections: Vec<InspectionRow>,
}

/// The path of `id` (root first) within `all`.
pub fn path_in(all: &HashMap<OrgId, &Organization>, id: OrgId) -> Vec<OrgId> {
    let mut path = Vec::new();
    let mut at = Some(id);
    while let Some(i) = at {
        if path.len() > all.len() {
            break;
        }
        path.push(i);
        at = all.get(&i).and_then(|o| o.parent_id);
    }
    path.reverse();
    path
}

/// The quota's group of a cell (its path, root first, the cell last): the
/// nearest grassroots committee above it, else its parent.
pub fn grassroots_of(all: &HashMap<OrgId, &Organization>, cell_path: &[OrgId]) -> OrgId {
    let above = &cell_path[..cell_path.len().saturating_sub(1)];
    above
        .iter()
        .rev()
        .find(|id| {
            all.get(id)
                .is_some_and(|o| o.kind == OrgKind::GrassrootsCommittee)
        })
        .or(above.last())
        .or(cell_path.last())
        .copied()
        .unwrap_or(OrgId(0))
}

fn u32_of(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// The day whose rules apply to `year`.
pub fn rules_day(year: i32, today: NaiveDate) -> NaiveDate {
    adoption::rules_day(
        YearMonth::new(year, 1).first_day(),
        YearMonth::new(year, 12).last_day(),
        today,
    )
}

/// The year's review of the cells below `org` (itself, when a cell) that
/// `actor` may read, with the members' ratings and the inspections.
pub async fn records(
    state: &AppState,
    actor: &Actor,
    org: &Organization,
    year: i32,
    today: NaiveDate,
) -> ApiResult<YearRecords> {
    let period = Period {
        from: YearMonth::new(year, 1),
        to: YearMonth::new(year, 12),
    };
    let facts = crate::oversight::facts(state, actor, org, period, today).await?;
    let months = ov::cell_months(&facts);
    let all = state.store.organizations().await?;
    let by_id: HashMap<OrgId, &Organization> = all.iter().map(|o| (o.id, o)).collect();
    let cells = facts.cells.id.clone();
    let store = state.store.classification();
    let members = store.member_ratings(&cells, year).await?;
    let inspections = store.inspections(&cells, year).await?;
    let seats: HashMap<OrgId, i64> = store.role_seats(&cells).await?.into_iter().collect();
    let decided: HashMap<OrgId, StoredClassification> = store
        .classifications(&cells, year)
        .await?
        .into_iter()
        .map(|c| (c.cell, c))
        .collect();
    let on = rules_day(year, today);
    // A cell applies its committee's choice: one rule set per parent.
    let mut rules_of: HashMap<Option<OrgId>, RuleSet> = HashMap::new();
    let mut out = Vec::with_capacity(cells.len());
    for (c, &cell) in cells.iter().enumerate() {
        let path = path_in(&by_id, cell);
        let parent = by_id.get(&cell).and_then(|o| o.parent_id);
        let rules = match rules_of.entry(parent) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(crate::rulesets::for_org(&state.store, cell, on).await?),
        };
        let idx = u32_of(c);
        let roll = ov::rollup(months.iter().filter(|m| m.cell == idx));
        let bands = regular_bands(state, &facts, idx, cell).await?;
        let year_band = (!bands.is_empty()).then(|| {
            shared::rules::scoring::rollup_year(&rules.yearly_meetings, &bands, roll.missing).band
        });
        let targets = rules.inspections.value;
        let has_committee = targets.has_committee(u32_of(seats.get(&cell).copied().unwrap_or(0)));
        let inspected: BTreeSet<_> = inspections
            .iter()
            .filter(|i| i.cell == cell && !i.conclusion.trim().is_empty())
            .map(|i| i.member)
            .collect();
        let mut ratings = [0u32; 4];
        for m in members.iter().filter(|m| m.cell == cell) {
            if let Some(l) = m.decided_level {
                ratings[l as usize] += 1;
            }
        }
        let figures = CellFigures {
            months_held: roll.held,
            months_without_regular: roll.missing,
            registered_on_time: roll.registered_on_time,
            registered_late: roll.registered_late,
            year_band,
            scored_meetings: u32_of(bands.len()),
            attendance_permille: roll.attendance_permille,
            members: facts.cells.members.get(c).copied().unwrap_or(0),
            has_committee,
            inspections_done: u32_of(inspected.len()),
            inspections_target: targets.target(has_committee),
            ratings,
        };
        let computed = cl::classify(&rules.cell_classification, &figures);
        let decision = decided.get(&cell).map(|d| CellDecision {
            computed: d.computed,
            level: d.decided,
            reason: d.reason.clone(),
            decided_by: d.decided_by.clone(),
            decided_at: d.decided_at,
        });
        let parent_name = facts
            .cells
            .org
            .get(c)
            .and_then(|o| facts.orgs.name.get(*o as usize))
            .cloned()
            .unwrap_or_default();
        out.push(CellReview {
            cell_id: cell,
            cell_name: facts.cells.name.get(c).cloned().unwrap_or_default(),
            parent_name,
            figures,
            computed,
            decision,
            may_decide: cl::may_classify(actor, &path),
        });
    }
    Ok(YearRecords {
        review: YearReview {
            org_id: org.id,
            org_name: org.name.clone(),
            year,
            changes_until: cl::changes_until(year),
            cells: out,
        },
        members,
        inspections,
    })
}

/// The final bands of the cell's regular (and combined) meetings of the year
/// with a confirmed score.
async fn regular_bands(
    state: &AppState,
    facts: &ov::OversightFacts,
    idx: u32,
    cell: OrgId,
) -> ApiResult<Vec<Band>> {
    let m = &facts.meetings;
    let regular: BTreeSet<MeetingId> =
        m.id.iter()
            .zip(&m.cell)
            .zip(&m.kind)
            .filter(|((_, c), k)| {
                **c == idx
                    && (**k == ov::kind_code(MeetingKind::Regular)
                        || **k == ov::kind_code(MeetingKind::Combined))
            })
            .map(|((id, _), _)| *id)
            .collect();
    if regular.is_empty() {
        return Ok(Vec::new());
    }
    let confirmed = state.store.confirmed_scores(cell).await?;
    confirmed
        .iter()
        .filter(|s| regular.contains(&s.meeting))
        .map(|s| {
            Band::parse(&s.final_band).ok_or_else(|| {
                ApiError::Internal(format!("điểm đã xác nhận hỏng: {}", s.final_band).into())
            })
        })
        .collect()
}

/// Sheet names (at most 31 characters, as Excel wants).
pub const SHEETS: [&str; 3] = ["Đảng viên", "Chi bộ", "Kiểm tra đảng viên"];

/// Headers of the cells' sheet, in order.
pub const CELL_HEADERS: [&str; 21] = [
    "Chi bộ",
    "Trực thuộc",
    "Xếp loại đề xuất",
    "Xếp loại quyết định",
    "Lý do",
    "Tháng có sinh hoạt thường kỳ",
    "Tháng không sinh hoạt",
    "Đăng ký đúng hạn",
    "Đăng ký muộn",
    "Chất lượng sinh hoạt cả năm",
    "Buổi được xác nhận điểm",
    "Tỷ lệ dự họp (%)",
    "Số đảng viên",
    "Có chi ủy",
    "Đảng viên được kiểm tra",
    "Chỉ tiêu kiểm tra",
    "Đảng viên xuất sắc",
    "Đảng viên tốt",
    "Đảng viên hoàn thành",
    "Đảng viên không hoàn thành",
    "Tỷ lệ hoàn thành trở lên (%)",
];

fn level_vi(l: Option<Level>) -> &'static str {
    l.map_or("", Level::label_vi)
}

/// The year's workbook: members, cells with every figure behind their
/// classification, inspections with each cell's done/target; Vietnamese
/// headers, numbers as numbers.
pub fn workbook(r: &YearRecords) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let names: HashMap<OrgId, &str> = r
        .review
        .cells
        .iter()
        .map(|c| (c.cell_id, c.cell_name.as_str()))
        .collect();
    let cell_name = |id: OrgId| names.get(&id).copied().unwrap_or("");

    let sheet = book.add_worksheet().set_name(SHEETS[0])?;
    let heads = [
        "Họ và tên",
        "Chi bộ",
        "Tự xếp loại",
        "Chi bộ đề xuất",
        "Cấp ủy quyết định",
        "Điểm tự đánh giá",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (n, m) in r.members.iter().enumerate() {
        let line = u32_of(n + 1);
        sheet.write_string(line, 0, &m.name)?;
        sheet.write_string(line, 1, cell_name(m.cell))?;
        sheet.write_string(line, 2, level_vi(m.self_level))?;
        sheet.write_string(line, 3, level_vi(m.proposed_level))?;
        sheet.write_string(line, 4, level_vi(m.decided_level))?;
        if let Some(t) = m.self_points_tenths {
            sheet.write_number(line, 5, t as f64 / 10.0)?;
        }
    }

    let sheet = book.add_worksheet().set_name(SHEETS[1])?;
    for (c, h) in CELL_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (n, c) in r.review.cells.iter().enumerate() {
        let line = u32_of(n + 1);
        let f = &c.figures;
        let d = c.decision.as_ref();
        sheet.write_string(line, 0, &c.cell_name)?;
        sheet.write_string(line, 1, &c.parent_name)?;
        sheet.write_string(line, 2, c.computed.level.label_vi())?;
        sheet.write_string(line, 3, level_vi(d.map(|d| d.level)))?;
        sheet.write_string(line, 4, d.map_or("", |d| d.reason.as_str()))?;
        let numbers: [(u16, Option<f64>); 14] = [
            (5, Some(f64::from(f.months_held))),
            (6, Some(f64::from(f.months_without_regular))),
            (7, Some(f64::from(f.registered_on_time))),
            (8, Some(f64::from(f.registered_late))),
            (10, Some(f64::from(f.scored_meetings))),
            (11, f.attendance_permille.map(|p| f64::from(p) / 10.0)),
            (12, Some(f64::from(f.members))),
            (14, Some(f64::from(f.inspections_done))),
            (15, Some(f64::from(f.inspections_target))),
            (16, Some(f64::from(f.ratings[0]))),
            (17, Some(f64::from(f.ratings[1]))),
            (18, Some(f64::from(f.ratings[2]))),
            (19, Some(f64::from(f.ratings[3]))),
            (
                20,
                f.complete_or_better_permille().map(|p| f64::from(p) / 10.0),
            ),
        ];
        for (col, v) in numbers {
            if let Some(v) = v {
                sheet.write_number(line, col, v)?;
            }
        }
        sheet.write_string(line, 9, f.year_band.map_or("", Band::label_vi))?;
        sheet.write_string(line, 13, if f.has_committee { "Có" } else { "Không" })?;
    }

    let sheet = book.add_worksheet().set_name(SHEETS[2])?;
    let heads = [
        "Chi bộ",
        "Đảng viên",
        "Nội dung",
        "Từ ngày",
        "Đến ngày",
        "Ngày kết luận",
        "Kết luận",
        "Theo dõi, xử lý sau kiểm tra",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut line = 1u32;
    for i in &r.inspections {
        sheet.write_string(line, 0, cell_name(i.cell))?;
        sheet.write_string(line, 1, &i.member_name)?;
        sheet.write_string(line, 2, &i.content)?;
        sheet.write_string(line, 3, date(i.period_from))?;
        sheet.write_string(line, 4, date(i.period_to))?;
        sheet.write_string(line, 5, date(i.concluded_on))?;
        sheet.write_string(line, 6, &i.conclusion)?;
        sheet.write_string(line, 7, &i.follow_up)?;
        line += 1;
    }
    // Each cell's count against its target, below the list.
    line += 1;
    sheet.write_string_with_format(line, 0, "Chi bộ", &bold)?;
    sheet.write_string_with_format(line, 1, "Đã kiểm tra", &bold)?;
    sheet.write_string_with_format(line, 2, "Chỉ tiêu", &bold)?;
    sheet.write_string_with_format(line, 3, "Đạt chỉ tiêu", &bold)?;
    for c in &r.review.cells {
        line += 1;
        let f = &c.figures;
        sheet.write_string(line, 0, &c.cell_name)?;
        sheet.write_number(line, 1, f64::from(f.inspections_done))?;
        sheet.write_number(line, 2, f64::from(f.inspections_target))?;
        sheet.write_string(
            line,
            3,
            if f.inspections_met() {
                "Đạt"
            } else {
                "Chưa đạt"
            },
        )?;
    }
    book.save_to_buffer()
}
