//! The table of cell-months: what it may be filtered on, and its sorting.

use super::*;

/// What the table may be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    All,
    /// Over, and no regular meeting held.
    Missing,
    /// Registered late.
    Late,
    Held,
    /// Quarter judged without a thematic meeting.
    NoThematic,
    NotVisited,
    /// A visit report filed late or missing.
    ReportLate,
    OpenRecommendations,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 8] = [
        StatusFilter::All,
        StatusFilter::Missing,
        StatusFilter::Late,
        StatusFilter::Held,
        StatusFilter::NoThematic,
        StatusFilter::NotVisited,
        StatusFilter::ReportLate,
        StatusFilter::OpenRecommendations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Missing => "missing",
            StatusFilter::Late => "late",
            StatusFilter::Held => "held",
            StatusFilter::NoThematic => "no_thematic",
            StatusFilter::NotVisited => "not_visited",
            StatusFilter::ReportLate => "report_late",
            StatusFilter::OpenRecommendations => "open_recommendations",
        }
    }

    pub fn parse(s: &str) -> StatusFilter {
        StatusFilter::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or_default()
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            StatusFilter::All => "Tất cả",
            StatusFilter::Missing => "Không sinh hoạt",
            StatusFilter::Late => "Đăng ký muộn",
            StatusFilter::Held => "Đã họp",
            StatusFilter::NoThematic => "Thiếu chuyên đề trong quý",
            StatusFilter::NotVisited => "Chưa được dự",
            StatusFilter::ReportLate => "Báo cáo dự muộn hoặc chưa nộp",
            StatusFilter::OpenRecommendations => "Còn kiến nghị chưa xong",
        }
    }

    pub fn matches(self, r: &CellMonth) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::Missing => r.status == SlotStatus::Missing,
            StatusFilter::Late => r.registered_on_time == Some(false),
            StatusFilter::Held => r.held,
            StatusFilter::NoThematic => r.thematic == Some(false),
            StatusFilter::NotVisited => r.visits == 0,
            StatusFilter::ReportLate => r.has_late_report(),
            StatusFilter::OpenRecommendations => r.open_recommendations > 0,
        }
    }
}

/// The dashboard's filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Filter {
    /// Only cells below this organization row (any depth); `None`: all.
    pub org: Option<u32>,
    /// Only this month; `None`: every month of the period.
    pub month: Option<YearMonth>,
    pub status: StatusFilter,
}

/// Whether the cell row `cell` sits below the organization row `org`.
pub fn cell_under(f: &OversightFacts, cell: u32, org: u32) -> bool {
    let mut at = f.cells.org.get(idx(cell)).copied();
    let mut steps = 0;
    while let Some(o) = at {
        if o == org {
            return true;
        }
        steps += 1;
        if steps > f.orgs.id.len() {
            return false;
        }
        at = f.orgs.parent.get(idx(o)).copied().flatten();
    }
    false
}

/// The rows the filter keeps (indexes into `rows`).
pub fn filter(f: &OversightFacts, rows: &[CellMonth], filter: &Filter) -> Vec<u32> {
    let under: Option<Vec<bool>> = filter.org.map(|o| {
        (0..f.cells.id.len())
            .map(|c| cell_under(f, u32_of(c), o))
            .collect()
    });
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            under
                .as_ref()
                .is_none_or(|u| u.get(idx(r.cell)).copied().unwrap_or(false))
                && filter.month.is_none_or(|m| m == r.month)
                && filter.status.matches(r)
        })
        .map(|(i, _)| u32_of(i))
        .collect()
}

/// A column of the table, to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Cell,
    Organization,
    Month,
    Status,
    Registered,
    Held,
    Thematic,
    Attendance,
    Spoke,
    CellScore,
    UpperScore,
    Visits,
    ReportsOnTime,
    Recommendations,
}

impl Column {
    pub const ALL: [Column; 14] = [
        Column::Cell,
        Column::Organization,
        Column::Month,
        Column::Status,
        Column::Registered,
        Column::Held,
        Column::Thematic,
        Column::Attendance,
        Column::Spoke,
        Column::CellScore,
        Column::UpperScore,
        Column::Visits,
        Column::ReportsOnTime,
        Column::Recommendations,
    ];

    /// The header, in Vietnamese (the screen's and the workbook's).
    pub fn label_vi(self) -> &'static str {
        match self {
            Column::Cell => "Chi bộ",
            Column::Organization => "Trực thuộc",
            Column::Month => "Tháng",
            Column::Status => "Tình trạng",
            Column::Registered => "Đăng ký đúng hạn",
            Column::Held => "Đã họp",
            Column::Thematic => "Chuyên đề trong quý",
            Column::Attendance => "Tỷ lệ dự họp (%)",
            Column::Spoke => "Tỷ lệ phát biểu (%)",
            Column::CellScore => "Điểm chi bộ",
            Column::UpperScore => "Điểm cấp trên",
            Column::Visits => "Lượt cấp trên dự",
            Column::ReportsOnTime => "Báo cáo đúng hạn",
            Column::Recommendations => "Kiến nghị chưa xong",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Column::Cell => "Cell",
            Column::Organization => "Under",
            Column::Month => "Month",
            Column::Status => "Status",
            Column::Registered => "Registered on time",
            Column::Held => "Held",
            Column::Thematic => "Thematic in quarter",
            Column::Attendance => "Attendance (%)",
            Column::Spoke => "Spoke (%)",
            Column::CellScore => "Cell score",
            Column::UpperScore => "Upper-level score",
            Column::Visits => "Visits",
            Column::ReportsOnTime => "Reports on time",
            Column::Recommendations => "Open proposals",
        }
    }
}

fn status_rank(s: SlotStatus) -> u8 {
    match s {
        SlotStatus::Missing => 0,
        SlotStatus::Cancelled => 1,
        SlotStatus::Open => 2,
        SlotStatus::Late => 3,
        SlotStatus::OnTime => 4,
        SlotStatus::Held => 5,
    }
}

fn cell_name<'a>(f: &'a OversightFacts, r: &CellMonth) -> &'a str {
    f.cells.name.get(idx(r.cell)).map_or("", String::as_str)
}

fn org_name<'a>(f: &'a OversightFacts, r: &CellMonth) -> &'a str {
    f.cells
        .org
        .get(idx(r.cell))
        .and_then(|o| f.orgs.name.get(idx(*o)))
        .map_or("", String::as_str)
}

fn sort_key(r: &CellMonth, by: Column) -> i64 {
    let opt = |v: Option<u32>| v.map_or(-1, i64::from);
    match by {
        Column::Cell | Column::Organization => 0,
        Column::Month => r.month.index(),
        Column::Status => i64::from(status_rank(r.status)),
        Column::Registered => r.registered_on_time.map_or(-1, i64::from),
        Column::Held => i64::from(r.held),
        Column::Thematic => r.thematic.map_or(-1, i64::from),
        Column::Attendance => opt(r.attendance_permille),
        Column::Spoke => opt(r.spoke_permille),
        Column::CellScore => opt(r.cell_tenths),
        Column::UpperScore => opt(r.upper_tenths),
        Column::Visits => i64::from(r.visits),
        Column::ReportsOnTime => i64::from(r.reports_on_time),
        Column::Recommendations => i64::from(r.open_recommendations),
    }
}

/// Sorts the kept rows by a column (then by cell name and month); empty
/// values come first in ascending order.
pub fn sort(f: &OversightFacts, rows: &[CellMonth], kept: &mut [u32], by: Column, ascending: bool) {
    // Indexes come from `filter` over the same rows.
    kept.sort_by(|a, b| {
        let (ra, rb) = (&rows[idx(*a)], &rows[idx(*b)]);
        let primary = match by {
            Column::Cell => cell_name(f, ra).cmp(cell_name(f, rb)),
            Column::Organization => org_name(f, ra).cmp(org_name(f, rb)),
            _ => sort_key(ra, by).cmp(&sort_key(rb, by)),
        };
        let primary = if ascending {
            primary
        } else {
            primary.reverse()
        };
        primary
            .then_with(|| cell_name(f, ra).cmp(cell_name(f, rb)))
            .then_with(|| ra.month.cmp(&rb.month))
            .then_with(|| ra.cell.cmp(&rb.cell))
    });
}
