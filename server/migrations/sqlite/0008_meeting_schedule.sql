-- Cancelling and rescheduling a meeting not yet opened. Added as columns, not
-- as a new status: SQLite cannot change the status CHECK in place, and a
-- cancelled meeting keeps its status 'scheduled' (it was never opened).
ALTER TABLE meetings ADD COLUMN cancelled_at TEXT;
ALTER TABLE meetings ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
-- The time first registered, kept across later changes of date.
ALTER TABLE meetings ADD COLUMN rescheduled_from TEXT;
ALTER TABLE meetings ADD COLUMN reschedule_reason TEXT NOT NULL DEFAULT '';
