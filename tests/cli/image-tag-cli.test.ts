import * as assert from "assert";
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gitBlobHash } from "../../components/image/manifest";

const REPO = path.resolve(__dirname, "..", "..");

/** Runs cli/image-tag.ts as `npm run image-tag` does (tsx), to cover the entry-point guard. */
function runScript(args: readonly string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = childProcess.spawnSync(
    process.execPath,
    ["--require", "tsx/cjs", path.join(REPO, "cli", "image-tag.ts"), ...args],
    { cwd: REPO, encoding: "utf8" },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("cli/image-tag.ts as a script", () => {
  let root: string;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "image-tag-cli-"));
    fs.mkdirSync(path.join(root, "docker"));
    fs.writeFileSync(path.join(root, "docker", "Dockerfile"), "FROM scratch\n");
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("prints the manifest and the tag, exit code 0", () => {
    const manifest = `100644 blob ${gitBlobHash("FROM scratch\n")}\tdocker/Dockerfile\nbuild-arg V=1\n`;
    assert.deepEqual(runScript([root, "docker", "--build-arg", "V=1"]), {
      status: 0,
      stdout: `${manifest}tag: ${gitBlobHash(manifest)}\n`,
      stderr: "",
    });
  });

  it("exits 1 for a missing input", () => {
    assert.deepEqual(runScript([root, "nope"]), {
      status: 1,
      stdout: "",
      stderr: `image-tag: build image input "nope" does not exist under ${root}\n`,
    });
  });

  it("exits 2 with the usage line for a usage error", () => {
    assert.deepEqual(runScript([root]), {
      status: 2,
      stdout: "",
      stderr:
        "image-tag: a repository root and at least one input are required\n" +
        "usage: npm run image-tag -- <repoRoot> <input>... [--build-arg NAME=VALUE]... [--platform OS/ARCH]\n",
    });
  });
});
