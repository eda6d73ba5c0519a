-- A mention that gives no day of its own is dated by its article's publication day: the event
-- happened on that day or shortly before. Its spot keeps that day so that consolidation only
-- matches it with reports of the days around it (before, an undated report matched any day).
-- Spots written before this step keep no publication day and still match any day.
ALTER TABLE spots ADD COLUMN reported TEXT;
