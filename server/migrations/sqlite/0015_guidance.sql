-- A committee's monthly guidance (định hướng sinh hoạt) for the cells below
-- it: posts, their documents in chunks (as meetings' documents are: a file
-- is invisible until complete, a failed upload deletes it with its chunks),
-- and who opened each post, first time only.
CREATE TABLE guidance_posts (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES organizations(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    posted_at TEXT NOT NULL,
    posted_by INTEGER NOT NULL REFERENCES accounts(id)
);
CREATE INDEX guidance_posts_month ON guidance_posts(year, month, committee_id);

CREATE TABLE guidance_files (
    id INTEGER PRIMARY KEY,
    guidance_id INTEGER NOT NULL REFERENCES guidance_posts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT CHECK (kind IN ('pdf', 'doc', 'docx', 'xls', 'xlsx', 'png', 'jpeg', 'webp')),
    size INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
    complete INTEGER NOT NULL DEFAULT 0,
    uploaded_at TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES accounts(id)
);
CREATE INDEX guidance_files_post ON guidance_files(guidance_id);

CREATE TABLE guidance_file_chunks (
    file_id INTEGER NOT NULL REFERENCES guidance_files(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    data BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
) WITHOUT ROWID;

CREATE TABLE guidance_opens (
    guidance_id INTEGER NOT NULL REFERENCES guidance_posts(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    opened_at TEXT NOT NULL,
    PRIMARY KEY (guidance_id, account_id)
) WITHOUT ROWID;
