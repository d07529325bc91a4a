// Reads an Iceberg table with icebird, an Iceberg reader that shares no code with MlopsPS, and prints what it saw
// as one JSON object: the rows of the current snapshot (or of an older metadata file, for time travel) and the
// data files and snapshot ids the manifests name. 64-bit ids are printed as strings from the Avro manifests:
// icebird parses metadata.json with JSON.parse, which rounds them.
//
//   node read-iceberg.mjs <table location file:///...> [metadata file name, e.g. v2.metadata.json]
import { promises as fs } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { icebergManifests, icebergMetadata, icebergRead } from 'icebird'

// icebird reaches every file through the global fetch; this serves file:// URLs, with HEAD and Range as HTTP
// servers answer them.
const networkFetch = globalThis.fetch
globalThis.fetch = async (input, init = {}) => {
  const url = typeof input === 'string' ? input : input.url
  if (!url.startsWith('file:')) return networkFetch(input, init)
  const path = fileURLToPath(url)
  let stat
  try {
    stat = await fs.stat(path)
  } catch {
    return new Response(null, { status: 404, statusText: 'Not Found' })
  }
  if ((init.method ?? 'GET').toUpperCase() === 'HEAD') {
    return new Response(null, { status: 200, headers: { 'content-length': String(stat.size) } })
  }
  const headers = new Headers(init.headers)
  const range = /^bytes=(\d+)-(\d*)$/.exec(headers.get('range') ?? '')
  if (!range) {
    return new Response(await fs.readFile(path), { status: 200, headers: { 'content-length': String(stat.size) } })
  }
  const start = Number(range[1])
  const end = range[2] === '' ? stat.size - 1 : Math.min(Number(range[2]), stat.size - 1)
  const handle = await fs.open(path)
  try {
    const buffer = Buffer.alloc(end - start + 1)
    await handle.read(buffer, 0, buffer.length, start)
    return new Response(buffer, {
      status: 206,
      headers: { 'content-length': String(buffer.length), 'content-range': `bytes ${start}-${end}/${stat.size}` },
    })
  } finally {
    await handle.close()
  }
}

const [tableUrl, metadataFileName] = process.argv.slice(2)
const metadata = await icebergMetadata({ tableUrl, metadataFileName })
const rows = await icebergRead({ tableUrl, metadata })
const manifests = await icebergManifests(metadata)
const entries = manifests.flatMap(m => m.entries)
const result = {
  formatVersion: metadata['format-version'],
  rowCount: rows.length,
  rows,
  dataFiles: entries.map(e => e.data_file.file_path),
  entrySnapshotIds: entries.map(e => e.snapshot_id),
  manifests: manifests.map(m => m.url),
}
process.stdout.write(JSON.stringify(result, (_, value) =>
  typeof value === 'bigint' ? value.toString() : value instanceof Date ? value.toISOString() : value))
