//! Every variant of every message type: its English text is there and has
//! no Vietnamese letter, its Vietnamese text is there.

use super::{Lang, Message, assert_english, has_vietnamese};
use crate::live::state::Refusal;
use crate::rules::rating::Level;
use crate::rules::scoring::{
    Column, Points, PointsError, ScoreError, SheetDefinitionError, SheetError,
};
use crate::rules::vote::{VoteKind, VoteRefusal};
use crate::{MemberId, appraisal, calendar, classification, commitments, files, followup};
use crate::{
    guidance, import, inspections, meeting, member, oversight, preparation, rules, scoring, visits,
};

fn vote_refusals() -> Vec<VoteRefusal> {
    use VoteRefusal::*;
    vec![
        Guest,
        UpperLevelVisitor,
        NotOnRoster {
            member_id: MemberId(7),
        },
        TransferredOut { name: "A".into() },
        Probationary { name: "A".into() },
        AttachedElsewhere { name: "A".into() },
        NotPresent { name: "A".into() },
        SecretBallotRequired {
            kind: VoteKind::Expulsion,
        },
        EmptyDenominator,
        CannotReachThreshold {
            required: 7,
            denominator: 12,
            eligible: 5,
        },
        TooManyBallots {
            cast: 9,
            eligible: 8,
        },
    ]
}

/// One value of each variant of [`Refusal`], the vote's refusals included.
pub(crate) fn refusals() -> Vec<Refusal> {
    use Refusal::*;
    let mut all = vec![
        NotStarted,
        AlreadyStarted,
        Closed,
        ChairOnly,
        SecretaryOnly,
        NoSuchItem { item: 3 },
        NotOnRoll,
        VisitorNotOnRoll,
        VisitorsOnly,
        NotPresent,
        AlreadyInQueue,
        NotInQueue,
        NobodyHasFloor,
        EmptyText,
        TextTooLong { max: 2000 },
        TooMany,
        VoteInProgress,
        NoSuchVote { vote: 2 },
        VoteClosed,
        AlreadyVoted,
        JoinedAfterVoteOpened,
        TimesNeedPresence,
        LeftBeforeArrived,
        OpensEarly {
            starts_at: "08:00".into(),
        },
        Unmarked {
            count: 2,
            names: "A, B".into(),
        },
        VisitorNotArrived,
        CountersOnly,
        NotInRoom,
        VoteOnPaper,
        NotOnPaper,
        TooManyPaperBallots { counted: 9, max: 8 },
        PaperAlreadyCounted,
        BallotBoxMismatch,
        AlreadyAdopted,
        Adopted,
        Cancelled {
            reason: "rain".into(),
        },
    ];
    all.extend(vote_refusals().into_iter().map(|refusal| Vote { refusal }));
    all
}

/// The variant's place; a new variant does not compile until it is listed
/// here, and the test below fails until [`refusals`] has a sample of it.
fn refusal_index(r: &Refusal) -> usize {
    use Refusal::*;
    match r {
        NotStarted => 0,
        AlreadyStarted => 1,
        Closed => 2,
        ChairOnly => 3,
        SecretaryOnly => 4,
        NoSuchItem { .. } => 5,
        NotOnRoll => 6,
        VisitorNotOnRoll => 7,
        VisitorsOnly => 8,
        NotPresent => 9,
        AlreadyInQueue => 10,
        NotInQueue => 11,
        NobodyHasFloor => 12,
        EmptyText => 13,
        TextTooLong { .. } => 14,
        TooMany => 15,
        VoteInProgress => 16,
        NoSuchVote { .. } => 17,
        VoteClosed => 18,
        AlreadyVoted => 19,
        JoinedAfterVoteOpened => 20,
        TimesNeedPresence => 21,
        LeftBeforeArrived => 22,
        OpensEarly { .. } => 23,
        Unmarked { .. } => 24,
        VisitorNotArrived => 25,
        CountersOnly => 26,
        NotInRoom => 27,
        VoteOnPaper => 28,
        NotOnPaper => 29,
        TooManyPaperBallots { .. } => 30,
        PaperAlreadyCounted => 31,
        BallotBoxMismatch => 32,
        AlreadyAdopted => 33,
        Adopted => 34,
        Cancelled { .. } => 35,
        Vote { .. } => 36,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_refusal_reads_in_english() {
    let all = refusals();
    let mut seen: Vec<usize> = all.iter().map(refusal_index).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(
        seen,
        (0..=36).collect::<Vec<_>>(),
        "a sample of each refusal"
    );
    let mut codes = Vec::new();
    for r in &all {
        let en = r.text(Lang::En);
        assert!(!en.is_empty() && !has_vietnamese(&en), "{}: {en}", r.code());
        assert_ne!(en, r.text(Lang::Vi));
        codes.push(r.code());
    }
    assert_english(&all.iter().map(|r| r as &dyn Message).collect::<Vec<_>>());
    let mut vote_codes: Vec<&str> = vote_refusals().iter().map(|r| r.code()).collect();
    for list in [&mut codes, &mut vote_codes] {
        list.retain(|c| *c != "vote");
        let n = list.len();
        list.sort_unstable();
        list.dedup();
        assert_eq!(list.len(), n, "one code per refusal");
    }
    // The texts, in English, for whoever reads the test's output.
    for r in &all {
        println!("{:<26} {}", r.code(), r.text(Lang::En));
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn refusal_codes_are_the_wire_codes() {
    for r in refusals() {
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["code"], r.code());
        if let Refusal::Vote { refusal } = &r {
            assert_eq!(json["refusal"]["code"], refusal.code());
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_validation_error_reads_in_english() {
    use crate::api::CredentialError;
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    macro_rules! add {
        ($($e:expr),* $(,)?) => { $(all.push(Box::new($e));)* };
    }
    {
        use member::MemberError::*;
        add!(
            NameEmpty,
            NameTooLong { max: 100 },
            BornInFuture,
            AdmittedInFuture,
            MadeFullInFuture,
            AdmittedUnderage,
            FullBeforeProbationEnds,
            ProbationaryWithoutAdmission,
            ProbationaryWithFullDate,
            FullWithoutFullDate,
            BadCardNumber,
            AttachmentWithoutOrganization,
            AttachmentOrganizationTooLong { max: 200 },
            AttachmentEndsBeforeItStarts
        );
    }
    {
        use meeting::MeetingError::*;
        add!(
            BadTitle,
            PlaceTooLong,
            LinkTooLong,
            AgendaItemTooLong(2),
            StartsInPast,
            PlaceMissing,
            LinkMissing,
            LinkInvalid,
            ChairNotInCell,
            SecretaryNotInCell,
            AgendaSize { max: 20 },
            AgendaItemUntitled(1),
            AgendaItemMinutes(1),
            PreparerNotInCell(3)
        );
    }
    {
        use preparation::PreparationError::*;
        add!(
            NotMember,
            AlreadyOpened,
            ReasonEmpty,
            ReasonTooLong,
            NoteTooLong,
            TextEmpty,
            TextTooLong,
            NoSuchItem
        );
    }
    {
        use visits::{AnswerError, InPersonError, PlanError, ReportError};
        add!(
            InPersonError::Future,
            InPersonError::TooOld(30),
            InPersonError::NotUpperLevel
        );
        add!(
            ReportError::ContentMissing,
            ReportError::IdeologyMissing,
            ReportError::TooLong("content"),
            ReportError::Score,
            ReportError::TooManyRecommendations,
            ReportError::RecommendationTooLong(2),
            ReportError::NotHappened,
            ReportError::AlreadyFiled,
            ReportError::NotYours
        );
        add!(AnswerError::StatusOpen, AnswerError::NoteTooLong);
        add!(
            PlanError::Quarter,
            PlanError::TooMany,
            PlanError::Month(2),
            PlanError::NotOnCommittee(3),
            PlanError::Duplicate(4, 2)
        );
    }
    {
        use calendar::CalendarError::*;
        add!(
            ReasonMissing,
            ReasonTooLong,
            StartsInPast,
            YearOutOfRange,
            MonthOutOfRange
        );
    }
    {
        use guidance::GuidanceError::*;
        add!(
            TitleMissing,
            TitleTooLong,
            TextTooLong,
            Month(calendar::CalendarError::MonthOutOfRange),
            TooManyFiles,
            TooManyPosts
        );
    }
    {
        use files::FileError::*;
        add!(
            TooLarge,
            UnsupportedType,
            Empty,
            MeetingClosed,
            MeetingOpened,
            TooMany,
            NotPreparer
        );
    }
    {
        use inspections::InspectionError::*;
        add!(
            ContentMissing,
            ContentTooLong,
            ConclusionMissing,
            ConclusionTooLong,
            FollowUpTooLong,
            PeriodReversed,
            ConcludedBeforePeriod,
            ConcludedInFuture,
            Year,
            NotInCell
        );
    }
    {
        use rules::RuleSetError::*;
        add!(
            Json("expected value at line 1".into()),
            Sheet("bands".into()),
            ZeroDenominator,
            Cadence,
            ReminderDay,
            MemberForm
        );
    }
    add!(
        SheetDefinitionError::GroupSum {
            group: "1".into(),
            sum: Points::whole(9),
            max: Points::whole(10)
        },
        SheetDefinitionError::DuplicateKey("1.1".into()),
        SheetDefinitionError::BandsOrder
    );
    let sheet_errors = vec![
        SheetError::UnknownCriterion { key: "9.9".into() },
        SheetError::AboveMaximum {
            key: "1.1".into(),
            given: Points::whole(6),
            max: Points::whole(5),
        },
        SheetError::Missing { key: "1.2".into() },
        SheetError::Computed { key: "2.1".into() },
    ];
    add!(
        ScoreError {
            column: Column::Cell,
            errors: sheet_errors.clone()
        },
        ScoreError {
            column: Column::UpperLevel,
            errors: sheet_errors.clone()
        },
        PointsError
    );
    for e in sheet_errors {
        add!(e);
    }
    {
        use commitments::CommitmentError::*;
        add!(
            Empty,
            TooMany,
            ItemTooLong(1),
            Locked,
            Year,
            NotThisYear,
            ReviewItems,
            NoteTooLong(2)
        );
    }
    {
        use oversight::RangeError::*;
        add!(Malformed, YearOutOfRange, Reversed, TooLong);
    }
    {
        use followup::FollowUpError::*;
        add!(LateIsDerived, NoteTooLong, ReopenWithoutNote);
    }
    {
        use classification::DecisionError::*;
        add!(
            ReasonToDeviate {
                computed: Level::Good
            },
            ReasonToChange {
                previous: Level::Excellent
            },
            ReasonTooLong,
            ChangeClosed {
                year: 2026,
                until: "31/03/2027".into()
            }
        );
    }
    {
        use scoring::ScoringError::*;
        add!(ReasonMissing, ReasonTooLong, CommentEmpty, CommentTooLong);
    }
    {
        use import::FileError::*;
        add!(
            Empty,
            MissingColumn("Full name"),
            TooManyRows,
            UnclosedQuote,
            TooLarge,
            NotXlsx,
            UnreadableXlsx,
            UnreadableCsv
        );
    }
    {
        use appraisal::{DecisionError, StageError};
        add!(
            DecisionError::NotProposed,
            DecisionError::AboveAppraisal {
                level: Level::Excellent,
                allowed: Level::Good
            },
            DecisionError::QuotaExceeded {
                excellent: 4,
                max: 3,
                base: 15,
                share: "20%".into()
            },
            DecisionError::NoteTooLong,
            StageError::NotOpen,
            StageError::Submitted,
            StageError::Decided
        );
    }
    add!(
        CredentialError::UsernameLength,
        CredentialError::UsernameCharacters,
        CredentialError::PasswordTooShort,
        CredentialError::PasswordTooLong,
        CredentialError::PasswordOneKind
    );
    for r in vote_refusals() {
        add!(r);
    }
    assert_english(&all.iter().map(|m| m.as_ref()).collect::<Vec<_>>());
    assert!(all.len() > 150, "{} samples", all.len());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn vote_results_read_in_english() {
    use crate::rules::ruleset::{Cmp, Threshold};
    use crate::rules::vote::{VoteTally, outcome};
    let half = Threshold {
        cmp: Cmp::MoreThan,
        num: 1,
        den: 2,
    };
    for (kind, tally) in [
        (VoteKind::Resolution, (7, 3, 2)),
        (VoteKind::Resolution, (4, 4, 4)),
        (VoteKind::Expulsion, (12, 0, 0)),
        (VoteKind::Discipline, (2, 9, 1)),
    ] {
        let (in_favour, against, abstain) = tally;
        let o = outcome(
            kind,
            half,
            12,
            VoteTally {
                in_favour,
                against,
                abstain,
            },
        );
        let en = o.explanation(Lang::En);
        assert!(!en.is_empty() && !has_vietnamese(en), "{en}");
        assert!(has_vietnamese(o.explanation(Lang::Vi)));
    }
}

/// One value of each thing the live socket says outside the rules: its
/// errors (with each unreadable message's problem) and its deferrals.
fn socket_messages() -> Vec<Box<dyn Message>> {
    use crate::live::protocol::{BadMessage, Deferral, SocketError};
    // Exhaustive: a new variant does not compile until it has a sample below.
    fn listed(e: &SocketError) -> bool {
        match e {
            SocketError::BadMessage { problem } => match problem {
                BadMessage::TooLarge
                | BadMessage::Unsupported
                | BadMessage::Malformed
                | BadMessage::NotText => true,
            },
            SocketError::HelloFirst
            | SocketError::BadKey
            | SocketError::Version { .. }
            | SocketError::HelloTimeout
            | SocketError::ShuttingDown
            | SocketError::TooManyHellos => true,
        }
    }
    fn deferral_listed(d: &Deferral) -> bool {
        match d {
            Deferral::TooFast | Deferral::NotStored => true,
        }
    }
    let errors: [SocketError; 10] = [
        BadMessage::TooLarge.into(),
        BadMessage::Unsupported.into(),
        BadMessage::Malformed.into(),
        BadMessage::NotText.into(),
        SocketError::HelloFirst,
        SocketError::BadKey,
        SocketError::Version { version: 2 },
        SocketError::HelloTimeout,
        SocketError::ShuttingDown,
        SocketError::TooManyHellos,
    ];
    let deferrals = [Deferral::TooFast, Deferral::NotStored];
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    for e in errors {
        assert!(listed(&e));
        if let SocketError::BadMessage { problem } = e {
            all.push(Box::new(problem));
        }
        all.push(Box::new(e));
    }
    for d in deferrals {
        assert!(deferral_listed(&d));
        all.push(Box::new(d));
    }
    all
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_live_socket_message_reads_in_english() {
    let all = socket_messages();
    assert_eq!(all.len(), 16, "4 problems, 10 errors, 2 deferrals");
    assert_english(&all.iter().map(|m| m.as_ref()).collect::<Vec<_>>());
    let mut texts = Vec::new();
    for m in &all {
        let en = m.text(Lang::En);
        assert!(!has_vietnamese(&en), "{}: {en}", m.code());
        assert!(has_vietnamese(&m.text(Lang::Vi)), "{}", m.code());
        texts.push(en);
    }
    // Each error reads as its own text (a bad message as its problem's).
    let n = texts.len();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), n - 4, "one text per message");
}

/// Why a socket gets no audio: every refusal, in both languages.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_audio_refusal_reads_in_english() {
    use crate::live::audio::AudioRefusal::{self, *};
    // Exhaustive: a new variant does not compile until it is listed below.
    fn listed(r: AudioRefusal) -> bool {
        match r {
            NotParticipant | VisitorNotArrived | Closed | BadOffer | TooLarge | TooSoon
            | Unavailable => true,
        }
    }
    let all = [
        NotParticipant,
        VisitorNotArrived,
        Closed,
        BadOffer,
        TooLarge,
        TooSoon,
        Unavailable,
    ];
    assert!(all.into_iter().all(listed));
    assert_english(&all.iter().map(|m| m as &dyn Message).collect::<Vec<_>>());
    for m in all {
        assert!(!has_vietnamese(&m.text(Lang::En)), "{}", m.code());
        assert!(has_vietnamese(&m.text(Lang::Vi)), "{}", m.code());
    }
}
