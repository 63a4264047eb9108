//! The ballot box of secret votes (bỏ phiếu kín): one row per vote holding
//! how many ballots each choice got. A ballot adds one to a count, in the
//! transaction that stores the command casting it; no voter, sequence number,
//! time or row of its own is kept, so nothing lines a choice up with the
//! event that records who voted.

use super::sql::{Backend, BindParam, PoolExecutor, PushParam, ReadColumn};
use super::{Result, SealedBallot, StorageError};
use shared::MeetingId;
use shared::live::state::Choice;
use shared::rules::vote::VoteTally;
use sqlx::{Executor, Pool, QueryBuilder};
use std::collections::BTreeMap;

fn db_vote(vote: u64) -> Result<i64> {
    i64::try_from(vote).map_err(|_| StorageError::Corrupt(format!("số biểu quyết {vote}")))
}

fn db_count(n: u32) -> i64 {
    i64::from(n)
}

fn count_of(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StorageError::Corrupt(format!("số phiếu {n}")))
}

/// Adds the ballots of stored commands to the box: one statement for the
/// whole batch, the counts added up per vote first.
pub async fn add<'e, DB: Backend>(
    db: impl Executor<'e, Database = DB>,
    ballots: impl IntoIterator<Item = (MeetingId, SealedBallot)>,
) -> Result<()> {
    let mut q = QueryBuilder::<DB>::new("");
    if push_add(&mut q, ballots)? {
        q.build().persistent(false).execute(db).await?;
    }
    Ok(())
}

/// The statement of `add` appended to `q`; false, and nothing appended, when
/// there is no ballot.
pub fn push_add<DB: Backend>(
    q: &mut QueryBuilder<DB>,
    ballots: impl IntoIterator<Item = (MeetingId, SealedBallot)>,
) -> Result<bool> {
    let mut sums: BTreeMap<(i64, i64), VoteTally> = BTreeMap::new();
    for (meeting, ballot) in ballots {
        let t = sums.entry((meeting.0, db_vote(ballot.vote)?)).or_default();
        match ballot.choice {
            Choice::InFavour => t.in_favour += 1,
            Choice::Against => t.against += 1,
            Choice::Abstain => t.abstain += 1,
        }
    }
    if sums.is_empty() {
        return Ok(false);
    }
    // A batch holds at most a few hundred commands: one statement fits them.
    q.push("INSERT INTO ballot_box (meeting_id, vote, in_favour, against, abstain) ");
    q.push_values(&sums, |mut row, ((meeting, vote), t)| {
        row.param(*meeting)
            .param(*vote)
            .param(db_count(t.in_favour))
            .param(db_count(t.against))
            .param(db_count(t.abstain));
    });
    q.push(
        " ON CONFLICT (meeting_id, vote) DO UPDATE SET
         in_favour = ballot_box.in_favour + excluded.in_favour,
         against = ballot_box.against + excluded.against,
         abstain = ballot_box.abstain + excluded.abstain",
    );
    Ok(true)
}

/// The ballots counted for a vote so far; zeros when none was cast.
pub async fn count<DB: Backend>(
    pool: &Pool<DB>,
    meeting: MeetingId,
    vote: u64,
) -> Result<VoteTally> {
    let row = sqlx::query(
        "SELECT in_favour, against, abstain FROM ballot_box WHERE meeting_id = $1 AND vote = $2",
    )
    .param(meeting.0)
    .param(db_vote(vote)?)
    .fetch_optional(pool.executor())
    .await?;
    let Some(r) = row else {
        return Ok(VoteTally::default());
    };
    Ok(VoteTally {
        in_favour: count_of(r.read("in_favour")?)?,
        against: count_of(r.read("against")?)?,
        abstain: count_of(r.read("abstain")?)?,
    })
}
