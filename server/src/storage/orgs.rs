//! The organization tree, committee seats (cấp ủy) and the cells upper-level
//! members are assigned to follow.

use super::Result;
use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, json_array, map_err, parse_enum};
use shared::org::{OrgKind, Organization};
use shared::{AccountId, OrgId};
use sqlx::Pool;

fn org_from_row<DB: Backend>(row: &DB::Row) -> Result<Organization> {
    Ok(Organization {
        id: OrgId(row.read("id")?),
        parent_id: row.read::<Option<i64>>("parent_id")?.map(OrgId),
        kind: parse_enum(&row.read::<String>("kind")?, OrgKind::parse, "loại tổ chức")?,
        name: row.read("name")?,
    })
}

pub async fn all<DB: Backend>(pool: &Pool<DB>) -> Result<Vec<Organization>> {
    let rows = sqlx::query("SELECT * FROM organizations ORDER BY id")
        .fetch_all(pool.executor())
        .await?;
    rows.iter().map(org_from_row::<DB>).collect()
}

pub async fn get<DB: Backend>(pool: &Pool<DB>, id: OrgId) -> Result<Option<Organization>> {
    let row = sqlx::query("SELECT * FROM organizations WHERE id = $1")
        .param(id.0)
        .fetch_optional(pool.executor())
        .await?;
    row.as_ref().map(org_from_row::<DB>).transpose()
}

/// Root first, the organization last; empty when it does not exist.
pub async fn path<DB: Backend>(pool: &Pool<DB>, id: OrgId) -> Result<Vec<Organization>> {
    let rows = sqlx::query(
        "WITH RECURSIVE up(id, parent_id, kind, name, depth) AS (
             SELECT id, parent_id, kind, name, 0 FROM organizations WHERE id = $1
             UNION ALL
             SELECT o.id, o.parent_id, o.kind, o.name, up.depth + 1
             FROM organizations o JOIN up ON o.id = up.parent_id
             WHERE up.depth < 16
         )
         SELECT id, parent_id, kind, name FROM up ORDER BY depth DESC",
    )
    .param(id.0)
    .fetch_all(pool.executor())
    .await?;
    rows.iter().map(org_from_row::<DB>).collect()
}

/// These organizations and all their ancestors, in no particular order.
pub async fn ancestry<DB: Backend>(pool: &Pool<DB>, ids: &[OrgId]) -> Result<Vec<Organization>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // UNION, not UNION ALL: a corrupt cycle ends instead of looping.
    let sql = format!(
        "WITH RECURSIVE up(id) AS (
             SELECT id FROM organizations WHERE id IN ({})
             UNION
             SELECT o.parent_id FROM organizations o JOIN up ON o.id = up.id
             WHERE o.parent_id IS NOT NULL
         )
         SELECT * FROM organizations WHERE id IN (SELECT id FROM up)",
        DB::ids_in_json(1)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .param(json_array(ids)?)
        .fetch_all(pool.executor())
        .await?;
    rows.iter().map(org_from_row::<DB>).collect()
}

pub async fn create<DB: Backend>(
    pool: &Pool<DB>,
    parent: Option<OrgId>,
    kind: OrgKind,
    name: &str,
) -> Result<Organization> {
    let row = sqlx::query(
        "INSERT INTO organizations (parent_id, kind, name) VALUES ($1, $2, $3) RETURNING *",
    )
    .param(parent.map(|p| p.0))
    .param(kind.as_str())
    .param(name)
    .fetch_one(pool.executor())
    .await
    .map_err(map_err)?;
    org_from_row::<DB>(&row)
}

pub async fn committee_seats_of<DB: Backend>(
    pool: &Pool<DB>,
    account: AccountId,
) -> Result<Vec<OrgId>> {
    let rows = sqlx::query(
        "SELECT organization_id FROM committee_seats WHERE account_id = $1 ORDER BY organization_id",
    )
    .param(account.0)
    .fetch_all(pool.executor())
    .await?;
    rows.iter()
        .map(|r| Ok(OrgId(r.read("organization_id")?)))
        .collect()
}

pub async fn add_committee_seat<DB: Backend>(
    pool: &Pool<DB>,
    account: AccountId,
    org: OrgId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO committee_seats (account_id, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .param(account.0)
    .param(org.0)
    .execute(pool.executor())
    .await?;
    Ok(())
}

pub async fn assignments_of<DB: Backend>(
    pool: &Pool<DB>,
    account: AccountId,
) -> Result<Vec<OrgId>> {
    let rows =
        sqlx::query("SELECT cell_id FROM cell_assignments WHERE account_id = $1 ORDER BY cell_id")
            .param(account.0)
            .fetch_all(pool.executor())
            .await?;
    rows.iter().map(|r| Ok(OrgId(r.read("cell_id")?))).collect()
}

pub async fn add_assignment<DB: Backend>(
    pool: &Pool<DB>,
    account: AccountId,
    cell: OrgId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO cell_assignments (account_id, cell_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .param(account.0)
    .param(cell.0)
    .execute(pool.executor())
    .await?;
    Ok(())
}

pub async fn remove_assignment<DB: Backend>(
    pool: &Pool<DB>,
    account: AccountId,
    cell: OrgId,
) -> Result<bool> {
    let removed = sqlx::query(
        "DELETE FROM cell_assignments WHERE account_id = $1 AND cell_id = $2 RETURNING cell_id",
    )
    .param(account.0)
    .param(cell.0)
    .fetch_optional(pool.executor())
    .await?;
    Ok(removed.is_some())
}
