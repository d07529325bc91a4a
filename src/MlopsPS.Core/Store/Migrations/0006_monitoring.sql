-- Monitoring: every prediction a scoring host made, the true labels that arrive later, and whether an endpoint
-- tracks its predictions at all.
ALTER TABLE endpoints ADD COLUMN tracking_enabled INTEGER NOT NULL DEFAULT 1;

CREATE TABLE predictions (
    prediction_id  TEXT PRIMARY KEY,          -- the id returned to the caller (a UUID)
    endpoint_name  TEXT NOT NULL,
    deployment_id  TEXT NOT NULL,
    model_name     TEXT NOT NULL,
    model_version  INTEGER NOT NULL,
    predicted_at   INTEGER NOT NULL,          -- unix ms
    inputs_json    TEXT NOT NULL,             -- {"feature": value, ...} in signature order
    prediction     TEXT NOT NULL,             -- the class label returned
    probability    REAL NOT NULL,             -- P(second class label)
    latency_us     INTEGER NOT NULL           -- the latency of the request that carried it
) WITHOUT ROWID;
CREATE INDEX predictions_by_endpoint_time ON predictions(endpoint_name, predicted_at);

-- Delayed ground truth, as the lab's track_delayed_metrics: one true label per prediction, the latest wins.
CREATE TABLE ground_truth (
    prediction_id TEXT PRIMARY KEY REFERENCES predictions(prediction_id),
    label         TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL
) WITHOUT ROWID;
