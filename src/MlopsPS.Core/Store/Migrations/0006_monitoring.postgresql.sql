-- PostgreSQL's form of 0006_monitoring.sql. PostgreSQL stores begin at a later schema than 0006's prediction table:
-- 0007 creates the prediction log and ground truth in their present form directly, so here only the tracking switch.
ALTER TABLE endpoints ADD COLUMN tracking_enabled BIGINT NOT NULL DEFAULT 1;
