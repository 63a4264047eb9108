-- A member temporarily attached to another party organization (sinh hoạt tạm
-- thời): its name and the first and last days; all NULL when there is none,
-- attached_until alone NULL while no end is set.
ALTER TABLE members ADD COLUMN attached_organization TEXT;
ALTER TABLE members ADD COLUMN attached_from DATE;
ALTER TABLE members ADD COLUMN attached_until DATE;
