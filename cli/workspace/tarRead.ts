/**
 * Reads the regular files of a tar archive held in memory (what the engine's archive endpoint
 * returns for the small `.buildenv-sync` directory): ustar names with their prefix field, and PAX
 * `path` records, which is what Go's archive/tar writes (moby pkg/archive, and VIC's).
 */
const BLOCK = 512;

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString("utf8");
}

function paxPath(data: Buffer): string | undefined {
  let rest = data.toString("utf8");
  while (rest.length > 0) {
    const space = rest.indexOf(" ");
    const length = Number(rest.slice(0, space));
    if (!Number.isInteger(length) || length <= 0) return undefined;
    const record = Buffer.from(rest, "utf8").subarray(0, length).toString("utf8");
    const [key, ...value] = record.slice(space + 1, -1).split("=");
    if (key === "path") return value.join("=");
    rest = Buffer.from(rest, "utf8").subarray(length).toString("utf8");
  }
  return undefined;
}

/** Path (as in the archive, without a leading `./`) → content, for each regular file. */
export function readTarFiles(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let nextName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const size = parseInt(field(block, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(block[156]);
    const prefix = field(block, 345, 155);
    const name = nextName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    const data = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      nextName = paxPath(data);
      continue;
    }
    nextName = undefined;
    if (type === "0" || type === "\0") {
      files.set(name.replace(/^\.\//, ""), Buffer.from(data));
    }
  }
  return files;
}
