import * as assert from "assert";
import * as fs from "fs";
import { runPolicies } from "../../policy/policies";
import { mocks, revealDeep } from "../support/harness";
import { NOW, REPO_ROOT, runStack, stubVsphere } from "../support/stack";
import { stackFileConfig } from "../support/stackFiles";

/** Every stack file the repository ships, with the stack name it is for. */
const STACK_FILES: [string, string][] = [
  ["Pulumi.dev.yaml", "dev"],
  ["Pulumi.ci.yaml", "ci"],
  ["stacks/examples/Pulumi.alice.yaml", "alice"],
];

describe("shipped stack files", () => {
  for (const [file, stack] of STACK_FILES) {
    describe(file, () => {
      beforeEach(() => stubVsphere());

      it("is valid config and deploys under mocks", async () => {
        const { config, secretKeys } = stackFileConfig(file);
        await runStack(config, { stack, secretKeys });
        assert.ok(mocks.resources.length > 0);
      });

      it("passes every policy of the pack", async () => {
        const { config, secretKeys } = stackFileConfig(file);
        await runStack(config, { stack, secretKeys });
        const resources = mocks.resources
          .filter((r) => r.custom)
          .map((r) => ({
            type: r.type,
            name: r.name,
            props: revealDeep(r.inputs) as Record<string, unknown>,
            urn: mocks.urns.get(`${r.type}::${r.name}`),
            dependencies: mocks.optionsOf(r.type, r.name).dependencies,
          }));
        assert.deepStrictEqual(
          runPolicies(resources, {}, () => NOW),
          [],
        );
      });
    });
  }

  it("lists every Pulumi.<stack>.yaml at the top level", () => {
    const onDisk = fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    assert.deepStrictEqual(
      onDisk.sort(),
      STACK_FILES.map(([f]) => f)
        .filter((f) => !f.includes("/"))
        .sort(),
    );
  });
});
