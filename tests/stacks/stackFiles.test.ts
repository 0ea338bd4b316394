import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runPolicies } from "../../policy/policies";
import { mocks, reveal } from "../support/harness";
import {
  NOW,
  HARBOR_PASSWORD,
  REGISTRY_PASSWORD,
  REPO_ROOT,
  VSPHERE_PASSWORD,
  runStack,
  stubVsphere,
} from "../support/stack";

/** Every stack file the repository ships, with the stack name it is for. */
const STACK_FILES: [string, string][] = [
  ["Pulumi.dev.yaml", "dev"],
  ["Pulumi.ci.yaml", "ci"],
  ["stacks/examples/Pulumi.alice.yaml", "alice"],
];

/**
 * The config a stack file gives the program, plus the secrets its comments tell the user to
 * set (`pulumi config set --secret`), which a committed file cannot carry in clear text.
 */
export function stackFileConfig(file: string): {
  config: Record<string, unknown>;
  secretKeys: string[];
} {
  const document = parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as {
    config?: Record<string, unknown>;
  };
  const config: Record<string, unknown> = { ...(document.config ?? {}) };
  const secretKeys: string[] = [];
  const host = config["buildenv:host"] as { kind?: string } | undefined;
  if (host?.kind === "vch") {
    config["vsphere:password"] = VSPHERE_PASSWORD;
    config["vsphere:vsphereServer"] ??= "vcenter.example.com";
    config["vsphere:user"] ??= "buildenv@vsphere.local";
    secretKeys.push("vsphere:password");
  }
  const registry = config["buildenv:registry"] as { username?: string; kind?: string } | undefined;
  if (registry?.kind === "harbor") {
    config["harbor:password"] = HARBOR_PASSWORD;
    secretKeys.push("harbor:password");
  }
  if (registry?.username) {
    config["buildenv:registryPassword"] = REGISTRY_PASSWORD;
    secretKeys.push("buildenv:registryPassword");
  }
  return { config, secretKeys };
}

/** Secret envelopes unwrapped, as the engine hands inputs to a policy pack. */
function revealDeep(value: unknown): unknown {
  const plain = reveal(value);
  if (Array.isArray(plain)) return plain.map(revealDeep);
  if (plain && typeof plain === "object") {
    return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, revealDeep(v)]));
  }
  return plain;
}

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
