//! The member CSV importer: any file is parsed without a panic; every row it
//! accepts passes the same checks as a member entered by hand; every problem is
//! placed on a line; the plan against the cell's members pairs rows rightly
//! and keeps a member's attachment elsewhere (the file does not carry it);
//! and a file committed once changes nothing when imported again.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use shared::import::{Change, match_key, parse, plan};
use shared::member::{Attachment, CellRole, Gender, Member, MemberDraft, PartyStatus};
use shared::{MemberId, OrgId};
use shared_fuzz::{round_trip, skipped};

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn today() -> NaiveDate {
    day(2026, 11, 22).expect("a valid date")
}

/// The cell as stored before the import: one member matched by card, one by
/// name and birth date (attached elsewhere for a while), one the seed files
/// do not mention.
fn existing() -> Vec<Member> {
    let drafts = [
        MemberDraft {
            full_name: "Nguyễn Văn An".into(),
            gender: Gender::Male,
            birth_date: day(1975, 9, 2),
            admitted_on: day(2000, 5, 19),
            full_member_on: day(2001, 5, 19),
            status: PartyStatus::Full,
            role: CellRole::Secretary,
            card_number: Some("93.000101".into()),
            attached_elsewhere: None,
        },
        MemberDraft {
            full_name: "Trần Thị Bích Ngọc".into(),
            gender: Gender::Female,
            birth_date: day(1990, 1, 15),
            admitted_on: day(2020, 2, 3),
            full_member_on: None,
            status: PartyStatus::Probationary,
            role: CellRole::Member,
            card_number: None,
            attached_elsewhere: Some(Attachment {
                organization: "Chi bộ Trường Tiểu học Tả Van".into(),
                from: day(2026, 9, 1).expect("a valid date"),
                until: None,
            }),
        },
        MemberDraft {
            full_name: "Lò Văn Pấng".into(),
            gender: Gender::Male,
            birth_date: None,
            admitted_on: day(2010, 3, 1),
            full_member_on: day(2011, 3, 1),
            status: PartyStatus::Full,
            role: CellRole::CommitteeMember,
            card_number: Some("12.345".into()),
            attached_elsewhere: None,
        },
    ];
    drafts
        .into_iter()
        .zip(1..)
        .map(|(draft, id)| Member {
            id: MemberId(id),
            cell_id: OrgId(5),
            draft,
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    // The file reaches the server inside a JSON string: always UTF-8.
    let text = String::from_utf8_lossy(data);
    let parsed = parse(&text, today());

    let mut last_line = 1;
    for row in &parsed.rows {
        assert!(row.line > last_line, "rows out of order: {:?}", parsed.rows);
        last_line = row.line;
        assert_eq!(row.draft.clone().normalized(), row.draft);
        if let Err(e) = row.draft.validate(today()) {
            panic!("accepted row {row:?} does not re-validate: {e:?}");
        }
        round_trip(row);
    }
    for e in &parsed.errors {
        assert!(e.line >= 1 && !e.message.is_empty(), "{e:?}");
    }
    assert!(parsed.errors.windows(2).all(|w| w[0].line <= w[1].line));

    let existing = existing();
    let changes = plan(&parsed.rows, &existing);
    assert_eq!(changes.len(), parsed.rows.len());
    for (row, change) in parsed.rows.iter().zip(&changes) {
        let key = match_key(&row.draft);
        // What a matched member's record becomes: the row, with the member's
        // attachment elsewhere kept.
        let kept = |m: &Member| MemberDraft {
            attached_elsewhere: m.draft.attached_elsewhere.clone(),
            ..row.draft.clone()
        };
        match change {
            Change::Create(d) => {
                assert_eq!(*d, &row.draft);
                assert!(existing.iter().all(|m| match_key(&m.draft) != key));
            }
            Change::Update(m, d) => {
                assert_eq!(*d, kept(m));
                assert_eq!(match_key(&m.draft), key);
                assert_ne!(m.draft, *d);
            }
            Change::Unchanged(m) => assert_eq!(m.draft, kept(m)),
        }
    }
    if skipped("duplicate_key") || !parsed.errors.is_empty() {
        return;
    }
    // The server commits a file without errors; importing it again changes nothing.
    let mut after = existing.clone();
    for change in &changes {
        match change {
            Change::Create(d) => after.push(Member {
                id: MemberId(after.len() as i64 + 1),
                cell_id: OrgId(5),
                draft: (*d).clone(),
            }),
            Change::Update(m, d) => {
                let stored = after
                    .iter_mut()
                    .find(|s| s.id == m.id)
                    .expect("a stored member");
                stored.draft = d.clone();
            }
            Change::Unchanged(_) => {}
        }
    }
    for (row, change) in parsed.rows.iter().zip(plan(&parsed.rows, &after)) {
        assert!(
            matches!(change, Change::Unchanged(_)),
            "line {}: importing the same file again gives {change:?}",
            row.line
        );
    }
});
