#!/usr/bin/python3
"""Times XGBoost training and prediction in Python, for comparison with MlopsPS's C# binding.

Run it with the system Python (/usr/bin/python3, Debian's python3-xgboost): a pyenv python3 on PATH
has no xgboost. Both sides then use the same libxgboost, so the comparison measures the bindings.

    # once: a synthetic 1,000,000 x 4 float32 matrix and 0/1 labels
    /usr/bin/python3 xgb_train_predict.py --generate 1000000 --data x.npy --labels y.npy
    # the measurement
    /usr/bin/python3 xgb_train_predict.py --data x.npy --labels y.npy --rounds 100 --nthread 2

Prints one JSON object. train_seconds covers building the training DMatrix (and the --eval-data one) and
xgb.train, as Invoke-Retrain's training does all three; --train-only skips the predictions. peak_rss_growth_kb is
the process's peak resident memory (VmHWM) at the end less its peak before the data was loaded. predict_seconds builds a fresh DMatrix from --predict-data (default: the training
matrix, loaded again) and predicts: predicting on the training DMatrix would hit its prediction cache.
inplace_predict_seconds is Booster.inplace_predict on the same rows, the path the C# model uses;
single_row_predict_us the mean of inplace_predict on one-row arrays (the booster's nthread applies).
"""

import argparse
import json
import re
import time

import numpy as np
import xgboost as xgb

# The lab's XGBClassifier(eval_metric="logloss") as MlopsPS's XGBoostParameters.Default sends it.
DEFAULT_PARAMS = {
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "max_depth": 6,
    "eta": 0.3,
    "tree_method": "hist",
    "seed": 0,
}


def generate(rows: int, data_path: str, labels_path: str, seed: int) -> None:
    """Four uniform features in [-1, 1]; the label depends on the first two plus noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(rows, 4)).astype(np.float32)
    score = x[:, 0] + 0.5 * x[:, 1] + rng.uniform(-0.3, 0.3, size=rows)
    y = (score > 0).astype(np.float32)
    np.save(data_path, x)
    np.save(labels_path, y)


def peak_rss_kb() -> int:
    """The process's peak resident set size so far (VmHWM), in KiB; 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return int(re.search(r"^VmHWM:\s+(\d+)", status.read(), re.MULTILINE).group(1))
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="float32 .npy matrix, rows x features")
    parser.add_argument("--labels", help="float32 .npy vector of 0/1 labels (needed unless --model is given)")
    parser.add_argument("--generate", type=int, metavar="ROWS", help="write synthetic --data/--labels and exit")
    parser.add_argument("--seed", type=int, default=0, help="seed for --generate")
    parser.add_argument("--predict-data", help="float32 .npy matrix to predict (default: --data)")
    parser.add_argument("--eval-data", help="float32 .npy matrix evaluated after every round, as Invoke-Retrain's test split")
    parser.add_argument("--eval-labels", help="float32 .npy labels of --eval-data")
    parser.add_argument("--model", help="load this model instead of training (only the predictions are timed)")
    parser.add_argument("--params", default="{}", help="JSON object of booster parameters overriding the defaults")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--nthread", type=int, default=0, help="0 = all cores")
    parser.add_argument("--single-row-samples", type=int, default=10000,
                        help="time inplace_predict on this many 1-row arrays (a scoring server's load)")
    parser.add_argument("--train-only", action="store_true", help="time the training only, no predictions")
    parser.add_argument("--save-model", help="write the trained model here (.json)")
    parser.add_argument("--save-predictions", help="write the predictions here (.npy)")
    args = parser.parse_args()

    if args.generate:
        generate(args.generate, args.data, args.labels, args.seed)
        return

    params = dict(DEFAULT_PARAMS)
    params.update(json.loads(args.params))
    if args.nthread > 0:
        params["nthread"] = args.nthread

    peak_before_kb = peak_rss_kb()
    x = np.ascontiguousarray(np.load(args.data), dtype=np.float32)
    dmatrix_seconds = train_seconds = dmatrix_cpu_seconds = train_cpu_seconds = 0.0
    if args.model:
        booster = xgb.Booster(model_file=args.model)
        booster.set_param({"nthread": args.nthread} if args.nthread > 0 else {})
    else:
        y = np.load(args.labels)
        eval_x = eval_y = None
        if args.eval_data:
            eval_x = np.ascontiguousarray(np.load(args.eval_data), dtype=np.float32)
            eval_y = np.load(args.eval_labels)
        # Timed from here: the rows are in memory, as Invoke-Retrain's are once the table is read and split.
        start = time.perf_counter()
        cpu_start = time.process_time()
        dtrain = xgb.DMatrix(x, label=y, missing=np.nan, nthread=args.nthread or -1)
        evals = []
        if eval_x is not None:
            evals = [(xgb.DMatrix(eval_x, label=eval_y, missing=np.nan, nthread=args.nthread or -1), "test")]
        dmatrix_seconds = time.perf_counter() - start
        dmatrix_cpu_seconds = time.process_time() - cpu_start
        booster = xgb.train(params, dtrain, num_boost_round=args.rounds, evals=evals, verbose_eval=False)
        train_seconds = time.perf_counter() - start
        train_cpu_seconds = time.process_time() - cpu_start
        del dtrain, evals

    result = {
        "binding": "python",
        "xgboost_version": xgb.__version__,
        "rows": int(x.shape[0]),
        "columns": int(x.shape[1]),
        "rounds": args.rounds,
        "nthread": args.nthread,
        "params": params,
        "dmatrix_seconds": round(dmatrix_seconds, 4),
        "train_seconds": round(train_seconds, 4),
        "dmatrix_cpu_seconds": round(dmatrix_cpu_seconds, 4),
        "train_cpu_seconds": round(train_cpu_seconds, 4),
        "peak_rss_growth_kb": peak_rss_kb() - peak_before_kb,
    }
    if args.train_only:
        if args.save_model:
            booster.save_model(args.save_model)
        print(json.dumps(result))
        return

    rows = np.ascontiguousarray(np.load(args.predict_data or args.data), dtype=np.float32)
    names = booster.feature_names  # a model trained by MlopsPS carries its feature names
    booster.predict(xgb.DMatrix(rows[:1000], missing=np.nan, feature_names=names))  # warm-up, as the C# side does
    predict_seconds = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        predictions = booster.predict(xgb.DMatrix(rows, missing=np.nan, nthread=args.nthread or -1, feature_names=names))
        predict_seconds = min(predict_seconds, time.perf_counter() - start)

    start = time.perf_counter()
    inplace = booster.inplace_predict(rows, missing=np.nan)
    inplace_predict_seconds = time.perf_counter() - start

    singles = [rows[i:i + 1] for i in range(min(args.single_row_samples, rows.shape[0]))]
    for single in singles[:1000]:
        booster.inplace_predict(single, missing=np.nan)
    start = time.perf_counter()
    for single in singles:
        booster.inplace_predict(single, missing=np.nan)
    single_row_predict_us = (time.perf_counter() - start) / max(len(singles), 1) * 1e6

    if args.save_model:
        booster.save_model(args.save_model)
    if args.save_predictions:
        np.save(args.save_predictions, predictions.astype(np.float32))

    result.update({
        "predict_rows": int(rows.shape[0]),
        "predict_seconds": round(predict_seconds, 4),
        "inplace_predict_seconds": round(inplace_predict_seconds, 4),
        "single_row_predict_us": round(single_row_predict_us, 2),
        "prediction_mean": float(np.mean(predictions)),
        "max_abs_inplace_vs_dmatrix": float(np.max(np.abs(inplace - predictions))),
    })
    print(json.dumps(result))


if __name__ == "__main__":
    main()
