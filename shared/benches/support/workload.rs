//! The synthetic bloc both timings run: `benches/rules.rs` natively (criterion) and
//! `tests/wasm_bench.rs` in the browser. Deterministic (a small LCG), so both runs
//! compute the same answers and can compare digests. Fictional data only.
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use shared::ids::{MeetingId, MemberId, OrgId};
use shared::meeting::MeetingKind;
use shared::rules::RuleSet;
use shared::rules::attendance::NamedMember;
use shared::rules::rating::{
    Level, Proposal, RatingInput, Subject, TaskCounts, Trigger, check_quota, level,
};
use shared::rules::schedule::{CellMeetings, MeetingEntry, Period, compliance, summarize};
use shared::rules::scoring::{Band, Entries, MeetingFacts, Points, rollup_year, score};

pub const CELLS: usize = 5_000;
pub const MONTHS: u32 = 12;
const YEAR: i32 = 2026;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `pct`%.
    fn chance(&mut self, pct: u32) -> bool {
        self.next() % 100 < pct
    }
}

pub struct Cell {
    pub meetings: CellMeetings,
    /// The regular (and combined) meetings' records, with the index of their typed column.
    pub scored: Vec<(MeetingFacts, usize)>,
}

pub struct Workload {
    pub rules: RuleSet,
    pub period: Period,
    pub today: NaiveDate,
    pub cells: Vec<Cell>,
    /// A few typed columns the meetings share (typed points differ little in practice).
    pub columns: Vec<Entries>,
    pub proposals: Vec<Proposal>,
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, month, day).expect("valid day")
}

/// `cells` cells over `months` months of 2026 (at most 12).
pub fn generate(cells: usize, months: u32) -> Workload {
    let months = months.clamp(1, 12);
    let rules = RuleSet::national_default();
    let mut rng = Lcg(0x5EED_C0DE);
    let manual: Vec<(String, Points)> = rules
        .meeting_sheet
        .criteria()
        .filter(|c| c.computed.is_none())
        .map(|c| (c.key.clone(), c.max))
        .collect();
    let columns: Vec<Entries> = (0..4u32)
        .map(|v| {
            manual
                .iter()
                .enumerate()
                .map(|(i, (k, max))| {
                    let off = if (i as u32 + v).is_multiple_of(3) {
                        v * 5
                    } else {
                        0
                    };
                    (
                        k.clone(),
                        Points::tenths(max.as_tenths().saturating_sub(off)),
                    )
                })
                .collect()
        })
        .collect();

    let mut out = Vec::with_capacity(cells);
    let mut proposals = Vec::new();
    for c in 0..cells {
        let cell_id = OrgId(c as i64 + 1);
        let members = rng.range(8, 25);
        let member = |i: u32| NamedMember {
            member_id: MemberId(cell_id.0 * 100 + i64::from(i)),
            full_name: format!("Đảng viên {i}"),
        };
        let mut meetings = Vec::new();
        let mut scored = Vec::new();
        for m in 1..=months {
            if rng.chance(1) {
                continue; // a month without a regular meeting
            }
            let held = date(m, rng.range(3, 25));
            let kind = if m % 3 == 0 && rng.chance(20) {
                MeetingKind::Combined
            } else {
                MeetingKind::Regular
            };
            let absent: Vec<NamedMember> = if rng.chance(5) {
                vec![member(rng.range(0, 2))]
            } else {
                vec![]
            };
            // Most cells keep the rules; a few meetings are short or registered late.
            let minutes = match (rng.chance(2), kind) {
                (true, _) => rng.range(70, 89),
                (false, MeetingKind::Combined) => rng.range(120, 180),
                (false, _) => rng.range(90, 150),
            };
            let lead = if rng.chance(2) {
                rng.range(0, 2)
            } else {
                rng.range(3, 14)
            };
            let present = members - rng.range(0, 3).min(members);
            meetings.push(MeetingEntry {
                meeting_id: MeetingId(cell_id.0 * 100 + i64::from(m)),
                kind,
                registered_on: held.checked_sub_days(Days::new(u64::from(lead))),
                scheduled_for: Some(if rng.chance(5) {
                    held.pred_opt().unwrap()
                } else {
                    held
                }),
                held_on: Some(held),
                minutes_long: Some(minutes),
                absent_without_reason: absent.clone(),
                cancelled: false,
            });
            scored.push((
                MeetingFacts {
                    kind,
                    expected: members,
                    present,
                    absent_without_reason: absent.len() as u32,
                    minutes_long: minutes,
                    speakers: rng.range(present / 3, present),
                    draft_resolution_prepared: rng.chance(92),
                    resolution_voted: rng.chance(97),
                    minutes_complete: rng.chance(90),
                    registered_for: Some(held),
                    held_on: held,
                    registered_on: held.checked_sub_days(chrono::Days::new(10)),
                    registration_deadline: held.checked_sub_days(chrono::Days::new(7)),
                    documents: 1,
                    documents_late: 0,
                    tasks_reviewed: true,
                    previous_tasks: 0,
                },
                rng.range(0, 3) as usize,
            ));
        }
        for q in 0..months.div_ceil(3) {
            if rng.chance(97) {
                let month = (q * 3 + 2).min(months);
                let held = date(month, rng.range(26, 28));
                meetings.push(MeetingEntry {
                    meeting_id: MeetingId(cell_id.0 * 100 + 50 + i64::from(q)),
                    kind: MeetingKind::Thematic,
                    registered_on: held.checked_sub_days(Days::new(7)),
                    scheduled_for: Some(held),
                    held_on: Some(held),
                    minutes_long: Some(rng.range(90, 130)),
                    absent_without_reason: vec![],
                    cancelled: false,
                });
            }
        }
        out.push(Cell {
            meetings: CellMeetings {
                cell_id,
                cell_name: format!("Chi bộ {}", c + 1),
                meetings,
            },
            scored,
        });
        for i in 0..members {
            let mut input = RatingInput {
                points: Points::tenths(rng.range(450, 1000)),
                tasks: TaskCounts {
                    total: 10,
                    late: if rng.chance(80) { 0 } else { rng.range(1, 3) },
                    exceeded: rng.range(0, 5),
                },
                targets: None,
                triggers: vec![],
            };
            if rng.chance(2) {
                input.triggers.push(Trigger::DisciplinedInYear);
            }
            let allowed = level(&rules.member_rating.value, &input);
            // Some cells propose one level better than the appraisal allows.
            let proposed = if rng.chance(5) && allowed != Level::Excellent {
                Level::ALL[allowed as usize - 1]
            } else {
                allowed
            };
            proposals.push(Proposal {
                subject: Subject::Member(member(i).member_id),
                name: member(i).full_name,
                grassroots_id: OrgId(1_000_000 + (c / 5) as i64),
                proposed,
                input: Some(input),
            });
        }
    }
    Workload {
        rules,
        period: Period::year(YEAR),
        today: date(12, 31).succ_opt().unwrap(),
        cells: out,
        columns,
        proposals,
    }
}

/// What one run found: equal natively and in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Digest {
    pub compliant_cells: u32,
    pub months_without_regular: u32,
    pub late_registrations: u32,
    pub short_meetings: u32,
    pub repeated_absences: u32,
    pub meeting_bands: [u32; 4],
    pub yearly_bands: [u32; 4],
    pub points_tenths: u64,
    pub quota_breaches: u32,
    pub issues: u32,
    pub levels: [u32; 4],
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "compliant={} missed={} late={} short={} absences={} bands={:?} yearly={:?} points={} quota={} issues={} levels={:?}",
            self.compliant_cells,
            self.months_without_regular,
            self.late_registrations,
            self.short_meetings,
            self.repeated_absences,
            self.meeting_bands,
            self.yearly_bands,
            self.points_tenths,
            self.quota_breaches,
            self.issues,
            self.levels
        )
    }
}

/// Compliance, scoring (with the yearly roll-up) and rating over the whole bloc.
pub fn run(w: &Workload) -> Digest {
    let rules = &w.rules;
    let mut d = Digest::default();
    let mut compliances = Vec::with_capacity(w.cells.len());
    let mut bands: Vec<Band> = Vec::with_capacity(12);
    for cell in &w.cells {
        let c = compliance(&cell.meetings, w.period, w.today, &rules.schedule);
        bands.clear();
        for (facts, col) in &cell.scored {
            let s =
                score(rules, facts, &w.columns[*col], None).expect("generated columns are valid");
            d.points_tenths += u64::from(s.final_total.as_tenths());
            d.meeting_bands[s.final_band as usize] += 1;
            bands.push(s.final_band);
        }
        let missed = c.months_without_regular.len() as u32;
        let y = rollup_year(&rules.yearly_meetings, &bands, missed);
        d.yearly_bands[y.band as usize] += 1;
        compliances.push(c);
    }
    let s = summarize(&compliances);
    d.compliant_cells = s.compliant_cells;
    d.months_without_regular = s.months_without_regular;
    d.late_registrations = s.late_registrations;
    d.short_meetings = s.short_meetings;
    d.repeated_absences = s.repeated_absences;
    let q = check_quota(&w.proposals, rules);
    d.quota_breaches = q.groups.iter().filter(|g| !g.within).count() as u32;
    d.issues = q.issues.len() as u32;
    for (i, l) in q.shares.levels.iter().enumerate() {
        d.levels[i] = l.count;
    }
    d
}
