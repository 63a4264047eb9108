//! A cell's year of meetings: registered, held, missing or cancelled, with outcomes, scores and, for some, the live record.

use super::*;

impl Generator {
    /// A cell's twelve months: the regular meeting most months, a thematic
    /// one most quarters, each held (outcome, score), missing or cancelled.
    pub(super) fn year_of(
        &mut self,
        rng: &mut Rng,
        cell: &mut Cell,
        confirmer: i64,
        records: bool,
    ) {
        let q = cell.quality;
        let lead = self.rules.schedule.registration_lead_days.value;
        let usual_day = rng.range(3, 12);
        let usual_hour = if rng.chance(0.5) { 8 } else { 14 };
        for back in (1..=12).rev() {
            let first = month_back(self.end, back);
            let mut kinds = vec![MeetingKind::Regular];
            // The thematic meeting: in one month of most quarters.
            if first.month() % 3 == (usual_day as u32 % 3) && rng.chance(0.55 + 0.4 * q) {
                kinds.push(MeetingKind::Thematic);
            }
            for kind in kinds {
                let missing = rng.chance(0.02 + 0.1 * (1.0 - q));
                let cancelled = missing && rng.chance(0.3);
                if missing && !cancelled {
                    continue;
                }
                let offset = if kind == MeetingKind::Thematic { 12 } else { 0 };
                let d = plus_days(first, usual_day - 1 + offset + rng.range(-2, 2));
                let starts_at = at(d, usual_hour, 0);
                let late = rng.chance(0.05 + 0.3 * (1.0 - q));
                let deadline = registration_deadline(d, lead);
                // Late, but never on the day itself.
                let registered_on = if late && lead >= 2 {
                    plus_days(deadline, rng.range(1, i64::from(lead) - 1))
                } else {
                    plus_days(deadline, -rng.range(0, 10))
                };
                let registered_at = at(registered_on, rng.range(8, 16) as u32, 30);
                let mode = if records || rng.chance(0.8) {
                    MeetingMode::InPerson
                } else if rng.chance(0.7) {
                    MeetingMode::Hybrid
                } else {
                    MeetingMode::Online
                };
                let title = match kind {
                    MeetingKind::Regular => format!(
                        "Sinh hoạt chi bộ thường kỳ tháng {}/{}",
                        d.month(),
                        d.year()
                    ),
                    _ => format!("Sinh hoạt chuyên đề: {}", rng.pick(&THEMES)),
                };
                let secretary = cell.members.get(1).unwrap_or(&cell.members[0]).0;
                let draft = MeetingDraft {
                    kind,
                    title,
                    starts_at,
                    mode,
                    place: if mode == MeetingMode::Online {
                        String::new()
                    } else {
                        format!("Phòng họp tầng {}", rng.range(1, 9))
                    },
                    video_link: if mode == MeetingMode::InPerson {
                        String::new()
                    } else {
                        format!("https://hop.example.vn/chibo-{}", cell.id)
                    },
                    chair_id: Some(MemberId(cell.members[0].0)),
                    secretary_id: Some(MemberId(secretary)),
                    agenda: shared::meeting::standard_agenda(kind),
                };
                let id = Ids::take(&mut self.ids.meeting);
                self.summary.meetings += 1;
                if cancelled {
                    self.rows.meetings.push(BulkMeeting {
                        id,
                        cell: cell.id,
                        draft,
                        status: MeetingStatus::Scheduled.as_str(),
                        registered_at,
                        cancelled: Some((
                            (registered_at + chrono::Duration::hours(1)).max(at(
                                plus_days(d, -1),
                                17,
                                0,
                            )),
                            "Trùng lịch công tác đột xuất của cơ quan.".into(),
                        )),
                    });
                    continue;
                }
                let meeting = Meeting {
                    id: MeetingId(id),
                    cell_id: shared::OrgId(cell.id),
                    registered_at,
                    status: MeetingStatus::Closed,
                    draft,
                    cancelled: None,
                    rescheduled: None,
                    late_documents: None,
                };
                let score = self.hold(rng, cell, &meeting, confirmer, records);
                cell.held.push((id, starts_at, score));
                self.rows.meetings.push(BulkMeeting {
                    id,
                    cell: cell.id,
                    draft: meeting.draft,
                    status: MeetingStatus::Closed.as_str(),
                    registered_at,
                    cancelled: None,
                });
            }
        }
    }

    /// A held meeting: attendance, speakers, length, its record when asked,
    /// its outcome row and its score. Returns the proposed total in tenths.
    fn hold(
        &mut self,
        rng: &mut Rng,
        cell: &Cell,
        meeting: &Meeting,
        confirmer: i64,
        record: bool,
    ) -> Option<i64> {
        let q = cell.quality;
        let starts_at = meeting.draft.starts_at;
        let d = starts_at.date();
        let roll: Vec<RosterEntry> = cell
            .members
            .iter()
            .map(|(id, m)| RosterEntry {
                member_id: MemberId(*id),
                full_name: m.full_name.clone(),
                status: m.status,
                attached_elsewhere: false,
            })
            .collect();
        let online = meeting.draft.mode != MeetingMode::InPerson;
        let marks: Vec<AttendanceMark> = cell
            .members
            .iter()
            .enumerate()
            .map(|(pos, (id, m))| {
                let presence = if pos < 2 {
                    Presence::InPerson
                } else if m.status == PartyStatus::Exempted && rng.chance(0.8) {
                    Presence::AbsentWithReason
                } else if rng.chance(0.82 + 0.16 * q) {
                    if online && rng.chance(0.4) {
                        Presence::Online
                    } else {
                        Presence::InPerson
                    }
                } else if rng.chance(0.75) {
                    Presence::AbsentWithReason
                } else {
                    Presence::AbsentWithoutReason
                };
                let mut mark = AttendanceMark::new(MemberId(*id), presence);
                if presence == Presence::AbsentWithReason {
                    mark.reason = if m.status == PartyStatus::Exempted {
                        "Miễn sinh hoạt".into()
                    } else {
                        "Đi công tác".into()
                    };
                }
                mark
            })
            .collect();
        let present: Vec<MemberId> = marks
            .iter()
            .filter(|m| m.presence.is_present())
            .map(|m| m.member_id)
            .collect();
        let share = 0.35 + 0.55 * q * rng.unit().max(0.5);
        let speaking = ((present.len() as f64 * share).round() as usize).clamp(1, present.len());
        let speakers: Vec<MemberId> = present.iter().take(speaking).copied().collect();
        let minutes = if rng.chance(0.08 + 0.1 * (1.0 - q)) {
            rng.range(60, 89)
        } else {
            let min = if meeting.draft.kind == MeetingKind::Combined {
                120
            } else {
                90
            };
            rng.range(min, min + 45)
        };
        let figures_of = figures(&roll, &marks, &self.rules.meeting_rules().attendance);
        let mut facts = MeetingFacts {
            kind: meeting.draft.kind,
            expected: 0,
            present: 0,
            absent_without_reason: 0,
            minutes_long: minutes as u32,
            speakers: speakers.len() as u32,
            draft_resolution_prepared: true,
            resolution_voted: true,
            minutes_complete: true,
            registered_for: Some(d),
            held_on: d,
            registered_on: Some(meeting.registered_at.date()),
            registration_deadline: Some(registration_deadline(
                d,
                self.rules.schedule.registration_lead_days.value,
            )),
            documents: 0,
            documents_late: 0,
            tasks_reviewed: true,
            previous_tasks: 0,
        }
        .with_attendance(&figures_of);
        if record {
            let chair_account = cell.secretary_account;
            if let Some(from_record) =
                self.record(meeting, roll, &marks, &speakers, minutes, chair_account)
            {
                facts = from_record;
            }
        }
        self.summary.held += 1;
        self.rows.outcomes.push(BulkOutcome {
            meeting: meeting.id.0,
            cell: cell.id,
            held_on: d,
            expected: i64::from(figures_of.expected),
            present: i64::from(figures_of.present),
            excused: i64::from(figures_of.absent_with_reason),
            absent: i64::from(figures_of.absent_without_reason),
            speakers: speakers.len() as i64,
            duration_minutes: minutes,
        });
        // Most meetings are scored; a few never are.
        if rng.chance(0.04 + 0.08 * (1.0 - q)) {
            return None;
        }
        let cell_entries = self.entries(rng, q);
        let proposed_on = plus_days(d, rng.range(0, 3));
        if proposed_on >= self.end {
            return None;
        }
        let proposed = self.basis.score(&facts, &cell_entries, None).ok()?;
        let proposed_tenths = i64::from(proposed.final_total.as_tenths());
        let confirmed_on = plus_days(proposed_on, rng.range(1, 12));
        let upper = if confirmed_on < self.end && rng.chance(0.9) {
            let (entries, reason) = if rng.chance(0.2) {
                (
                    self.lowered(rng, &cell_entries),
                    "Phần thảo luận chưa sâu; chưa cụ thể hóa nhiệm vụ tháng tới.".to_string(),
                )
            } else {
                (cell_entries.clone(), String::new())
            };
            let scored = self
                .basis
                .score(&facts, &cell_entries, Some(&entries))
                .ok()?;
            Some(BulkUpper {
                entries: serde_json::to_string(&entries).ok()?,
                reason,
                by: confirmer,
                at: at(confirmed_on, 10, 15),
                final_tenths: i64::from(scored.final_total.as_tenths()),
                final_band: scored.final_band.as_str(),
            })
        } else {
            None
        };
        self.rows.scores.push(BulkScore {
            meeting: meeting.id.0,
            rules_name: self.basis.rules_name.clone(),
            rules_version: i64::from(self.basis.rules_version),
            basis: self.basis_json.clone(),
            cell_entries: serde_json::to_string(&cell_entries).ok()?,
            proposed_by: cell.secretary_account,
            proposed_at: at(proposed_on, 16, 0),
            proposed_tenths,
            upper,
        });
        Some(proposed_tenths)
    }

    /// The cell's points for the criteria the record does not decide: near
    /// the maximum in a good cell, lower in a weak one, in halves.
    fn entries(&self, rng: &mut Rng, q: f64) -> Entries {
        self.basis
            .sheet
            .criteria()
            .filter(|c| c.computed.is_none())
            .map(|c| {
                let max = c.max.as_tenths();
                let share = (0.55 + 0.45 * q + 0.15 * (rng.unit() - 0.5)).clamp(0.3, 1.0);
                let halves = ((f64::from(max) * share) / 5.0).round() as u32;
                (c.key.clone(), Points::tenths((halves * 5).min(max)))
            })
            .collect()
    }

    /// The upper level's change: one criterion lowered by a point or two.
    fn lowered(&self, rng: &mut Rng, cell: &Entries) -> Entries {
        let mut out = cell.clone();
        let keys: Vec<String> = out.keys().cloned().collect();
        if let Some(p) = out.get_mut(rng.pick(&keys)) {
            let cut = rng.range(5, 20) as u32;
            *p = Points::tenths(p.as_tenths().saturating_sub(cut));
        }
        out
    }

    /// The meeting's live record, made as the room makes it: the chair opens,
    /// marks everyone, gives the floor to each speaker, puts the resolution
    /// to a show of hands, concludes, has the minutes adopted and closes.
    /// Returns the facts the record gives, or `None` (and no record) if the
    /// rules refused a step.
    fn record(
        &mut self,
        meeting: &Meeting,
        roll: Vec<RosterEntry>,
        marks: &[AttendanceMark],
        speakers: &[MemberId],
        minutes: i64,
        account: i64,
    ) -> Option<MeetingFacts> {
        let chair = Speaker::Member(meeting.draft.chair_id?);
        let mut state = LiveState::new(
            meeting.id,
            Setup {
                agenda: meeting.draft.agenda.clone(),
                rules: self.rules.meeting_rules(),
                roll: roll.clone(),
                chair: meeting.draft.chair_id,
                secretary: meeting.draft.secretary_id,
                starts_at: Some(meeting.draft.starts_at),
                excused: Vec::new(),
            },
        );
        let t0 = meeting.draft.starts_at;
        let minute = |m: i64| t0 + chrono::Duration::minutes(m);
        let mut script: Vec<(Command, NaiveDateTime)> = vec![(
            Command::Open {
                confirm_early: true,
            },
            t0,
        )];
        for m in marks {
            script.push((Command::Mark { mark: m.clone() }, minute(1)));
        }
        let talk = (minutes - 20).max(1);
        let step = talk / (speakers.len() as i64 + 1);
        for (i, s) in speakers.iter().enumerate() {
            let from = 10 + step * i as i64;
            script.push((
                Command::GiveFloor {
                    speaker: Speaker::Member(*s),
                },
                minute(from),
            ));
            script.push((Command::EndFloor, minute(from + step.max(1) - 1)));
        }
        script.push((
            Command::OpenVote {
                kind: VoteKind::Resolution,
                ballot: Ballot::Open,
                question: "Thông qua nghị quyết tháng".into(),
            },
            minute(minutes - 8),
        ));
        let full = roll
            .iter()
            .filter(|r| r.status == PartyStatus::Full || r.status == PartyStatus::Exempted);
        for r in full {
            if marks
                .iter()
                .any(|m| m.member_id == r.member_id && m.presence == Presence::InPerson)
            {
                script.push((
                    Command::RecordBallot {
                        vote: 0,
                        member: r.member_id,
                        choice: shared::live::state::Choice::InFavour,
                    },
                    minute(minutes - 7),
                ));
            }
        }
        script.push((Command::CloseVote { vote: 0 }, minute(minutes - 5)));
        script.push((
            Command::Conclude {
                text: "Chi bộ thống nhất đánh giá kết quả tháng và nhiệm vụ tháng tới.".into(),
            },
            minute(minutes - 3),
        ));
        script.push((Command::AdoptMinutes, minute(minutes - 1)));
        script.push((Command::Close, minute(minutes)));
        let mut hash = chain::GENESIS.to_string();
        let mut events = Vec::with_capacity(script.len() + 4);
        for (i, (command, now)) in script.iter().enumerate() {
            let decided = match decide(&state, chair, command, *now) {
                Ok(e) => e,
                // A show of hands that cannot pass is not held; the rest stands.
                Err(_) if !matches!(command, Command::Open { .. } | Command::Close) => continue,
                Err(e) => {
                    tracing::warn!(meeting = meeting.id.0, ?e, "demo record refused");
                    return None;
                }
            };
            for e in decided {
                apply(&mut state, &e);
                let payload = serde_json::to_string(&e).ok()?;
                hash = chain::link(&hash, meeting.id.0, state.seq, &payload);
                events.push(BulkEvent {
                    meeting: meeting.id.0,
                    seq: i64::try_from(state.seq).ok()?,
                    command_key: format!("demo-{i}"),
                    account,
                    payload,
                    hash: hash.clone(),
                    recorded_at: *now,
                });
            }
        }
        let facts = shared::scoring::facts_of(&state, meeting, &[], 0, &self.rules.schedule)?;
        self.summary.events += events.len();
        self.rows.events.extend(events);
        Some(facts)
    }
}
