/**
 * The config checks added for the security review, from the accepting side too: tests/
 * malformedConfigs.ts holds the exact rejections; here, what must still pass, and the file-system
 * helpers loadConfig gives the image parser.
 */
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readRawConfig, parseConfig } from "../../../components/config/load";
import { ParseContext } from "../../../components/config/schema";
import { dockerHostProblem } from "../../../components/host/config";
import { registryServerProblem } from "../../../components/registry/config";
import { timeoutProblem, vchHostSchema } from "../../../components/vic/config";
import { capacityPrecisionProblem } from "../../../components/volumes/capacity";
import { firstNonUtf8NameIn, parseBuildImage, realPathIn } from "../../../components/image/config";
import { CONTACT_PATTERN } from "../../../components/lifecycle/config";
import { NOW } from "../../support/stack";

function context(overrides: Partial<ParseContext> = {}): ParseContext {
  return {
    project: "buildenv",
    stack: "alice",
    now: NOW,
    env: {},
    vsphere: {},
    secrets: {},
    pathKind: (p) => (p.endsWith("Dockerfile") ? "file" : "dir"),
    ...overrides,
  };
}

describe("config checks", () => {
  it("accepts what the issue 20 rules must not refuse: real hosts, whole capacities, ':' in a network", () => {
    for (const server of [
      "localhost",
      "localhost:5000",
      "registry:5000",
      "r-1.example.com",
      "10.0.0.5:5000",
    ]) {
      assert.equal(registryServerProblem(server), undefined, server);
    }
    for (const capacity of ["1MB", "2GB", "1.5GB", "2GiB", "0.5GiB", 500]) {
      assert.equal(capacityPrecisionProblem(capacity), undefined, String(capacity));
    }
    assert.equal(timeoutProblem("2562047h47m16.854775807s"), undefined);
    const vch = vchHostSchema.safeParse({
      kind: "vch",
      datacenter: "DC 1",
      cluster: "c",
      imageStore: "ds/images",
      volumeStores: [{ datastore: "ds", label: "default" }],
      bridgeNetwork: "bridge:alice",
      publicNetwork: "VM Network",
      cname: "vch.example.com",
    });
    assert.equal(vch.success, true, JSON.stringify(vch.error?.issues));
  });

  it("holds DOCKER_HOST, which stands in for host.dockerHost, to the same rules (issue 20)", () => {
    assert.throws(
      () =>
        parseConfig(
          readRawConfig({ "buildenv:owner": "alice" }).raw,
          context({ env: { DOCKER_HOST: "tcp://evil\u202eexample.com:2375" } }),
        ),
      (error: Error) => {
        assert.equal(
          error.message,
          'invalid buildenv stack config:\n  - DOCKER_HOST: "tcp://evil\u202eexample.com:2375" contains U+202E; a Docker address has no control or bidirectional formatting characters',
        );
        return true;
      },
    );
  });

  it("accepts unix, tcp and ssh Docker addresses, including an ssh user and port", () => {
    for (const address of [
      "unix:///var/run/docker.sock",
      "tcp://10.0.0.5:2376",
      "ssh://builder@build-host:2222",
      "ssh://build-host",
      "ssh://build-host/-odd-path",
    ]) {
      assert.equal(dockerHostProblem(address), undefined, address);
    }
    assert.equal(
      dockerHostProblem("ssh://-user@host"),
      `"ssh://-user@host" has an ssh host (or user) starting with '-', which ssh would read as an option; use ssh://[user@]host[:port]`,
    );
    assert.equal(
      dockerHostProblem("fd://"),
      '"fd://" is not a Docker address; use unix://, tcp:// or ssh://',
    );
  });

  it("takes buildenv:contact into the config, and GitHub's handle rules", () => {
    const { raw, problems } = readRawConfig({ "buildenv:contact": "alice-gh" });
    assert.deepEqual(problems, []);
    assert.equal(parseConfig(raw, context()).contact, "alice-gh");
    assert.equal(parseConfig({}, context()).contact, undefined);
    for (const ok of ["a", "A1", "a-b-c", "x".repeat(39)]) {
      assert.ok(CONTACT_PATTERN.test(ok), ok);
    }
    for (const bad of ["", "-a", "a-", "a--b", "x".repeat(40), "@a", "a_b", "a b"]) {
      assert.ok(!CONTACT_PATTERN.test(bad), bad);
    }
  });

  describe("on a real directory", () => {
    let root: string;
    let outside: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-project-"));
      outside = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-outside-"));
      fs.mkdirSync(path.join(root, "images", "build"), { recursive: true });
      fs.writeFileSync(path.join(root, "images", "build", "Dockerfile"), "FROM scratch\n");
      fs.symlinkSync("images/build", path.join(root, "inside-link"));
      fs.symlinkSync(outside, path.join(root, "outside-link"));
    });
    afterEach(() => {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    });

    it("resolves symlinks relative to the project", () => {
      assert.equal(realPathIn(root, "inside-link"), path.join("images", "build"));
      assert.equal(realPathIn(root, "images"), "images");
      assert.equal(realPathIn(root, "."), "");
      assert.equal(realPathIn(root, "missing"), undefined);
      assert.ok(realPathIn(root, "outside-link")!.startsWith(".."));
    });

    it("accepts a context linked inside the project, refuses one linked outside", () => {
      const ctx = context({ realPath: (p) => realPathIn(root, p) });
      const problems: string[] = [];
      assert.ok(parseBuildImage({ context: "inside-link" }, ctx, problems));
      assert.deepEqual(problems, []);
      assert.equal(parseBuildImage({ context: "outside-link" }, ctx, problems), undefined);
      assert.deepEqual(problems, [
        'buildenv:buildImage.context: "outside-link" resolves through a symlink to outside the project directory',
      ]);
    });

    it("finds a file name that is not UTF-8 below an input, skipping .git and symlinks", () => {
      assert.equal(firstNonUtf8NameIn(root, "images"), undefined);
      const bad = Buffer.concat([
        Buffer.from(path.join(outside, "x")),
        Buffer.from([0xff]),
        Buffer.from(".txt"),
      ]);
      fs.writeFileSync(bad, "");
      // Behind a symlink: not followed, as git does not follow it either.
      assert.equal(firstNonUtf8NameIn(root, "."), undefined);
      fs.mkdirSync(path.join(root, ".git"));
      fs.writeFileSync(
        Buffer.concat([Buffer.from(path.join(root, ".git", "y")), Buffer.from([0xfe])]),
        "",
      );
      assert.equal(firstNonUtf8NameIn(root, "."), undefined);
      fs.writeFileSync(
        Buffer.concat([Buffer.from(path.join(root, "images", "build", "z")), Buffer.from([0xe9])]),
        "",
      );
      assert.equal(firstNonUtf8NameIn(root, "images/"), "images/build/z\ufffd");
    });
  });
});
