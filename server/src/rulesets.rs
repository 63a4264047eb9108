//! The rule set in force for an organization on a day: its path's adoptions
//! from storage, the choice by `shared::rules::adoption::applicable`. Every
//! place that applies rules asks here.

use crate::storage::{StorageError, Store};
use chrono::NaiveDate;
use shared::OrgId;
use shared::rules::RuleSet;
use shared::rules::adoption::{self, Applicable, OrgAdoptions};

/// The set that applies to `org` on `on`, and where it comes from.
pub async fn applicable(
    store: &Store,
    org: OrgId,
    on: NaiveDate,
) -> Result<Applicable, StorageError> {
    let path = store.org_path(org).await?;
    let ids: Vec<OrgId> = path.iter().map(|o| o.id).collect();
    let mut all = store.rule_set_adoptions(&ids).await?;
    let path: Vec<OrgAdoptions> = path
        .into_iter()
        .map(|o| {
            let (mine, rest): (Vec<_>, Vec<_>) = all.drain(..).partition(|a| a.org_id == o.id);
            all = rest;
            OrgAdoptions {
                org_id: o.id,
                org_name: o.name,
                adoptions: mine,
            }
        })
        .collect();
    Ok(adoption::applicable(&path, on))
}

/// The rules that apply to `org` on `on` (the national default when no
/// committee above it chose any).
pub async fn for_org(store: &Store, org: OrgId, on: NaiveDate) -> Result<RuleSet, StorageError> {
    Ok(applicable(store, org, on).await?.rules)
}
