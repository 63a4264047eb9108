//! `decide`: a command checked against the state, turned into events.

use super::*;

fn text(s: &str, max: usize) -> Result<String, Refusal> {
    let cleaned = crate::text::clean(s);
    let t = cleaned.trim();
    if t.is_empty() {
        return Err(Refusal::EmptyText);
    }
    if t.chars().count() > max {
        return Err(Refusal::TextTooLong { max });
    }
    Ok(t.to_string())
}

/// Checks a command against the state; gives the events it produces. The
/// speaker's powers come from the state (`LiveState::caller`).
pub fn decide(
    state: &LiveState,
    speaker: Speaker,
    command: &Command,
    now: NaiveDateTime,
) -> Result<Vec<Event>, Refusal> {
    use Command as C;
    let caller = state.caller(speaker);
    let chair_only = || {
        if caller.is_chair {
            Ok(())
        } else {
            Err(Refusal::ChairOnly)
        }
    };
    let secretary_or_chair = || {
        if caller.is_chair || caller.is_secretary {
            Ok(())
        } else {
            Err(Refusal::SecretaryOnly)
        }
    };
    // Who may speak or be written in: a member marked present, a visitor
    // whose arrival is recorded.
    let present = |who: Speaker| match who {
        _ if state.is_present(who) => Ok(()),
        Speaker::Visitor(_) => Err(Refusal::VisitorNotArrived),
        Speaker::Member(m) => {
            state.roll_entry(m).ok_or(Refusal::NotOnRoll)?;
            Err(Refusal::NotPresent)
        }
    };
    let open_vote = |vote: usize| {
        let record = state.votes.get(vote).ok_or(Refusal::NoSuchVote {
            vote: vote.saturating_add(1),
        })?;
        if record.closed_at.is_some() {
            return Err(Refusal::VoteClosed);
        }
        Ok(record)
    };
    match state.phase {
        Phase::Closed => return Err(Refusal::Closed),
        Phase::NotStarted if !matches!(command, C::Open { .. }) => {
            return Err(Refusal::NotStarted);
        }
        Phase::InProgress if matches!(command, C::Open { .. }) => {
            return Err(Refusal::AlreadyStarted);
        }
        _ => {}
    }
    // Adopted minutes say what happened until then: nothing the record holds
    // may change after (the floor may end, hands go down, the chair closes).
    if state.minutes_adopted_at.is_some()
        && !matches!(
            command,
            C::Close | C::EndFloor | C::MuteFloor { .. } | C::WithdrawHand | C::AdoptMinutes
        )
    {
        return Err(Refusal::Adopted);
    }
    let mut events = Vec::new();
    match command {
        C::Open { confirm_early } => {
            chair_only()?;
            if let Some(starts_at) = state.starts_at
                && !confirm_early
                && starts_at - now > chrono::Duration::minutes(OPENS_EARLY_MINUTES)
            {
                return Err(Refusal::OpensEarly {
                    starts_at: starts_at.format("%H:%M ngày %d/%m/%Y").to_string(),
                });
            }
            events.push(Event::Opened {
                at: now,
                roll: state.roll.clone(),
                agenda: state.agenda.clone(),
                chair: state.chair,
                secretary: state.secretary,
                rules: Some(Box::new(RecordedRules(state.rules.clone()))),
                // Only members on the roll; each once.
                excused: state
                    .excused
                    .iter()
                    .filter(|m| state.roll_entry(m.member_id).is_some())
                    .cloned()
                    .collect(),
            });
        }
        C::MoveTo { item } => {
            chair_only()?;
            if *item >= state.agenda.len() {
                return Err(Refusal::NoSuchItem {
                    item: item.saturating_add(1),
                });
            }
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::MovedTo {
                item: *item,
                at: now,
            });
        }
        C::VisitorArrives { name } => {
            let Speaker::Visitor(account) = speaker else {
                return Err(Refusal::VisitorsOnly);
            };
            if state.visitor(account).is_none() {
                events.push(Event::VisitorArrived {
                    visitor: Visitor {
                        account,
                        name: text(name, MAX_NAME_CHARS)?,
                        arrived_at: now,
                    },
                });
            }
        }
        C::CheckIn => {
            let Speaker::Member(member) = speaker else {
                return Err(Refusal::VisitorNotOnRoll);
            };
            if state.roll_entry(member).is_none() {
                return Err(Refusal::NotOnRoll);
            }
            // Already present (in the room or online) stays as marked.
            if !state.is_present(speaker) {
                events.push(Event::Marked {
                    mark: AttendanceMark::new(member, Presence::Online),
                    by: speaker,
                });
            }
        }
        C::Mark { mark } => {
            secretary_or_chair()?;
            if state.roll_entry(mark.member_id).is_none() {
                return Err(Refusal::NotOnRoll);
            }
            let mut mark = mark.clone();
            mark.reason = crate::text::clean_trimmed(&mark.reason);
            if mark.reason.chars().count() > MAX_REASON_CHARS {
                return Err(Refusal::TextTooLong {
                    max: MAX_REASON_CHARS,
                });
            }
            let timed = mark.arrived_late_at.is_some() || mark.left_early_at.is_some();
            if timed && !mark.presence.is_present() {
                return Err(Refusal::TimesNeedPresence);
            }
            if let (Some(arrived), Some(left)) = (mark.arrived_late_at, mark.left_early_at)
                && left <= arrived
            {
                return Err(Refusal::LeftBeforeArrived);
            }
            events.push(Event::Marked { mark, by: speaker });
        }
        C::RaiseHand => {
            present(speaker)?;
            if state.queue.contains(&speaker) {
                return Err(Refusal::AlreadyInQueue);
            }
            events.push(Event::HandRaised { speaker, at: now });
        }
        C::WithdrawHand => {
            if !state.queue.contains(&speaker) {
                return Err(Refusal::NotInQueue);
            }
            events.push(Event::HandWithdrawn { speaker });
        }
        C::GiveFloor { speaker: to } => {
            chair_only()?;
            present(*to)?;
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::FloorGiven {
                speaker: *to,
                at: now,
            });
        }
        C::EndFloor => {
            let floor = state.floor.ok_or(Refusal::NobodyHasFloor)?;
            if !(caller.is_chair || floor.speaker == speaker) {
                return Err(Refusal::ChairOnly);
            }
            events.push(Event::FloorEnded { at: now });
        }
        C::MuteFloor { muted } => {
            chair_only()?;
            let floor = state.floor.ok_or(Refusal::NobodyHasFloor)?;
            // Already so: nothing to record.
            if floor.muted != *muted {
                events.push(Event::FloorMuted {
                    muted: *muted,
                    at: now,
                });
            }
        }
        C::Opine {
            text: t,
            on_behalf_of,
        } => {
            let t = text(t, MAX_TEXT_CHARS)?;
            if state.opinions.len() + state.omitted_opinions >= MAX_OPINIONS {
                return Err(Refusal::TooMany);
            }
            let (author, noted_by) = match on_behalf_of {
                Some(author) => {
                    secretary_or_chair()?;
                    (*author, Some(speaker))
                }
                None => (speaker, None),
            };
            present(author)?;
            events.push(Event::Opined {
                opinion: Opinion {
                    item: state.current_item,
                    author,
                    text: t,
                    noted_by,
                    at: now,
                },
            });
        }
        C::OpenVote {
            kind,
            ballot,
            question,
        } => {
            chair_only()?;
            if state.open_vote().is_some() {
                return Err(Refusal::VoteInProgress);
            }
            if state.votes.len() >= MAX_VOTES {
                return Err(Refusal::TooMany);
            }
            let question = text(question, MAX_QUESTION_CHARS)?;
            let plan = vote::plan(
                *kind,
                *ballot,
                &state.roll,
                &state.attendance,
                &state.rules.votes,
            )?;
            events.push(Event::VoteOpened {
                vote: state.votes.len(),
                plan,
                question,
                at: now,
            });
        }
        C::Cast { vote, choice } => {
            let record = open_vote(*vote)?;
            let member = match speaker {
                Speaker::Member(m) => m,
                Speaker::Visitor(_) => return Err(VoteRefusal::UpperLevelVisitor.into()),
            };
            vote::eligibility(Participant::Member(member), &state.roll, &state.attendance)?;
            if !record.plan.voters.contains(&member) {
                return Err(Refusal::JoinedAfterVoteOpened);
            }
            if record.has_voted(member) {
                return Err(Refusal::AlreadyVoted);
            }
            let secret = record.plan.ballot == Ballot::Secret;
            if secret
                && state
                    .mark_of(member)
                    .is_some_and(|a| a.presence == Presence::InPerson)
            {
                return Err(Refusal::VoteOnPaper);
            }
            events.push(Event::Cast {
                vote: *vote,
                member,
                // A secret choice goes into the ballot box (`sealed_choice`).
                choice: (!secret).then_some(*choice),
                recorded_by: None,
            });
        }
        C::AppointCounters { members } => {
            chair_only()?;
            let mut named = Vec::with_capacity(members.len());
            for m in members {
                state.roll_entry(*m).ok_or(Refusal::NotOnRoll)?;
                if !named.contains(m) {
                    named.push(*m);
                }
            }
            events.push(Event::CountersAppointed { members: named });
        }
        C::RecordBallot {
            vote,
            member,
            choice,
        } => {
            if !state.may_record_ballots(speaker) {
                return Err(Refusal::CountersOnly);
            }
            let record = open_vote(*vote)?;
            if record.plan.ballot == Ballot::Secret {
                return Err(Refusal::VoteOnPaper);
            }
            vote::eligibility(Participant::Member(*member), &state.roll, &state.attendance)?;
            if !record.plan.voters.contains(member) {
                return Err(Refusal::JoinedAfterVoteOpened);
            }
            if state
                .mark_of(*member)
                .is_none_or(|a| a.presence != Presence::InPerson)
            {
                return Err(Refusal::NotInRoom);
            }
            if record.has_voted(*member) {
                return Err(Refusal::AlreadyVoted);
            }
            events.push(Event::Cast {
                vote: *vote,
                member: *member,
                choice: Some(*choice),
                recorded_by: Some(speaker),
            });
        }
        C::CountPaperBallots { vote, tally } => {
            if !state.may_record_ballots(speaker) {
                return Err(Refusal::CountersOnly);
            }
            let record = open_vote(*vote)?;
            if record.plan.ballot != Ballot::Secret {
                return Err(Refusal::NotOnPaper);
            }
            if record.paper.is_some() {
                return Err(Refusal::PaperAlreadyCounted);
            }
            let max = u32::try_from(record.in_room_voters(state).len()).unwrap_or(u32::MAX);
            let counted =
                u64::from(tally.in_favour) + u64::from(tally.against) + u64::from(tally.abstain);
            if counted > u64::from(max) {
                return Err(Refusal::TooManyPaperBallots {
                    counted: u32::try_from(counted).unwrap_or(u32::MAX),
                    max,
                });
            }
            events.push(Event::PaperCounted {
                vote: *vote,
                tally: *tally,
                by: speaker,
            });
        }
        C::CloseVote { vote } => {
            chair_only()?;
            let record = open_vote(*vote)?;
            // A secret ballot's online choices are only in the ballot box: the
            // server adds them (`count_secret_vote`) before storing this.
            events.push(Event::VoteClosed {
                vote: *vote,
                tally: record.visible_count(),
                at: now,
            });
        }
        C::EditMinutes { text: t } => {
            secretary_or_chair()?;
            let t = crate::text::clean(t);
            if t.chars().count() > MAX_MINUTES_CHARS {
                return Err(Refusal::TextTooLong {
                    max: MAX_MINUTES_CHARS,
                });
            }
            events.push(Event::MinutesEdited {
                text: t,
                by: speaker,
            });
        }
        C::Conclude { text: t } => {
            chair_only()?;
            events.push(Event::Concluded {
                text: text(t, MAX_CONCLUSION_CHARS)?,
            });
        }
        C::AssignTask { task } => {
            chair_only()?;
            if state.tasks.len() >= MAX_TASKS {
                return Err(Refusal::TooMany);
            }
            if let Some(m) = task.assignee {
                state.roll_entry(m).ok_or(Refusal::NotOnRoll)?;
            }
            let task = Task {
                assignee: task.assignee,
                assignee_name: text(&task.assignee_name, MAX_NAME_CHARS)?,
                what: text(&task.what, MAX_TASK_CHARS)?,
                due: task.due,
            };
            events.push(Event::TaskAssigned { task });
        }
        C::AdoptMinutes => {
            chair_only()?;
            if state.minutes_adopted_at.is_some() {
                return Err(Refusal::AlreadyAdopted);
            }
            if state.open_vote().is_some() {
                return Err(Refusal::VoteInProgress);
            }
            events.push(Event::MinutesAdopted { at: now });
        }
        C::Close => {
            chair_only()?;
            if state.open_vote().is_some() {
                return Err(Refusal::VoteInProgress);
            }
            let unmarked = state.unmarked();
            if !unmarked.is_empty() {
                return Err(Refusal::Unmarked {
                    count: unmarked.len(),
                    names: unmarked
                        .iter()
                        .map(|r| r.full_name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            if state.floor.is_some() {
                events.push(Event::FloorEnded { at: now });
            }
            events.push(Event::Closed { at: now });
        }
    }
    Ok(events)
}

/// For the server: the choice of a secret ballot being cast, which goes into
/// the ballot box and never into the log, with no reference to its voter.
pub fn sealed_choice(state: &LiveState, command: &Command) -> Option<(usize, Choice)> {
    match command {
        Command::Cast { vote, choice }
            if state
                .votes
                .get(*vote)
                .is_some_and(|v| v.plan.ballot == Ballot::Secret) =>
        {
            Some((*vote, *choice))
        }
        _ => None,
    }
}

/// For the server, closing a secret vote: adds the ballot box's count to the
/// decided tally. The box must hold one ballot per member the log says voted
/// online; otherwise the count is refused, not guessed.
pub fn count_secret_vote(
    state: &LiveState,
    events: &mut [Event],
    boxed: VoteTally,
) -> Result<(), Refusal> {
    for e in events.iter_mut() {
        if let Event::VoteClosed { vote, tally, .. } = e {
            let Some(record) = state.votes.get(*vote) else {
                continue;
            };
            if record.plan.ballot != Ballot::Secret {
                continue;
            }
            let online = record
                .ballots
                .iter()
                .filter(|b| b.recorded_by.is_none())
                .count();
            if usize::try_from(boxed.cast()).ok() != Some(online) {
                return Err(Refusal::BallotBoxMismatch);
            }
            tally.in_favour = tally.in_favour.saturating_add(boxed.in_favour);
            tally.against = tally.against.saturating_add(boxed.against);
            tally.abstain = tally.abstain.saturating_add(boxed.abstain);
        }
    }
    Ok(())
}
