/**
 * Cases issue 8 found the suite missing by mutating the code, and how a config error reaches the
 * user through the Pulumi CLI. Expected values are written out by hand, never computed by the
 * code under test.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../components/config/schema";
import { main } from "../cli/stack";
import { mocks } from "./support/harness";
import { REPO_ROOT, rejectedConfig, runStack, stubVsphere, vchStackConfig } from "./support/stack";

describe("cases the suite missed (issue 8)", () => {
  describe("capacities in binary units, rounded up to whole decimal MB", () => {
    // 1 MiB = 1,048,576 B = 1.048576 MB; 1 TiB = 1,099,511,627,776 B = 1,099,511.627776 MB.
    const cases: [string, number][] = [
      ["1MiB", 2],
      ["512MiB", 537],
      ["1TiB", 1_099_512],
      ["56TiB", 61_572_652],
    ];
    for (const [capacity, megabytes] of cases) {
      it(`${capacity} is ${megabytes} MB`, async () => {
        await runStack({ "buildenv:volumes": { source: { capacity, keep: true } } });
        const volume = mocks.one("docker:index/volume:Volume", "buildenv-dev-source");
        const labels = volume.inputs.labels as { label: string; value: string }[];
        assert.deepStrictEqual(
          labels.find((l) => l.label === "buildenv.capacity-mb"),
          { label: "buildenv.capacity-mb", value: String(megabytes) },
        );
      });
    }

    it("57TiB (62,672,162.78 MB) is over vSphere's 62 TB", async () => {
      assert.strictEqual(
        await rejectedConfig({ "buildenv:volumes": { source: { capacity: "57TiB" } } }),
        'invalid buildenv stack config:\n  - buildenv:volumes.source.capacity: "57TiB" is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB',
      );
    });
  });

  it("refuses buildenv:registryPassword when buildenv:registry has no username", async () => {
    stubVsphere();
    const registry = { server: "registry.example.com", repository: "buildenv/build" };
    const message = await rejectedConfig(vchStackConfig({ "buildenv:registry": registry }));
    assert.strictEqual(
      message,
      "invalid buildenv stack config:\n  - buildenv:registry.username: is required when buildenv:registryPassword is set",
    );
    assert.deepStrictEqual(mocks.resources, []);
  });

  it("never protects a volume, kept or not (a protected one would fail every destroy and the reaper)", async () => {
    stubVsphere();
    await runStack(vchStackConfig());
    const volumes = mocks.ofType("docker:index/volume:Volume").map((v) => {
      const o = mocks.optionsOf(v.type, v.name);
      return [v.name, o.protect, o.retainOnDelete];
    });
    assert.deepStrictEqual(volumes.sort(), [
      ["buildenv-dev-output", false, false],
      ["buildenv-dev-source", false, true],
    ]);
  });

  it("stack:extend --ttl 31d is refused and leaves the file as it was", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-extend-"));
    try {
      const file = path.join(dir, "Pulumi.alice.yaml");
      fs.copyFileSync(path.join(REPO_ROOT, "stacks", "examples", "Pulumi.alice.yaml"), file);
      const before = fs.readFileSync(file, "utf8");
      let stdout = "";
      let stderr = "";
      const code = main(
        ["extend", "alice", "--ttl", "31d", "--now", "2026-11-21T12:00:00Z", "--dir", dir],
        {
          stdout: { write: (t: string) => (stdout += t) },
          stderr: { write: (t: string) => (stderr += t) },
        },
      );
      assert.strictEqual(code, 2);
      assert.strictEqual(stdout, "");
      assert.strictEqual(
        stderr.split("\n")[0],
        'stack: invalid --ttl "31d": at most 30d is allowed; extend the stack again later with npm run stack:extend if it is still needed',
      );
      assert.strictEqual(fs.readFileSync(file, "utf8"), before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("a config error as the Pulumi CLI shows it", () => {
    // @pulumi/pulumi's program runner (sdk/nodejs/cmd/run/run.ts:408-454 at 1b5949891b3c, the
    // same in the installed 3.248.0) handles an error thrown while loading the program
    // (:541, rethrown at :594) in `uncaughtHandler`: for `RunError.isInstance(err)` it logs
    // `err.message` alone, "Always hide the stack for RunErrors"; anything else is logged as
    // "Running program ... failed with an unhandled exception" with its stack.
    it("is a RunError, so only its message is printed: no stack trace, no problems dump", async () => {
      const error = await (async () => {
        try {
          await runStack({ "buildenv:priority": "urgent" });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(error instanceof ConfigError);
      assert.strictEqual(pulumi.RunError.isInstance(error), true);
      assert.strictEqual(
        (error as Error).message,
        'invalid buildenv stack config:\n  - buildenv:priority: "urgent" is not one of low, normal, high',
      );
    });

    it("the installed SDK's runner prints a RunError's message only", () => {
      const runner = fs.readFileSync(
        path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run", "run.js"),
        "utf8",
      );
      assert.match(
        runner,
        /if \(errors_1\.RunError\.isInstance\(err\)\) \{\s*\/\/ Always hide the stack for RunErrors\.\s*log\.error\(err\.message\);\s*\}/,
      );
    });
  });
});
