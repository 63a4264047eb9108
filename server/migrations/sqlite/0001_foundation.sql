-- Organization tree, members, accounts, sessions, committee seats and assignments.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES organizations(id),
    kind TEXT NOT NULL CHECK (kind IN ('party_committee', 'grassroots_committee', 'cell', 'group')),
    name TEXT NOT NULL
);
CREATE INDEX organizations_parent ON organizations(parent_id);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    full_name TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date TEXT,
    admitted_on TEXT,
    full_member_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('full', 'probationary', 'exempted', 'transferred_out')),
    role TEXT NOT NULL CHECK (role IN ('secretary', 'deputy_secretary', 'committee_member', 'member')),
    card_number TEXT UNIQUE
);
CREATE INDEX members_cell ON members(cell_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    member_id INTEGER UNIQUE REFERENCES members(id),
    is_admin INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE committee_seats (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (account_id, organization_id)
);

CREATE TABLE cell_assignments (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (account_id, cell_id)
);
