"""Commits to an MlopsPS table as another Iceberg writer would (written for the tests, sharing no code with MlopsPS):
reads the table's current metadata file from the SQL catalog, writes a manifest and a manifest list with Debian's
python3-avro and a Java-style metadata file (00005-<uuid>.metadata.json), then moves iceberg_tables with the
catalogs' compare-and-swap. Prints the new metadata location and snapshot id as JSON.

    /usr/bin/python3 foreign_commit.py CATALOG_DB NAMESPACE TABLE DATA_FILE RECORDS [--operation overwrite] [--truncate] [--catalog NAME]
"""
import json
import os
import random
import sqlite3
import sys
import time
import uuid
from urllib.parse import urlparse

import avro.schema
from avro.datafile import DataFileReader, DataFileWriter
from avro.io import DatumReader, DatumWriter

ENTRY_SCHEMA = {
    "type": "record", "name": "manifest_entry", "fields": [
        {"name": "status", "type": "int", "field-id": 0},
        {"name": "snapshot_id", "type": ["null", "long"], "default": None, "field-id": 1},
        {"name": "sequence_number", "type": ["null", "long"], "default": None, "field-id": 3},
        {"name": "file_sequence_number", "type": ["null", "long"], "default": None, "field-id": 4},
        {"name": "data_file", "field-id": 2, "type": {"type": "record", "name": "r2", "fields": [
            {"name": "content", "type": "int", "field-id": 134},
            {"name": "file_path", "type": "string", "field-id": 100},
            {"name": "file_format", "type": "string", "field-id": 101},
            {"name": "partition", "type": {"type": "record", "name": "r102", "fields": []}, "field-id": 102},
            {"name": "record_count", "type": "long", "field-id": 103},
            {"name": "file_size_in_bytes", "type": "long", "field-id": 104},
        ]}},
    ]}


def local(location):
    return urlparse(location).path


def main(argv):
    catalog_db, namespace, table, data_file, records = argv[:5]
    operation = argv[argv.index("--operation") + 1] if "--operation" in argv else "append"
    catalog = argv[argv.index("--catalog") + 1] if "--catalog" in argv else "mlops"
    db = sqlite3.connect(catalog_db)
    (old,) = db.execute(
        "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?",
        (catalog, namespace, table)).fetchone()
    with open(local(old)) as f:
        metadata = json.load(f)
    current = next(s for s in metadata["snapshots"] if s["snapshot-id"] == metadata["current-snapshot-id"])
    folder = os.path.dirname(local(old))
    snapshot_id = random.randint(1, 2**63 - 1)
    sequence = metadata["last-sequence-number"] + 1
    now_ms = int(time.time() * 1000) + 5

    manifest_path = os.path.join(folder, f"{uuid.uuid4()}-m0.avro")
    with open(manifest_path, "wb") as out:
        writer = DataFileWriter(out, DatumWriter(), avro.schema.parse(json.dumps(ENTRY_SCHEMA)), codec="deflate")
        writer.set_meta("format-version", b"2")
        writer.set_meta("content", b"data")
        writer.set_meta("partition-spec", b"[]")
        writer.set_meta("schema", json.dumps(metadata["schemas"][0]).encode())
        writer.append({"status": 1, "snapshot_id": snapshot_id, "sequence_number": sequence, "file_sequence_number": sequence,
                       "data_file": {"content": 0, "file_path": "file://" + data_file, "file_format": "PARQUET", "partition": {},
                                     "record_count": int(records), "file_size_in_bytes": os.path.getsize(data_file)}})
        writer.close()

    with open(local(current["manifest-list"]), "rb") as f:
        reader = DataFileReader(f, DatumReader())
        list_schema = reader.datum_reader.writers_schema
        carried = list(reader) if operation == "append" else []
        reader.close()
    list_path = os.path.join(folder, f"snap-{snapshot_id}-1-{uuid.uuid4()}.avro")
    with open(list_path, "wb") as out:
        writer = DataFileWriter(out, DatumWriter(), list_schema, codec="deflate")
        writer.set_meta("format-version", b"2")
        writer.set_meta("snapshot-id", str(snapshot_id).encode())
        for manifest in carried:
            writer.append(manifest)
        writer.append({"manifest_path": "file://" + manifest_path, "manifest_length": os.path.getsize(manifest_path),
                       "partition_spec_id": 0, "content": 0, "sequence_number": sequence, "min_sequence_number": sequence,
                       "added_snapshot_id": snapshot_id, "added_files_count": 1, "existing_files_count": 0,
                       "deleted_files_count": 0, "added_rows_count": int(records), "existing_rows_count": 0,
                       "deleted_rows_count": 0, "partitions": [], "key_metadata": None})
        writer.close()

    metadata["snapshots"].append({
        "snapshot-id": snapshot_id, "parent-snapshot-id": current["snapshot-id"], "sequence-number": sequence,
        "timestamp-ms": now_ms, "manifest-list": "file://" + list_path, "schema-id": 0,
        "summary": {"operation": operation, "added-data-files": "1", "added-records": str(records)}})
    metadata["snapshot-log"].append({"timestamp-ms": now_ms, "snapshot-id": snapshot_id})
    metadata["metadata-log"].append({"timestamp-ms": metadata["last-updated-ms"], "metadata-file": old})
    metadata["current-snapshot-id"] = snapshot_id
    metadata["refs"] = {"main": {"snapshot-id": snapshot_id, "type": "branch"}}
    metadata["last-sequence-number"] = sequence
    metadata["last-updated-ms"] = now_ms
    new = os.path.join(folder, f"{len(metadata['metadata-log']) + 1:05d}-{uuid.uuid4()}.metadata.json")
    text = json.dumps(metadata, indent=2)
    if "--truncate" in argv:
        text = text[: len(text) // 2]
    with open(new, "w") as f:
        f.write(text)

    changed = db.execute(
        "UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? "
        "WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?",
        ("file://" + new, old, catalog, namespace, table, old)).rowcount
    db.commit()
    if changed != 1:
        sys.exit("another writer committed first")
    json.dump({"metadata_location": "file://" + new, "previous": old, "snapshot_id": str(snapshot_id)}, sys.stdout)


main(sys.argv[1:])
