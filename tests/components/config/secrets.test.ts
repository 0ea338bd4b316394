/**
 * A config value the user marks secret (`pulumi config set --secret`) stays secret, or config
 * refuses it, naming the key and what to do, before any resource is registered. The CLI tells the
 * program which keys are secret (PULUMI_CONFIG_SECRET_KEYS; the mocks' setAllConfig secret keys
 * here); config/load.ts reads that through the Node SDK's runtime `isConfigSecret`.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { isConfigSecret } from "../../../components/config/load";
import { mocks, setConfig } from "../../support/harness";
import {
  HARBOR_ACCOUNT,
  REGISTRY_PASSWORD,
  rejectedConfig,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "../../support/stack";

const ALL_SECRET = ["buildenv:registryPassword", "vsphere:password", "harbor:password"];

async function refusal(secretKey: string, config = vchStackConfig()): Promise<string> {
  stubVsphere();
  const message = await rejectedConfig(config, { secretKeys: [...ALL_SECRET, secretKey] });
  assert.deepStrictEqual(mocks.resources, [], "no resource may be registered");
  return message;
}

describe("secret config values", () => {
  it("reads which keys are secret from the engine (runtime isConfigSecret)", () => {
    setConfig({ "buildenv:registryPassword": "x", "buildenv:priority": "low" }, [
      "buildenv:registryPassword",
    ]);
    assert.strictEqual(isConfigSecret("buildenv:registryPassword"), true);
    assert.strictEqual(isConfigSecret("buildenv:priority"), false);
  });

  it("refuses a secret build image config: build arguments are published in plain text", async () => {
    const config = vchStackConfig({
      "buildenv:buildImage": { buildArgs: { NPM_TOKEN: "s3cret-npm-token" } },
    });
    assert.strictEqual(
      await refusal("buildenv:buildImage", config),
      "invalid buildenv stack config:\n  - buildenv:buildImage: is marked secret, but its values are the image manifest and tag and docker-build buildArgs, which are published in plain text; keep it plain and give the build no secret through a build argument",
    );
  });

  it("refuses a secret registry (e.g. set with --secret --path buildenv:registry.username)", async () => {
    assert.strictEqual(
      await refusal("buildenv:registry"),
      "invalid buildenv stack config:\n  - buildenv:registry: is marked secret, but server, repository and username become image names, the Docker provider's registry address and GitHub Actions variables, all plain text; keep it plain (the password is buildenv:registryPassword, set with --secret)",
    );
  });

  for (const key of ["vsphere:user", "vsphere:vsphereServer"]) {
    it(`refuses a secret ${key}: vic-machine takes it on its command line`, async () => {
      const where =
        key === "vsphere:user"
          ? "vic-machine's --user command-line flag"
          : "vic-machine's --target command-line flag and the VCH's outputs";
      assert.strictEqual(
        await refusal(key),
        `invalid buildenv stack config:\n  - ${key}: is marked secret, but it is passed in plain text to ${where}; it is not a credential, so set it without --secret (pulumi config set ${key} <value>); the credential is vsphere:password (pulumi config set --secret vsphere:password)`,
      );
    });
  }

  it("refuses a secret harbor:username: the account's name, read as plain text", async () => {
    const config = vchStackConfig({
      "buildenv:registry": { kind: "harbor", server: "harbor.example.com", project: "buildenv" },
      ...HARBOR_ACCOUNT,
    });
    delete config["buildenv:registryPassword"];
    assert.strictEqual(
      await refusal("harbor:username", config),
      "invalid buildenv stack config:\n  - harbor:username: is marked secret, but it is passed in plain text to the Harbor registry lookup and the build's and host's registry logins; it is not a credential, so set it without --secret (pulumi config set harbor:username <value>); the credential is harbor:password (pulumi config set --secret harbor:password)",
    );
  });

  it("refuses a harbor:password stored in plain text, and takes it as a secret", async () => {
    stubVsphere();
    const config = vchStackConfig({
      "buildenv:registry": { kind: "harbor", server: "harbor.example.com", project: "buildenv" },
      ...HARBOR_ACCOUNT,
    });
    delete config["buildenv:registryPassword"];
    assert.strictEqual(
      await rejectedConfig(config, { secretKeys: ["vsphere:password"] }),
      "invalid buildenv stack config:\n  - harbor:password: is stored in plain text in the stack file; set it as a secret: pulumi config set --secret harbor:password <value>",
    );
    assert.deepStrictEqual(mocks.resources, []);
    const { config: parsed } = await runStack(config, {
      secretKeys: ["vsphere:password", "harbor:password"],
    });
    assert.strictEqual(await pulumi.isSecret(parsed.registry!.harborAccount!.password), true);
  });

  it("refuses a vsphere:password stored in plain text, as it refuses harbor:password (issue 20)", async () => {
    stubVsphere();
    assert.strictEqual(
      await rejectedConfig(vchStackConfig(), { secretKeys: ["buildenv:registryPassword"] }),
      "invalid buildenv stack config:\n  - vsphere:password: is stored in plain text in the stack file; set it as a secret: pulumi config set --secret vsphere:password <value>",
    );
    assert.deepStrictEqual(mocks.resources, []);
  });

  it("refuses any other buildenv key marked secret", async () => {
    assert.strictEqual(
      await refusal("buildenv:owner"),
      "invalid buildenv stack config:\n  - buildenv:owner: is marked secret, but the program uses its value in plain text (resource inputs, names, labels or outputs); set it without --secret",
    );
  });

  it("refuses a registry password stored in plain text", async () => {
    stubVsphere();
    const message = await rejectedConfig(vchStackConfig(), { secretKeys: ["vsphere:password"] });
    assert.strictEqual(
      message,
      "invalid buildenv stack config:\n  - buildenv:registryPassword: is stored in plain text in the stack file; set it as a secret: pulumi config set --secret buildenv:registryPassword <value>",
    );
    assert.deepStrictEqual(mocks.resources, []);
  });

  it("keeps the registry password secret in every input that carries it", async () => {
    stubVsphere();
    await runStack(vchStackConfig());
    const carrying = mocks.resources.filter((r) =>
      JSON.stringify(r.inputs).includes(REGISTRY_PASSWORD),
    );
    assert.ok(carrying.length > 0);
    for (const r of carrying) {
      // Every occurrence sits inside a secret envelope.
      const plainOnly = JSON.stringify(r.inputs, (_k, v: unknown) =>
        v &&
        typeof v === "object" &&
        (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] ===
          pulumi.runtime.specialSecretSig
          ? "[secret]"
          : v,
      );
      assert.ok(
        !plainOnly.includes(REGISTRY_PASSWORD),
        `${r.type}::${r.name} carries it in plain text`,
      );
    }
  });
});
