/**
 * What `sync` keeps on the source volume, in `.buildenv-sync/`, to send only what changed:
 * - `manifest`: the synced files as `git ls-tree -r -l` prints them (mode, type, blob id, size,
 *   quoted path), behind a header naming the sync that wrote it. Written last: while it names
 *   the same sync as `pending`, the volume holds exactly the tree it describes.
 * - `pending`: the journal, written first: which sync is under way, and every path it is about to
 *   write or remove. A sync that finds a `pending` whose sync is not the manifest's was
 *   interrupted: it trusts the manifest for every other path and sends or removes those again.
 * Pure: the sync verb (workspace/sync.ts) reads and writes these through the engine.
 */
import { compareUtf8, quotePath } from "../../components/image/gitFormat";

/** The directory, inside the source volume, of the manifest and journal. */
export const SYNC_DIR = ".buildenv-sync";
export const MANIFEST_FILE = `${SYNC_DIR}/manifest`;
export const PENDING_FILE = `${SYNC_DIR}/pending`;
/** The paths the removal script deletes, one per line. */
export const REMOVE_FILE = `${SYNC_DIR}/remove`;
/** With `--clean`: every path to keep, one per line as `find` prints it (`./<path>`). */
export const KEEP_FILE = `${SYNC_DIR}/keep`;

const HEADER = "# buildenv sync manifest v1 sync ";

/** git's id of the empty tree: a directory the checkout lists (a nested repository) is empty. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** One synced path. */
export interface SyncEntry {
  /** As git writes it; `040000` for a directory the checkout lists (a nested repository). */
  mode: "100644" | "100755" | "120000" | "040000";
  /** The git blob id (of the link text for a symlink); EMPTY_TREE for a directory. */
  sha1: string;
  /** Bytes (of the link text for a symlink); 0 for a directory. */
  size: number;
  /** Relative to the volume's root, `/`-separated, unquoted. */
  path: string;
}

/** One entry's line, as `git ls-tree -r -l` prints it. */
export function manifestLine(e: SyncEntry): string {
  const type = e.mode === "040000" ? "tree" : "blob";
  const size = e.mode === "040000" ? "-" : String(e.size);
  return `${e.mode} ${type} ${e.sha1} ${size.padStart(7)}\t${quotePath(e.path)}\n`;
}

/** The manifest's first line, naming the sync that wrote it. */
export function manifestHeader(syncId: string): string {
  return `${HEADER}${syncId}\n`;
}

/** The manifest's text: its header, then one `git ls-tree -r -l` line per entry in git's order. */
export function formatManifest(syncId: string, entries: readonly SyncEntry[]): string {
  // git orders a tree entry as its name and `/` (git read-cache.c base_name_compare, in tree.c
  // in newer git; the test checks the system git's ls-tree).
  const key = (e: SyncEntry) => (e.mode === "040000" ? `${e.path}/` : e.path);
  const lines = [...entries].sort((a, b) => compareUtf8(key(a), key(b))).map(manifestLine);
  return `${manifestHeader(syncId)}${lines.join("")}`;
}

/** The inverse of quotePath: a path in double quotes with C escapes, else as it is. */
export function unquotePath(text: string): string {
  if (!text.startsWith('"')) {
    return text;
  }
  const escapes: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };
  const bytes: number[] = [];
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i];
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"));
      continue;
    }
    const next = text[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

export interface Manifest {
  syncId: string;
  entries: Map<string, SyncEntry>;
}

const SHA1_HEX = /^[0-9a-f]{40}$/;
const SIZE = /^ *(\d+|-)$/;
const TYPES: Record<string, SyncEntry["mode"] | undefined> = {
  "100644 blob": "100644",
  "100755 blob": "100755",
  "120000 blob": "120000",
  "040000 tree": "040000",
};

/** The entry of the line `text.slice(start, end)` (without its newline), or undefined. */
function parseLine(text: string, start: number, end: number): SyncEntry | undefined {
  const tab = text.indexOf("\t", start);
  const mode = TYPES[text.slice(start, start + 11)];
  const sha1 = text.slice(start + 12, start + 52);
  const size = tab === -1 ? null : SIZE.exec(text.slice(start + 53, tab));
  if (
    mode === undefined ||
    text[start + 11] !== " " ||
    text[start + 52] !== " " ||
    tab === -1 ||
    tab > end - 2 ||
    !SHA1_HEX.test(sha1) ||
    size === null ||
    (size[1] === "-") !== (mode === "040000")
  ) {
    return undefined;
  }
  const path = unquotePath(text.slice(tab + 1, end));
  return { mode, sha1, size: size[1] === "-" ? 0 : Number(size[1]), path };
}

/**
 * The manifest in `text`, or undefined when it is not one (then nothing of it is trusted). Read
 * by the fixed columns manifestLine writes (mode, type, 40 hex digits, size, tab, path) rather
 * than by one regular expression per line, which took a sync of 20,000 files 30 ms.
 */
export function parseManifest(text: string): Manifest | undefined {
  if (!text.startsWith(HEADER) || !text.endsWith("\n")) {
    return undefined;
  }
  const headerEnd = text.indexOf("\n");
  const syncId = text.slice(HEADER.length, headerEnd);
  const entries = new Map<string, SyncEntry>();
  for (let start = headerEnd + 1; start < text.length;) {
    const end = text.indexOf("\n", start);
    const entry = parseLine(text, start, end);
    if (entry === undefined) return undefined;
    entries.set(entry.path, entry);
    start = end + 1;
  }
  return { syncId, entries };
}

/** The sync that wrote the manifest `text`, or undefined when `text` is not a manifest's. */
export function manifestSyncId(text: string): string | undefined {
  const headerEnd = text.indexOf("\n");
  return text.startsWith(HEADER) && headerEnd !== -1
    ? text.slice(HEADER.length, headerEnd)
    : undefined;
}

/**
 * Where the line of `path` is in the manifest `text` (a manifest parseManifest accepts), found
 * without reading the others: a path is the only tab-led, newline-ended run of its line, since
 * quotePath escapes tabs and newlines.
 */
export function findLine(
  text: string,
  path: string,
): { start: number; end: number; entry: SyncEntry } | undefined {
  const needle = `\t${quotePath(path)}\n`;
  const at = text.indexOf(needle);
  if (at === -1) return undefined;
  const start = text.lastIndexOf("\n", at) + 1;
  const end = at + needle.length;
  const entry = parseLine(text, start, end - 1);
  return entry?.path === path ? { start, end, entry } : undefined;
}

/** The journal of a sync under way. */
export interface Pending {
  syncId: string;
  /** Paths this sync writes (added or changed). */
  write: string[];
  /** Paths this sync removes. */
  remove: string[];
}

export function formatPending(pending: Pending): string {
  return `${JSON.stringify({ version: 1, ...pending })}\n`;
}

/** The journal in `text`, or undefined when it is not one (a write cut short). */
export function parsePending(text: string): Pending | undefined {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
    if (
      raw.version === 1 &&
      typeof raw.syncId === "string" &&
      strings(raw.write) &&
      strings(raw.remove)
    ) {
      return {
        syncId: raw.syncId,
        write: raw.write as string[],
        remove: raw.remove as string[],
      };
    }
  } catch {
    // Cut short: no journal to trust.
  }
  return undefined;
}

/** What `.buildenv-sync/` held: undefined for a file that is not there; `text` as read. */
export interface VolumeState {
  manifest?: string;
  pending?: string;
}

/**
 * What the volume is known to hold, from its manifest and journal:
 * - `known`: paths whose content the manifest describes and no interrupted sync touched;
 * - `suspect`: paths an interrupted sync may have written or removed, in any state now;
 * - `interrupted`: whether the last sync did not finish (or its records are unreadable).
 * No manifest (a new volume, or one synced by an older buildenv) knows nothing: every file is
 * sent, and nothing is removed that no manifest listed.
 */
export function volumeKnowledge(state: VolumeState): {
  known: Map<string, SyncEntry>;
  suspect: Set<string>;
  interrupted: boolean;
} {
  const manifest = state.manifest === undefined ? undefined : parseManifest(state.manifest);
  const pending = state.pending === undefined ? undefined : parsePending(state.pending);
  if (state.manifest !== undefined && manifest === undefined) {
    // A manifest is only ever written whole, by the last entry of an archive; unreadable, it
    // cannot be trusted for anything. Its paths are unknown, so all are sent again, and what a
    // readable journal names is removed where the checkout no longer has it.
    return {
      known: new Map(),
      suspect: new Set(pending ? [...pending.write, ...pending.remove] : []),
      interrupted: true,
    };
  }
  const known = new Map(manifest?.entries ?? []);
  if (
    state.pending === undefined ||
    (pending !== undefined && pending.syncId === manifest?.syncId)
  ) {
    return { known, suspect: new Set(), interrupted: false };
  }
  if (pending === undefined) {
    // The journal is the first entry a sync writes: cut short, the sync wrote nothing else. Still,
    // trust nothing but what is resent.
    return { known: new Map(), suspect: new Set(known.keys()), interrupted: true };
  }
  const suspect = new Set([...pending.write, ...pending.remove]);
  for (const path of suspect) {
    known.delete(path);
  }
  return { known, suspect, interrupted: true };
}

/** A local path as sync lists it: its sha1 undefined when it is sent unread (nothing to compare). */
export type LocalEntry = Omit<SyncEntry, "sha1"> & { sha1?: string };

/** What a sync does to bring the volume to its target. */
export interface SyncPlan {
  /** Entries to write, in the target's order. */
  send: LocalEntry[];
  /** Paths to remove (in the manifest, or suspect, and not in the target), in git's order. */
  remove: string[];
  /** Whether nothing is to be written at all: the volume already holds the target. */
  upToDate: boolean;
}

function same(a: SyncEntry, b: LocalEntry): boolean {
  return a.mode === b.mode && a.sha1 === b.sha1;
}

/**
 * The plan from the local entries (`target`, sha1 undefined where the file was not hashed because
 * it is to be sent anyway) and what the volume is known to hold.
 */
export function planSync(
  target: readonly LocalEntry[],
  knowledge: ReturnType<typeof volumeKnowledge>,
  clean: boolean,
): SyncPlan {
  const wanted = new Set<string>();
  const send: LocalEntry[] = [];
  for (const entry of target) {
    wanted.add(entry.path);
    const remote = knowledge.known.get(entry.path);
    if (remote === undefined || entry.sha1 === undefined || !same(remote, entry)) send.push(entry);
  }
  const remove: string[] = [];
  for (const path of knowledge.known.keys()) {
    if (!wanted.has(path)) remove.push(path);
  }
  for (const path of knowledge.suspect) {
    if (!wanted.has(path) && !knowledge.known.has(path)) remove.push(path);
  }
  remove.sort(compareUtf8);
  return {
    send,
    remove,
    upToDate: send.length === 0 && remove.length === 0 && !knowledge.interrupted && !clean,
  };
}

/**
 * `--clean`'s list of what stays: every target path and each of its parent directories, as
 * `find .` prints them, sorted.
 */
export function keepList(paths: readonly string[]): string {
  const keep = new Set<string>([`./${SYNC_DIR}`]);
  for (const path of paths) {
    const parts = path.split("/");
    for (let n = 1; n <= parts.length; n++) {
      keep.add(`./${parts.slice(0, n).join("/")}`);
    }
  }
  return [...keep]
    .sort(compareUtf8)
    .map((line) => `${line}\n`)
    .join("");
}

/**
 * Run in the volume (`sh -c`): removes what `.buildenv-sync/remove` lists (files and links; a
 * listed directory only when empty), then each parent directory this left empty; with `clean`
 * as $1, also everything `find` lists that `.buildenv-sync/keep` does not (build state). Paths
 * are read one per line, which is why sync refuses names holding a newline.
 */
export const REMOVE_SCRIPT = [
  "set -e",
  `while IFS= read -r p; do`,
  // Only what is there: busybox's `rm -f` fails on a path below a file (ENOTDIR), left by a sync
  // cut short while turning a directory into a file, and would fail every sync after it
  // (busybox libbb/remove_file.c:38-52 at 267b925: with -f only an lstat failing with
  // ENOENT is ignored; the message is the system busybox's).
  `  if [ -d "$p" ] && [ ! -L "$p" ]; then rmdir -- "$p" 2>/dev/null || true; elif [ -e "$p" ] || [ -L "$p" ]; then rm -f -- "$p"; fi`,
  `  d="$p"; while case "$d" in */*) true;; *) false;; esac; do d="\${d%/*}"; rmdir -- "$d" 2>/dev/null || break; done`,
  `done < ${REMOVE_FILE}`,
  `if [ "$1" = clean ]; then`,
  // A name holding a newline (build state: sync refuses such names in the checkout) would print
  // as two lines, the second one maybe a path to keep minus its `./`: removed by find itself
  // (with `\;`: busybox find ran no `-exec {} +` inside an `-o` here).
  `  find . -mindepth 1 \\( -path ./${SYNC_DIR} -prune \\) -o \\( -name '*\n*' -prune -exec rm -rf -- {} \\; \\) -o -print | grep -vxF -f ${KEEP_FILE} | while IFS= read -r p; do rm -rf -- "$p"; done`,
  `fi`,
  `rm -f -- ${REMOVE_FILE} ${KEEP_FILE}`,
].join("\n");
