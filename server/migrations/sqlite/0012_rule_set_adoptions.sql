-- Rule sets chosen by committees (bộ quy tắc): every adoption is kept, never
-- edited; the one in force on a day is the latest effective date not after
-- it (the latest version among those of that day). `choice` is the JSON of
-- `shared::rules::adoption::Choice`: a built-in's name, or a whole own set.
CREATE TABLE rule_set_adoptions (
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    effective_from TEXT NOT NULL,
    choice TEXT NOT NULL,
    decision TEXT NOT NULL,
    adopted_by INTEGER NOT NULL REFERENCES accounts(id),
    adopted_at TEXT NOT NULL,
    PRIMARY KEY (org_id, version)
) WITHOUT ROWID;
