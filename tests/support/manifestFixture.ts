/**
 * The committed tree the manifest tests compare against git: awkward names, modes, symlinks and
 * git's path order, with helpers asking git itself what it would list or hash.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Fixture, git, makeTree } from "./gitFixtures";

/** What the manifest of these inputs is by git's own account (without build arguments). */
export function gitListing(root: string, inputs: readonly string[]): string {
  return git(root, ["ls-tree", "-r", "--full-tree", "HEAD", "--", ...inputs]).toString("utf8");
}

/** `git hash-object <file>` of a file holding this text. */
export function gitHashObjectOfFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "manifest-hash-")), "manifest");
  try {
    fs.writeFileSync(file, text);
    return git(path.dirname(file), ["hash-object", file]).toString().trim();
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

export function commitAll(root: string): void {
  git(root, ["init", "-q"]);
  git(root, ["add", "-A"]);
  git(root, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "fixture"]);
}

/** Names the file system might refuse (it is POSIX byte strings on Linux and macOS). */
export const AWKWARD_NAMES = [
  "names/tab\there",
  'names/quote"d',
  "names/back\\slash",
  "names/new\nline",
];

export const FIXTURE: Fixture = {
  "src/main.c": "int main(void) { return 0; }\n",
  "src/lib/deep/er/util.h": "#pragma once\n",
  "src/lib/deep/er/util.c": '#include "util.h"\n',
  "src/link-to-main": { symlinkTo: "main.c" },
  "src/link-to-café": { symlinkTo: "../names/café.txt" },
  "bin/run.sh": { content: "#!/bin/sh\necho run\n", mode: 0o755 },
  "bin/owner-only-exec": { content: "x", mode: 0o744 },
  "bin/group-exec-only": { content: "x", mode: 0o654 },
  "link-to-src": { symlinkTo: "src" },
  "with space.txt": "spaces are not quoted\n",
  "empty.txt": "",
  "names/café.txt": "accent\n",
  "names/emoji-\u{1F600}.txt": "grin\n",
  "names/ctrl-\u0007-\u007f": "bell and delete\n",
  "order/a-b": "1",
  "order/a/b": "2",
  "order/a.b": "3",
  "order/a0": "4",
  "order/\u{1F600}": "5",
  "order/\uFFFD": "6",
  "order/\uE000": "7",
  "order/z": "8",
  "unrelated/readme.md": "not an input\n",
};

/**
 * FIXTURE written and committed, with the AWKWARD_NAMES this file system accepts and an empty
 * directory (which git does not list).
 */
export function makeManifestFixture(): { root: string; awkwardNames: string[] } {
  const root = makeTree(FIXTURE);
  const awkwardNames = AWKWARD_NAMES.filter((name) => {
    try {
      fs.writeFileSync(path.join(root, name), name);
      return true;
    } catch {
      return false;
    }
  });
  fs.mkdirSync(path.join(root, "src", "empty-dir"));
  commitAll(root);
  return { root, awkwardNames };
}
