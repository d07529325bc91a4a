"""The Python anchor of the serving benchmarks: the scoring server a Python user would write.

FastAPI + uvicorn (one worker), the request body parsed into a pandas DataFrame, and xgboost predicting with the
same model.json the MlopsPS host serves. Single-row predictions run with one thread (on 2 cores a second OpenMP
thread only adds fork cost, and 2 uvicorn workers were slower than 1: see REFERENCE.md).

    /usr/bin/python3 fastapi_server.py --model model.json --port 8001
"""
import argparse

import pandas as pd
import uvicorn
import xgboost as xgb
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--port", type=int, default=8001)
parser.add_argument("--threshold", type=float, default=0.5)
args = parser.parse_args()

booster = xgb.Booster(model_file=args.model)
booster.set_param({"nthread": 1})
app = FastAPI()


@app.get("/ping")
def ping():
    return JSONResponse("\n")


@app.post("/invocations")
async def invocations(request: Request):
    body = await request.json()
    split = body["dataframe_split"]
    frame = pd.DataFrame(split["data"], columns=split["columns"])
    probabilities = booster.inplace_predict(frame)
    predictions = (probabilities >= args.threshold).astype(int).tolist()
    return {"predictions": predictions}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=args.port, workers=1, log_level="warning", access_log=False)
