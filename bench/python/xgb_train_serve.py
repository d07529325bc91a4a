"""The training anchor as a long-lived process, for benchmarks that alternate it with ours run by run.

    /usr/bin/python3 xgb_train_serve.py --rounds 100 --nthread 2 --params '{"seed": 42}'

Reads one folder per line on stdin (train_x.npy, train_y.npy, test_x.npy, test_y.npy, as MlopsPS.Benchmarks
export-split writes them), loads its arrays once, and answers each line with one JSON line: train_seconds covers
building both DMatrix objects and xgb.train with the test set evaluated every round, as xgb_train_predict.py
--train-only times it. Kept running so that each run is seconds away from the run of ours it is paired with; a
fresh process per run would put a second or two of start-up between them.
"""

import argparse
import json
import sys
import time

import numpy as np
import xgboost as xgb

from xgb_train_predict import DEFAULT_PARAMS


def load(folder: str):
    arrays = [np.load(f"{folder}/{name}.npy") for name in ("train_x", "train_y", "test_x", "test_y")]
    return [np.ascontiguousarray(a, dtype=np.float32) for a in arrays]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--params", default="{}", help="JSON object of booster parameters overriding the defaults")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--nthread", type=int, default=2)
    args = parser.parse_args()
    params = dict(DEFAULT_PARAMS)
    params.update(json.loads(args.params))
    params["nthread"] = args.nthread

    loaded = {}
    for line in sys.stdin:
        folder = line.strip()
        if not folder:
            continue
        if folder not in loaded:
            loaded[folder] = load(folder)
        x, y, eval_x, eval_y = loaded[folder]
        start = time.perf_counter()
        dtrain = xgb.DMatrix(x, label=y, missing=np.nan, nthread=args.nthread)
        deval = xgb.DMatrix(eval_x, label=eval_y, missing=np.nan, nthread=args.nthread)
        dmatrix_seconds = time.perf_counter() - start
        xgb.train(params, dtrain, num_boost_round=args.rounds, evals=[(deval, "test")], verbose_eval=False)
        train_seconds = time.perf_counter() - start
        del dtrain, deval
        print(json.dumps({"train_seconds": round(train_seconds, 4), "dmatrix_seconds": round(dmatrix_seconds, 4)}), flush=True)


if __name__ == "__main__":
    main()
