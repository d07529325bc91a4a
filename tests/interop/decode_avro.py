"""Decodes Avro container files with Debian's python3-avro, a reader that shares no code with MlopsPS, and prints
one JSON object per file: the file metadata (format-version, schema, partition-spec, content, ...), the writer's
schema exactly as stored in the file (with its field-id attributes), and every record (bytes as hex).

    /usr/bin/python3 decode_avro.py FILE...
"""
import json
import sys

from avro.datafile import DataFileReader
from avro.io import DatumReader


def plain(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def decode(path):
    with open(path, "rb") as stream:
        reader = DataFileReader(stream, DatumReader())
        metadata = {key: value.decode("utf-8") for key, value in reader.meta.items() if not key.startswith("avro.")}
        schema = json.loads(reader.meta["avro.schema"].decode("utf-8"))
        codec = reader.meta.get("avro.codec", b"null").decode("utf-8")
        records = [plain(record) for record in reader]
        reader.close()
    return {"path": path, "codec": codec, "metadata": metadata, "schema": schema, "records": records}


json.dump([decode(path) for path in sys.argv[1:]], sys.stdout)
