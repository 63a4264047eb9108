-- Cancelling and rescheduling a meeting not yet opened. Added as columns, not
-- as a new status, as in SQLite: a cancelled meeting keeps its status
-- 'scheduled' (it was never opened).
ALTER TABLE meetings ADD COLUMN cancelled_at TIMESTAMP;
ALTER TABLE meetings ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
-- The time first registered, kept across later changes of date.
ALTER TABLE meetings ADD COLUMN rescheduled_from TIMESTAMP;
ALTER TABLE meetings ADD COLUMN reschedule_reason TEXT NOT NULL DEFAULT '';
