-- The documents of a meeting's agenda items (tài liệu sinh hoạt), stored in
-- the database so every server instance serves them with no other service.
-- A file is written in chunks as its upload arrives; until it is complete
-- (its type checked from the content) it is invisible, and a failed upload
-- deletes it with its chunks. "Late" is derived from the upload time and the
-- meeting's date, never stored.
CREATE TABLE meeting_files (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    item_index INTEGER NOT NULL CHECK (item_index >= 0),
    name TEXT NOT NULL,
    kind TEXT CHECK (kind IN ('pdf', 'doc', 'docx', 'xls', 'xlsx', 'png', 'jpeg', 'webp')),
    size INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
    complete INTEGER NOT NULL DEFAULT 0,
    uploaded_at TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES accounts(id)
);
CREATE INDEX meeting_files_meeting ON meeting_files(meeting_id, item_index);

CREATE TABLE meeting_file_chunks (
    file_id INTEGER NOT NULL REFERENCES meeting_files(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    data BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
) WITHOUT ROWID;

-- Who downloaded which document, first time only.
CREATE TABLE meeting_file_opens (
    file_id INTEGER NOT NULL REFERENCES meeting_files(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    opened_at TEXT NOT NULL,
    PRIMARY KEY (file_id, account_id)
) WITHOUT ROWID;
