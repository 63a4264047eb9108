-- The meeting's audio across several instances (docs/live-server.md, "Audio
-- on several instances"). One key for every instance: the first to start
-- inserts it, the others read it; it signals offers relayed between them.
CREATE TABLE live_cluster_key (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL
);

-- Which instance runs a meeting's audio (its address as the other instances
-- reach it): the first to get an offer claims it, another takes it over when
-- it cannot be reached.
CREATE TABLE live_media_hosts (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    host TEXT NOT NULL
);
