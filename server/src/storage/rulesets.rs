//! Rule sets chosen by committees: every adoption of an organization, kept
//! with who adopted it and when (migration 0012). Which one applies is
//! `shared::rules::adoption`'s.

use super::sql::{Backend, BindParam, PoolExecutor, ReadColumn, json_array};
use super::{Result, StorageError};
use chrono::{NaiveDate, NaiveDateTime};
use shared::rules::adoption::{Adoption, Choice};
use shared::{AccountId, OrgId};
use sqlx::Pool;

/// A new adoption; its version is the next of its organization.
#[derive(Debug, Clone)]
pub struct NewAdoption {
    pub org_id: OrgId,
    pub version: u32,
    pub effective_from: NaiveDate,
    pub choice: Choice,
    pub decision: String,
    pub adopted_by: AccountId,
    pub adopted_at: NaiveDateTime,
}

/// The adoptions of these organizations, by organization, newest first.
pub async fn of_orgs<DB: Backend>(pool: &Pool<DB>, orgs: &[OrgId]) -> Result<Vec<Adoption>> {
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    let ids = json_array(orgs)?;
    let sql = format!(
        "SELECT r.org_id, r.version, r.effective_from, r.choice, r.decision, r.adopted_at,
                a.display_name
         FROM rule_set_adoptions r JOIN accounts a ON a.id = r.adopted_by
         WHERE r.org_id IN ({}) ORDER BY r.org_id, r.version DESC",
        DB::ids_in_json(1)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .param(ids)
        .fetch_all(pool.executor())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let version: i64 = r.read("version")?;
        let choice: String = r.read("choice")?;
        out.push(Adoption {
            org_id: OrgId(r.read("org_id")?),
            version: u32::try_from(version)
                .map_err(|_| StorageError::Corrupt(format!("phiên bản bộ quy tắc {version}")))?,
            effective_from: r.read("effective_from")?,
            choice: serde_json::from_str(&choice)
                .map_err(|e| StorageError::Corrupt(format!("bộ quy tắc đã lưu: {e}")))?,
            decision: r.read("decision")?,
            adopted_by: r.read("display_name")?,
            adopted_at: r.read("adopted_at")?,
        });
    }
    Ok(out)
}

/// Stores an adoption. A version another request took meanwhile is a conflict.
pub async fn adopt<DB: Backend>(pool: &Pool<DB>, new: &NewAdoption) -> Result<()> {
    let choice =
        serde_json::to_string(&new.choice).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO rule_set_adoptions
         (org_id, version, effective_from, choice, decision, adopted_by, adopted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .param(new.org_id.0)
    .param(i64::from(new.version))
    .param(new.effective_from)
    .param(choice)
    .param(new.decision.as_str())
    .param(new.adopted_by.0)
    .param(new.adopted_at)
    .execute(pool.executor())
    .await
    .map_err(|e| match super::sql::map_err(e) {
        StorageError::Conflict(_) => StorageError::Conflict(shared::i18n::Localized::new(
            "rules_changed",
            "Bộ quy tắc vừa được người khác thay đổi; hãy tải lại trang rồi chọn lại.",
            "Someone else has just changed the rule set; reload the page and choose again.",
        )),
        other => other,
    })?;
    Ok(())
}
