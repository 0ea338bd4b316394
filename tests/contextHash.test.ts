/**
 * tests/contextHash.ts against pulumi-docker-build v0.0.22 provider/internal/context.go: the
 * expected hashes come from the shell (`sha256sum` over the byte stream hashBuildContext writes:
 * Dockerfile content, then per file content + relative path + Go mode string), not from the
 * code under test.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { contextHash, goFileModeString } from "./contextHash";

describe("docker-build's context hash (tests/contextHash.ts)", () => {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-ctx-"));
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
    fs.writeFileSync(path.join(dir, "a.txt"), "alpha\n");
    fs.writeFileSync(path.join(dir, "sub", "b.txt"), "beta\n");
    for (const f of ["Dockerfile", "a.txt", "sub/b.txt"]) fs.chmodSync(path.join(dir, f), 0o644);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The same stream, written by the shell. */
  function shellHash(mode: string): string {
    const script = [
      "cat Dockerfile",
      `cat Dockerfile; printf '%s' Dockerfile '${mode}'`,
      `cat a.txt; printf '%s' a.txt '${mode}'`,
      `cat sub/b.txt; printf '%s' sub/b.txt '${mode}'`,
    ].join("; ");
    return execFileSync("sh", ["-c", `(${script}) | sha256sum`], {
      cwd: dir,
      encoding: "utf8",
    }).split(" ")[0];
  }

  it("writes Go's FileMode.String() of the permission bits", () => {
    assert.strictEqual(goFileModeString(0o644), "-rw-r--r--");
    assert.strictEqual(goFileModeString(0o664), "-rw-rw-r--");
    assert.strictEqual(goFileModeString(0o755), "-rwxr-xr-x");
  });

  it("hashes the Dockerfile, then each file's content, path and mode, in lexical order", () => {
    assert.strictEqual(contextHash(dir, path.join(dir, "Dockerfile")), shellHash("-rw-r--r--"));
  });

  it("changes with group-writable modes (TestHashFilemodeMatters), which is why a umask 002 checkout rebuilds", () => {
    const before = contextHash(dir, path.join(dir, "Dockerfile"));
    for (const f of ["Dockerfile", "a.txt", "sub/b.txt"]) fs.chmodSync(path.join(dir, f), 0o664);
    const after = contextHash(dir, path.join(dir, "Dockerfile"));
    assert.notStrictEqual(after, before);
    assert.strictEqual(after, shellHash("-rw-rw-r--"));
  });

  it("refuses a context with a .dockerignore, which it does not model", () => {
    fs.writeFileSync(path.join(dir, ".dockerignore"), "*.txt\n");
    assert.throws(
      () => contextHash(dir, path.join(dir, "Dockerfile")),
      /\.dockerignore patterns are not modelled/,
    );
  });
});
