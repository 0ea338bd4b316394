/**
 * The sync records of the source volume (cli/workspace/syncManifest.ts): the manifest against
 * what the system git prints for a real repository, the journal, what a volume is known to hold,
 * and the plan (keepList and the removal script: syncRemoveScript.test.ts).
 */
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  EMPTY_TREE,
  SyncEntry,
  formatManifest,
  formatPending,
  parseManifest,
  parsePending,
  planSync,
  unquotePath,
  volumeKnowledge,
} from "../../cli/workspace/syncManifest";
import { git } from "../support/gitFixtures";

const HEADER = "# buildenv sync manifest v1 sync ";

/** The repository's files, with the blob ids `git ls-files -s` printed for them (checked below). */
const ENTRIES: SyncEntry[] = [
  { mode: "100644", sha1: "b4785957bc986dc39c629de9fac9df46972c00fc", size: 2, path: '"start' },
  { mode: "100644", sha1: "4bcfe98e640c8284511312660fb8709b0afa888e", size: 2, path: "-dash" },
  { mode: "100644", sha1: "ce013625030ba8dba906f756967f9e9ca394464a", size: 6, path: "README.md" },
  { mode: "100644", sha1: "587be6b4c3f93f93c489c0111bba5596147a26cb", size: 2, path: "a-b" },
  { mode: "100644", sha1: "587be6b4c3f93f93c489c0111bba5596147a26cb", size: 2, path: "a.b" },
  { mode: "100644", sha1: "587be6b4c3f93f93c489c0111bba5596147a26cb", size: 2, path: "a/b" },
  { mode: "100644", sha1: "587be6b4c3f93f93c489c0111bba5596147a26cb", size: 2, path: "a0" },
  {
    mode: "100644",
    sha1: "61780798228d17af2d34fce4cfbdf35556832472",
    size: 2,
    path: "back\\slash",
  },
  {
    mode: "100644",
    sha1: "97b6bebc814eacde226c2e67d5561a8afb4e5a3b",
    size: 12345678,
    path: "big.bin",
  },
  {
    mode: "100644",
    sha1: "572eb43fe8e34fb87d01c69e01151ff696022924",
    size: 6,
    path: "dir with space/é.txt",
  },
  { mode: "100644", sha1: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", size: 0, path: "empty" },
  {
    mode: "100644",
    sha1: "9be5565903639dad3638871f5b72af8259da73ee",
    size: 4,
    path: "esc\u0007\b\u000b\f\r\u0001\u007f",
  },
  { mode: "120000", sha1: "ce498509626beb5d0a72cfe0ae40d0a10295ab59", size: 21, path: "link" },
  {
    mode: "100644",
    sha1: "4cdb2265d30204be5463b38174b2e8e717982405",
    size: 5,
    path: "nested/deep/er/file.txt",
  },
  { mode: "100644", sha1: "bca70f35318f31dd1d1d1d2d2e64c19b880899ff", size: 2, path: 'quote"name' },
  { mode: "100755", sha1: "4163036efa65bd4a469e752267498f01ea36a55c", size: 18, path: "run.sh" },
  { mode: "100644", sha1: "8615dbab6d0c5df4ddbd30a79690dbccea6872bf", size: 7, path: "seven.txt" },
  { mode: "100644", sha1: "718f4d2ff533cf8ead8d3556cf43912bd245fbc4", size: 2, path: "tab\tname" },
  // U+FF5E before U+1F600: git's byte order, the reverse of JavaScript's UTF-16 order.
  { mode: "100644", sha1: "b773075fe67db0233a18233655cafe05521cbfa7", size: 5, path: "x\uFF5E" },
  { mode: "100644", sha1: "3a917a9c517bc176160900774c5e239b562b13ef", size: 6, path: "x\u{1F600}" },
  {
    mode: "100644",
    sha1: "472a3aa242cfc120054b64916664439f2b039f86",
    size: 8,
    path: "日本/語.txt",
  },
];

/** The content of each file of ENTRIES (the symlink's is its target). */
const CONTENT: Record<string, string | Buffer> = {
  '"start': "s\n",
  "-dash": "d\n",
  "README.md": "hello\n",
  "a-b": "x\n",
  "a.b": "x\n",
  "a/b": "x\n",
  a0: "x\n",
  "back\\slash": "b\n",
  "big.bin": Buffer.alloc(12345678, "a"),
  "dir with space/é.txt": "café\n",
  empty: "",
  "esc\u0007\b\u000b\f\r\u0001\u007f": "ctl\n",
  "nested/deep/er/file.txt": "deep\n",
  'quote"name': "q\n",
  "run.sh": "#!/bin/sh\necho hi\n",
  "seven.txt": "1234567",
  "tab\tname": "t\n",
  "x\uFF5E": "wave\n",
  "x\u{1F600}": "emoji\n",
  "日本/語.txt": "nihongo\n",
};

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe("cli/workspace/syncManifest", function () {
  let repo: string;

  before(function () {
    repo = tempDir("sync-manifest-repo-");
    for (const [name, content] of Object.entries(CONTENT)) {
      fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
      fs.writeFileSync(path.join(repo, name), content);
    }
    fs.chmodSync(path.join(repo, "run.sh"), 0o755);
    fs.symlinkSync("dir with space/é.txt", path.join(repo, "link"));
    git(repo, ["init", "-q"]);
    git(repo, ["add", "-A"]);
    git(repo, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "fixture"]);
  });

  after(function () {
    fs.rmSync(repo, { recursive: true, force: true });
  });

  describe("formatManifest", function () {
    it("has the blob ids, modes and sizes git and the file system give for the fixture", function () {
      // `git ls-files -s -z`: `<mode> <sha1> <stage>\t<path>\0`, paths unquoted.
      const staged = git(repo, ["ls-files", "-s", "-z"]).toString("utf8").split("\0").slice(0, -1);
      assert.deepEqual(
        staged,
        ENTRIES.map((e) => `${e.mode} ${e.sha1} 0\t${e.path}`),
      );
      for (const e of ENTRIES) {
        assert.equal(fs.lstatSync(path.join(repo, e.path)).size, e.size, e.path);
      }
    });
    it("is, after its header, byte for byte what `git ls-tree -r -l HEAD` prints, in git's order", function () {
      const expected = git(repo, ["ls-tree", "-r", "-l", "HEAD"]);
      // Given in reverse, and shuffled: the order is the manifest's, not the caller's.
      const reversed = [...ENTRIES].reverse();
      const shuffled = [...ENTRIES.slice(10), ...ENTRIES.slice(0, 10).reverse()];
      for (const entries of [reversed, shuffled]) {
        const text = Buffer.from(formatManifest("0123abcd", entries), "utf8");
        const header = Buffer.from(`${HEADER}0123abcd\n`, "utf8");
        assert.deepEqual(text.subarray(0, header.length), header);
        assert.equal(text.subarray(header.length).toString("latin1"), expected.toString("latin1"));
      }
      // The 12345678-byte file overflows %7s, as in git (builtin/ls-tree.c: "%7s").
      assert.match(
        expected.toString("utf8"),
        /97b6bebc814eacde226c2e67d5561a8afb4e5a3b 12345678\tbig\.bin\n/,
      );
    });
    it("writes a directory entry as `git ls-tree -l` prints an empty tree, in git's order", function () {
      // git orders a tree as its name and `/` (read-cache.c base_name_compare): `sub-x` first.
      const e = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
      const input = `040000 tree ${EMPTY_TREE}\tsub\n100644 blob ${e}\tsub-x\n`;
      const tree = git(repo, ["mktree"], Buffer.from(input)).toString().trim();
      const expected = git(repo, ["ls-tree", "-l", tree]).toString("utf8");
      assert.equal(
        expected,
        `100644 blob ${e}       0\tsub-x\n040000 tree ${EMPTY_TREE}       -\tsub\n`,
      );
      const dir: SyncEntry = { mode: "040000", sha1: EMPTY_TREE, size: 0, path: "sub" };
      const file: SyncEntry = { mode: "100644", sha1: e, size: 0, path: "sub-x" };
      assert.equal(formatManifest("s", [dir, file]), `${HEADER}s\n${expected}`);
      assert.equal(formatManifest("s", [file, dir]), `${HEADER}s\n${expected}`);
      assert.equal(formatManifest("e", []), `${HEADER}e\n`);
    });
  });

  describe("parseManifest", function () {
    it("gives back every entry exactly, whatever its name", function () {
      const parsed = parseManifest(formatManifest("0123abcd", [...ENTRIES].reverse()));
      assert.ok(parsed);
      assert.equal(parsed.syncId, "0123abcd");
      assert.deepEqual(
        [...parsed.entries.keys()],
        ENTRIES.map((e) => e.path),
      );
      assert.deepEqual([...parsed.entries.values()], ENTRIES);
      assert.deepEqual(parsed.entries.get("big.bin"), {
        mode: "100644",
        sha1: "97b6bebc814eacde226c2e67d5561a8afb4e5a3b",
        size: 12345678,
        path: "big.bin",
      });
    });
    it("reads git's own listing behind a header", function () {
      const listing = git(repo, ["ls-tree", "-r", "-l", "HEAD"]).toString("utf8");
      const parsed = parseManifest(`${HEADER}g\n${listing}`);
      assert.deepEqual(parsed && [...parsed.entries.values()], ENTRIES);
    });

    it("gives back a directory entry and an empty manifest", function () {
      const dir: SyncEntry = { mode: "040000", sha1: EMPTY_TREE, size: 0, path: "sub" };
      assert.deepEqual(parseManifest(`${HEADER}d\n040000 tree ${EMPTY_TREE}       -\tsub\n`), {
        syncId: "d",
        entries: new Map([["sub", dir]]),
      });
      assert.deepEqual(parseManifest(`${HEADER}e\n`), { syncId: "e", entries: new Map() });
    });

    it("is undefined for a text that is not a whole manifest", function () {
      const line = "100644 blob e69de29bb2d1d6434b8b29ae775ad8c2e48c5391       0\tempty\n";
      assert.ok(parseManifest(`${HEADER}x\n${line}`));
      assert.equal(parseManifest(`# buildenv sync manifest v2 sync x\n${line}`), undefined);
      assert.equal(parseManifest(line), undefined);
      assert.equal(parseManifest(""), undefined);
      assert.equal(parseManifest(`${HEADER}x\n${line.slice(0, -1)}`), undefined);
      assert.equal(parseManifest(`${HEADER}x\n${line.slice(0, 30)}\n`), undefined);
      assert.equal(parseManifest(`${HEADER}x\n${line}\n`), undefined);
      assert.equal(parseManifest(`${HEADER}x\n${line.replace("100644", "160000")}`), undefined);
      assert.equal(parseManifest(`${HEADER}x\n${line.replace("100644", "100664")}`), undefined);
      assert.equal(parseManifest(`${HEADER}x\n${line.replace("e69de", "E69DE")}`), undefined);
    });
  });

  describe("unquotePath", function () {
    it("turns each name git quotes (core.quotePath=true) back into the name", function () {
      // `git ls-files` without -z quotes; with -z it does not: the pairs come from git alone.
      const quoted = git(repo, ["ls-files"]).toString("utf8").split("\n").slice(0, -1);
      const plain = git(repo, ["ls-files", "-z"]).toString("utf8").split("\0").slice(0, -1);
      assert.equal(quoted.length, ENTRIES.length);
      assert.deepEqual(quoted.map(unquotePath), plain);
      assert.deepEqual(
        plain,
        ENTRIES.map((e) => e.path),
      );
    });

    it("matches literal pairs of git's quoting", function () {
      const pairs: [string, string][] = [
        ['"\\"start"', '"start'],
        ['"back\\\\slash"', "back\\slash"],
        ['"tab\\tname"', "tab\tname"],
        ['"dir with space/\\303\\251.txt"', "dir with space/é.txt"],
        ['"\\346\\227\\245\\346\\234\\254/\\350\\252\\236.txt"', "日本/語.txt"],
        ['"esc\\a\\b\\v\\f\\r\\001\\177"', "esc\u0007\b\u000b\f\r\u0001\u007f"],
        ['"x\\360\\237\\230\\200"', "x\u{1F600}"],
        ['"new\\nline"', "new\nline"],
        ["plain name", "plain name"],
      ];
      for (const [text, name] of pairs) {
        assert.equal(unquotePath(text), name, text);
      }
      assert.ok(
        git(repo, ["ls-files"]).toString("utf8").includes('"esc\\a\\b\\v\\f\\r\\001\\177"\n'),
      );
    });
  });

  describe("parsePending", function () {
    const text = '{"version":1,"syncId":"s1","write":["a","b c"],"remove":["d"]}\n';

    it("reads a journal, and formatPending writes one it reads", function () {
      assert.deepEqual(parsePending(text), { syncId: "s1", write: ["a", "b c"], remove: ["d"] });
      assert.equal(formatPending({ syncId: "s1", write: ["a", "b c"], remove: ["d"] }), text);
      assert.deepEqual(parsePending('{"version":1,"syncId":"","write":[],"remove":[]}'), {
        syncId: "",
        write: [],
        remove: [],
      });
    });

    it("is undefined for a journal cut short, of another version, or of other types", function () {
      for (const bad of [
        text.slice(0, 40),
        text.slice(0, -3),
        "",
        "null",
        "[]",
        '{"version":2,"syncId":"s1","write":[],"remove":[]}',
        '{"syncId":"s1","write":[],"remove":[]}',
        '{"version":"1","syncId":"s1","write":[],"remove":[]}',
        '{"version":1,"syncId":7,"write":[],"remove":[]}',
        '{"version":1,"syncId":"s1","write":[1],"remove":[]}',
        '{"version":1,"syncId":"s1","write":[],"remove":[null]}',
        '{"version":1,"syncId":"s1","write":"a","remove":[]}',
        '{"version":1,"syncId":"s1","write":[]}',
      ]) {
        assert.equal(parsePending(bad), undefined, bad);
      }
    });
  });

  describe("volumeKnowledge", function () {
    const e = (p: string, sha1 = "1".repeat(40)): SyncEntry => ({
      mode: "100644",
      sha1,
      size: 1,
      path: p,
    });
    const manifest = (syncId: string) =>
      `${HEADER}${syncId}\n` +
      `100644 blob ${"1".repeat(40)}       1\ta\n` +
      `100644 blob ${"1".repeat(40)}       1\tb\n` +
      `100644 blob ${"1".repeat(40)}       1\tc\n`;
    const all = () =>
      new Map([
        ["a", e("a")],
        ["b", e("b")],
        ["c", e("c")],
      ]);
    const pending = (syncId: string) =>
      `{"version":1,"syncId":"${syncId}","write":["b","new"],"remove":["c"]}\n`;

    it("knows nothing of a volume without records, and it is not interrupted", function () {
      assert.deepEqual(volumeKnowledge({}), {
        known: new Map(),
        suspect: new Set(),
        interrupted: false,
      });
    });

    it("trusts a manifest alone, and one with the journal of its own sync", function () {
      const complete = { known: all(), suspect: new Set(), interrupted: false };
      assert.deepEqual(volumeKnowledge({ manifest: manifest("s1") }), complete);
      assert.deepEqual(
        volumeKnowledge({ manifest: manifest("s1"), pending: pending("s1") }),
        complete,
      );
    });

    it("suspects what an interrupted sync's journal names, and trusts the rest", function () {
      assert.deepEqual(volumeKnowledge({ manifest: manifest("s1"), pending: pending("s2") }), {
        known: new Map([["a", e("a")]]),
        suspect: new Set(["b", "new", "c"]),
        interrupted: true,
      });
    });

    it("suspects every path of the manifest when the journal is cut short", function () {
      assert.deepEqual(
        volumeKnowledge({ manifest: manifest("s1"), pending: pending("s2").slice(0, 30) }),
        { known: new Map(), suspect: new Set(["a", "b", "c"]), interrupted: true },
      );
      assert.deepEqual(volumeKnowledge({ pending: pending("s2").slice(0, 30) }), {
        known: new Map(),
        suspect: new Set(),
        interrupted: true,
      });
    });
    it("trusts nothing of an unreadable manifest, and suspects what a readable journal names", function () {
      assert.deepEqual(volumeKnowledge({ manifest: manifest("s1").slice(0, -5) }), {
        known: new Map(),
        suspect: new Set(),
        interrupted: true,
      });
      for (const pendingText of [pending("s1"), pending("s2")]) {
        assert.deepEqual(
          volumeKnowledge({ manifest: manifest("s1").slice(0, -5), pending: pendingText }),
          { known: new Map(), suspect: new Set(["b", "new", "c"]), interrupted: true },
        );
      }
    });

    it("suspects the journal's paths when the first sync was interrupted", function () {
      assert.deepEqual(volumeKnowledge({ pending: pending("s1") }), {
        known: new Map(),
        suspect: new Set(["b", "new", "c"]),
        interrupted: true,
      });
    });
  });

  describe("planSync", function () {
    const A = "a".repeat(40);
    const B = "b".repeat(40);
    const file = (p: string, sha1: string | undefined, mode: SyncEntry["mode"] = "100644") => ({
      mode,
      size: 3,
      path: p,
      ...(sha1 === undefined ? {} : { sha1 }),
    });
    const knows = (entries: SyncEntry[], suspect: string[] = [], interrupted = false) => ({
      known: new Map(entries.map((x) => [x.path, x])),
      suspect: new Set(suspect),
      interrupted,
    });
    const volume = [file("x", A), file("y", B), file("z/w", A)] as SyncEntry[];

    it("sends nothing when nothing changed, unless clean", function () {
      assert.deepEqual(planSync(volume, knows(volume), false), {
        send: [],
        remove: [],
        upToDate: true,
      });
      assert.deepEqual(planSync(volume, knows(volume), true), {
        send: [],
        remove: [],
        upToDate: false,
      });
    });

    it("sends an edit, a mode change with the same blob, and an added file", function () {
      const target = [file("new", A), file("x", B), file("y", B, "100755"), file("z/w", A)];
      assert.deepEqual(planSync(target, knows(volume), false), {
        send: [file("new", A), file("x", B), file("y", B, "100755")],
        remove: [],
        upToDate: false,
      });
    });

    it("removes a removed file, and a file that became a directory", function () {
      const before = [file("a", A), ...volume] as SyncEntry[];
      const target = [file("a/b", A), file("x", A), file("z/w", A)];
      assert.deepEqual(planSync(target, knows(before), false), {
        send: [file("a/b", A)],
        remove: ["a", "y"],
        upToDate: false,
      });
    });

    it("always sends an entry it has no blob id for", function () {
      const target = [file("x", undefined), file("y", B), file("z/w", A)];
      assert.deepEqual(planSync(target, knows(volume), false), {
        send: [file("x", undefined)],
        remove: [],
        upToDate: false,
      });
    });

    it("sends suspect paths again, or removes them, in git's order", function () {
      const known = knows([file("x", A)] as SyncEntry[], ["y", "z/w", "q", "a-b", "a/b"], true);
      const target = [file("x", A), file("y", B)];
      assert.deepEqual(planSync(target, known, false), {
        send: [file("y", B)],
        remove: ["a-b", "a/b", "q", "z/w"],
        upToDate: false,
      });
    });

    it("is not up to date after an interrupted sync even with nothing to send", function () {
      const target = [file("x", A)];
      assert.deepEqual(planSync(target, knows([file("x", A)] as SyncEntry[], [], true), false), {
        send: [],
        remove: [],
        upToDate: false,
      });
    });
  });
});
