-- Registered cell meetings; the agenda is kept as JSON text.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    cell_id INTEGER NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL CHECK (kind IN ('regular', 'thematic', 'combined')),
    mode TEXT NOT NULL CHECK (mode IN ('in_person', 'online', 'hybrid')),
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'live', 'closed')),
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    place TEXT NOT NULL,
    video_link TEXT NOT NULL,
    chair_id INTEGER REFERENCES members(id),
    secretary_id INTEGER REFERENCES members(id),
    agenda TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE INDEX meetings_cell_start ON meetings(cell_id, starts_at);
