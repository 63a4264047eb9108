//! Party members on their cells' rolls.

use super::sql::{
    Backend, BindParam, ConnectionExecutor, PoolExecutor, ReadColumn, map_err, parse_enum,
};
use super::{Result, StorageError};
use chrono::NaiveDate;
use shared::member::{Attachment, CellRole, Gender, Member, MemberDraft, PartyStatus};
use shared::{MemberId, OrgId};
use sqlx::{Executor, Pool};
use std::collections::HashMap;

pub(super) fn member_from_row<DB: Backend>(row: &DB::Row) -> Result<Member> {
    let attached_elsewhere = match (
        row.read::<Option<String>>("attached_organization")?,
        row.read::<Option<NaiveDate>>("attached_from")?,
    ) {
        (Some(organization), Some(from)) => Some(Attachment {
            organization,
            from,
            until: row.read("attached_until")?,
        }),
        (None, None) => None,
        _ => {
            return Err(StorageError::Corrupt(
                "nơi sinh hoạt tạm thời thiếu tên tổ chức hoặc ngày bắt đầu".into(),
            ));
        }
    };
    Ok(Member {
        id: MemberId(row.read("id")?),
        cell_id: OrgId(row.read("cell_id")?),
        draft: MemberDraft {
            full_name: row.read("full_name")?,
            gender: parse_enum(&row.read::<String>("gender")?, Gender::parse, "giới tính")?,
            birth_date: row.read("birth_date")?,
            admitted_on: row.read("admitted_on")?,
            full_member_on: row.read("full_member_on")?,
            status: parse_enum(
                &row.read::<String>("status")?,
                PartyStatus::parse,
                "trạng thái",
            )?,
            role: parse_enum(&row.read::<String>("role")?, CellRole::parse, "chức vụ")?,
            card_number: row.read("card_number")?,
            attached_elsewhere,
        },
    })
}

/// Members on the roll (not transferred out), per cell.
pub async fn counts<DB: Backend>(pool: &Pool<DB>) -> Result<HashMap<OrgId, u32>> {
    let rows = sqlx::query(
        "SELECT cell_id, COUNT(*) AS n FROM members WHERE status <> 'transferred_out' GROUP BY cell_id",
    )
    .fetch_all(pool.executor())
    .await?;
    rows.iter()
        .map(|r| {
            let n: i64 = r.read("n")?;
            Ok((
                OrgId(r.read("cell_id")?),
                u32::try_from(n).unwrap_or(u32::MAX),
            ))
        })
        .collect()
}

/// A cell's members, the secretary and committee first.
pub async fn of_cell<DB: Backend>(pool: &Pool<DB>, cell: OrgId) -> Result<Vec<Member>> {
    let rows = sqlx::query(
        "SELECT * FROM members WHERE cell_id = $1
         ORDER BY CASE role WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1
                  WHEN 'committee_member' THEN 2 ELSE 3 END, id",
    )
    .param(cell.0)
    .fetch_all(pool.executor())
    .await?;
    rows.iter().map(member_from_row::<DB>).collect()
}

pub async fn get<DB: Backend>(pool: &Pool<DB>, id: MemberId) -> Result<Option<Member>> {
    let row = sqlx::query("SELECT * FROM members WHERE id = $1")
        .param(id.0)
        .fetch_optional(pool.executor())
        .await?;
    row.as_ref().map(member_from_row::<DB>).transpose()
}

pub async fn insert<'e, DB: Backend>(
    db: impl Executor<'e, Database = DB>,
    cell: OrgId,
    d: &MemberDraft,
) -> Result<Member> {
    let row = sqlx::query(
        "INSERT INTO members (cell_id, full_name, gender, birth_date, admitted_on, full_member_on, status, role, card_number,
         attached_organization, attached_from, attached_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *",
    )
    .param(cell.0)
    .param(d.full_name.as_str())
    .param(d.gender.as_str())
    .param(d.birth_date)
    .param(d.admitted_on)
    .param(d.full_member_on)
    .param(d.status.as_str())
    .param(d.role.as_str())
    .param(d.card_number.clone())
    .param(d.attached_elsewhere.as_ref().map(|a| a.organization.clone()))
    .param(d.attached_elsewhere.as_ref().map(|a| a.from))
    .param(d.attached_elsewhere.as_ref().and_then(|a| a.until))
    .fetch_one(db)
    .await
    .map_err(map_err)?;
    member_from_row::<DB>(&row)
}

pub async fn update<'e, DB: Backend>(
    db: impl Executor<'e, Database = DB>,
    id: MemberId,
    d: &MemberDraft,
) -> Result<Option<Member>> {
    let row = sqlx::query(
        "UPDATE members SET full_name = $2, gender = $3, birth_date = $4, admitted_on = $5,
         full_member_on = $6, status = $7, role = $8, card_number = $9,
         attached_organization = $10, attached_from = $11, attached_until = $12
         WHERE id = $1 RETURNING *",
    )
    .param(id.0)
    .param(d.full_name.as_str())
    .param(d.gender.as_str())
    .param(d.birth_date)
    .param(d.admitted_on)
    .param(d.full_member_on)
    .param(d.status.as_str())
    .param(d.role.as_str())
    .param(d.card_number.clone())
    .param(
        d.attached_elsewhere
            .as_ref()
            .map(|a| a.organization.clone()),
    )
    .param(d.attached_elsewhere.as_ref().map(|a| a.from))
    .param(d.attached_elsewhere.as_ref().and_then(|a| a.until))
    .fetch_optional(db)
    .await
    .map_err(map_err)?;
    row.as_ref().map(member_from_row::<DB>).transpose()
}

/// Writes an import all at once, or nothing.
pub async fn import<DB: Backend>(
    pool: &Pool<DB>,
    cell: OrgId,
    create: &[MemberDraft],
    update: &[(MemberId, MemberDraft)],
) -> Result<()> {
    let mut tx = pool.begin_with(DB::BEGIN_WRITE).await?;
    for (id, draft) in update {
        self::update(tx.executor(), *id, draft).await?;
    }
    for draft in create {
        insert(tx.executor(), cell, draft).await?;
    }
    tx.commit().await?;
    Ok(())
}
