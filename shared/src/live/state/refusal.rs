//! Why a command is refused, in Vietnamese for its author and in English.

use super::*;

/// Why a command is refused, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    #[error("Buổi sinh hoạt chưa bắt đầu.")]
    NotStarted,
    #[error("Buổi sinh hoạt đã bắt đầu.")]
    AlreadyStarted,
    #[error("Buổi sinh hoạt đã kết thúc; biên bản chỉ còn để đọc.")]
    Closed,
    #[error("Chỉ người chủ trì mới làm được việc này.")]
    ChairOnly,
    #[error("Chỉ thư ký hoặc người chủ trì mới làm được việc này.")]
    SecretaryOnly,
    #[error("Không có nội dung số {item} trong chương trình.")]
    NoSuchItem { item: usize },
    #[error("Đồng chí này không có trong danh sách đảng viên của chi bộ.")]
    NotOnRoll,
    #[error("Đại biểu cấp trên dự họp không điểm danh cùng chi bộ.")]
    VisitorNotOnRoll,
    #[error("Chỉ đại biểu cấp trên ghi nhận việc dự họp theo cách này.")]
    VisitorsOnly,
    #[error("Đồng chí cần điểm danh có mặt trước khi xin phát biểu.")]
    NotPresent,
    #[error("Đồng chí đã đăng ký phát biểu rồi.")]
    AlreadyInQueue,
    #[error("Đồng chí chưa đăng ký phát biểu.")]
    NotInQueue,
    #[error("Hiện không có ai đang phát biểu.")]
    NobodyHasFloor,
    #[error("Nội dung không được để trống.")]
    EmptyText,
    #[error("Nội dung quá dài (tối đa {max} ký tự).")]
    TextTooLong { max: usize },
    #[error("Đã đạt số lượng tối đa cho phép.")]
    TooMany,
    #[error("Đang có một cuộc biểu quyết chưa kết thúc.")]
    VoteInProgress,
    #[error("Không có cuộc biểu quyết số {vote}.")]
    NoSuchVote { vote: usize },
    #[error("Cuộc biểu quyết đã kết thúc.")]
    VoteClosed,
    #[error("Đồng chí đã biểu quyết rồi.")]
    AlreadyVoted,
    #[error(
        "Đồng chí có mặt sau khi mở biểu quyết nên không có tên trong danh sách biểu quyết lần này."
    )]
    JoinedAfterVoteOpened,
    #[error("Chỉ ghi giờ đến muộn, về sớm cho đồng chí có mặt.")]
    TimesNeedPresence,
    #[error("Giờ về sớm phải sau giờ đến muộn.")]
    LeftBeforeArrived,
    #[error(
        "Buổi sinh hoạt đăng ký bắt đầu lúc {starts_at}. Đồng chí xác nhận nếu muốn khai mạc sớm hơn."
    )]
    OpensEarly { starts_at: String },
    #[error(
        "Còn {count} đảng viên chưa được điểm danh: {names}. Cần ghi có mặt hoặc vắng trước khi bế mạc."
    )]
    Unmarked { count: usize, names: String },
    #[error("Đại biểu cấp trên chưa ghi nhận có mặt tại buổi sinh hoạt.")]
    VisitorNotArrived,
    #[error("Chỉ người chủ trì, thư ký hoặc tổ kiểm phiếu mới ghi phiếu tại hội nghị.")]
    CountersOnly,
    #[error("Chỉ ghi phiếu tại hội nghị cho đảng viên được điểm danh có mặt trực tiếp.")]
    NotInRoom,
    #[error(
        "Biểu quyết kín: đảng viên có mặt trực tiếp bỏ phiếu giấy, tổ kiểm phiếu ghi số phiếu."
    )]
    VoteOnPaper,
    #[error("Biểu quyết công khai: ghi phiếu của từng đảng viên, không ghi số phiếu giấy.")]
    NotOnPaper,
    #[error(
        "Số phiếu giấy ({counted}) nhiều hơn số đảng viên có mặt trực tiếp được bỏ phiếu ({max})."
    )]
    TooManyPaperBallots { counted: u32, max: u32 },
    #[error("Phiếu giấy của cuộc biểu quyết này đã được kiểm.")]
    PaperAlreadyCounted,
    #[error(
        "Số phiếu trong hòm phiếu không khớp số đảng viên đã bỏ phiếu; chưa thể kết thúc biểu quyết."
    )]
    BallotBoxMismatch,
    #[error("Biên bản đã được thông qua.")]
    AlreadyAdopted,
    #[error(
        "Biên bản đã được chi bộ thông qua; nội dung buổi sinh hoạt không thay đổi được nữa, chỉ còn bế mạc."
    )]
    Adopted,
    #[error("Buổi sinh hoạt đã được hủy (lý do: {reason}); không khai mạc được.")]
    Cancelled { reason: String },
    #[error(transparent)]
    Vote {
        #[from]
        refusal: VoteRefusal,
    },
}

impl crate::i18n::Message for Refusal {
    fn english(&self) -> (&'static str, String) {
        use Refusal::*;
        let (code, text): (&'static str, String) = match self {
            NotStarted => ("not_started", "The meeting has not started.".into()),
            AlreadyStarted => ("already_started", "The meeting has already started.".into()),
            Closed => ("closed", "The meeting has ended; the minutes are read-only.".into()),
            ChairOnly => ("chair_only", "Only the chair can do this.".into()),
            SecretaryOnly => ("secretary_only", "Only the meeting secretary or the chair can do this.".into()),
            NoSuchItem { item } => ("no_such_item", format!("There is no item {item} on the agenda.")),
            NotOnRoll => ("not_on_roll", "This person is not on the cell's roll of members.".into()),
            VisitorNotOnRoll => ("visitor_not_on_roll", "A visitor from a higher level is not marked on the cell's roll.".into()),
            VisitorsOnly => ("visitors_only", "Only a visitor from a higher level records their attendance this way.".into()),
            NotPresent => ("not_present", "You need to be marked present before asking to speak.".into()),
            AlreadyInQueue => ("already_in_queue", "You have already asked to speak.".into()),
            NotInQueue => ("not_in_queue", "You have not asked to speak.".into()),
            NobodyHasFloor => ("nobody_has_floor", "Nobody has the floor now.".into()),
            EmptyText => ("empty_text", "The text must not be empty.".into()),
            TextTooLong { max } => ("text_too_long", format!("The text is too long (at most {max} characters).")),
            TooMany => ("too_many", "The largest number allowed is reached.".into()),
            VoteInProgress => ("vote_in_progress", "A vote is still open.".into()),
            NoSuchVote { vote } => ("no_such_vote", format!("There is no vote number {vote}.")),
            VoteClosed => ("vote_closed", "The vote has closed.".into()),
            AlreadyVoted => ("already_voted", "You have already voted.".into()),
            JoinedAfterVoteOpened => ("joined_after_vote_opened", "You arrived after the vote opened, so you are not on this vote's list of voters.".into()),
            TimesNeedPresence => ("times_need_presence", "Late arrival and early leave are recorded only for members present.".into()),
            LeftBeforeArrived => ("left_before_arrived", "The time of leaving must be after the time of arriving.".into()),
            OpensEarly { starts_at } => ("opens_early", format!("The meeting is registered to start at {starts_at}. Confirm if you want to open it earlier.")),
            Unmarked { count, names } => ("unmarked", format!("{count} members are not marked yet: {names}. Mark them present or absent before closing.")),
            VisitorNotArrived => ("visitor_not_arrived", "The visitor from a higher level has not recorded their presence at the meeting.".into()),
            CountersOnly => ("counters_only", "Only the chair, the meeting secretary or the vote counters record ballots in the room.".into()),
            NotInRoom => ("not_in_room", "Ballots in the room are recorded only for members marked present in person.".into()),
            VoteOnPaper => ("vote_on_paper", "Secret ballot: members present in person vote on paper, and the vote counters record the count.".into()),
            NotOnPaper => ("not_on_paper", "Open vote: record each member's vote, not a count of paper ballots.".into()),
            TooManyPaperBallots { counted, max } => ("too_many_paper_ballots", format!("The paper ballots ({counted}) are more than the members present in person who may vote ({max}).")),
            PaperAlreadyCounted => ("paper_already_counted", "The paper ballots of this vote have been counted.".into()),
            BallotBoxMismatch => ("ballot_box_mismatch", "The ballots in the box do not match the members who voted; the vote cannot close yet.".into()),
            AlreadyAdopted => ("already_adopted", "The minutes have been adopted.".into()),
            Adopted => ("adopted", "The cell has adopted the minutes; the meeting's record can no longer change, only the meeting can be closed.".into()),
            Cancelled { reason } => ("cancelled", format!("The meeting was cancelled (reason: {reason}); it cannot open.")),
            // The wire's code; the vote's own is `refusal.code()`.
            Vote { refusal } => ("vote", refusal.english().1),
        };
        (code, text)
    }
}
