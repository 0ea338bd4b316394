/**
 * The stack outputs `npm run env -- output --push` reads: the output repository beside the build
 * image's, and the push login (always a secret), for each registry kind.
 */
import * as assert from "assert";
import { isSecret } from "../../support/harness";
import { ADMIN_PASSWORD, developerHarbor, sharedHarbor } from "../../support/harborStacks";
import {
  HARBOR_PASSWORD,
  REGISTRY_PASSWORD,
  resolveAll,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "../../support/stack";

describe("stack outputs of output --push", () => {
  beforeEach(() => stubVsphere());

  it("generic registry: <repository>-output on its server, the configured user as a secret login", async () => {
    const { outputs } = await runStack(vchStackConfig());
    assert.deepStrictEqual(outputs.outputRepository, {
      server: "registry.example.com",
      repository: "buildenv/build-output",
    });
    assert.strictEqual(await isSecret(outputs.registryLogin!), true);
    assert.deepStrictEqual(await resolveAll(outputs.registryLogin), {
      username: "buildenv-ci",
      password: REGISTRY_PASSWORD,
    });
  });

  it("anonymous generic registry: the repository, no login", async () => {
    const config = vchStackConfig({
      "buildenv:registry": { server: "registry.local:5000", repository: "build" },
    });
    delete config["buildenv:registryPassword"];
    const { outputs } = await runStack(config);
    assert.deepStrictEqual(outputs.outputRepository, {
      server: "registry.local:5000",
      repository: "build-output",
    });
    assert.strictEqual(outputs.registryLogin, undefined);
  });

  it("Harbor developer stack: the project's build-output, the developer's own account", async () => {
    const { outputs } = await runStack(developerHarbor());
    assert.deepStrictEqual(outputs.outputRepository, {
      server: "harbor.example.com",
      repository: "buildenv/build-output",
    });
    assert.strictEqual(await isSecret(outputs.registryLogin!), true);
    assert.deepStrictEqual(await resolveAll(outputs.registryLogin), {
      username: "alice",
      password: HARBOR_PASSWORD,
    });
  });

  it("Harbor shared stack: the push robot, never the administrator", async () => {
    const { outputs } = await runStack(sharedHarbor({ repository: "tools/build" }), {
      stack: "ci",
    });
    assert.deepStrictEqual(outputs.outputRepository, {
      server: "harbor.example.com",
      repository: "buildenv/tools/build-output",
    });
    assert.strictEqual(await isSecret(outputs.registryLogin!), true);
    const login = await resolveAll(outputs.registryLogin);
    assert.deepStrictEqual(login, {
      username: "robot$buildenv+push",
      password: "robot-secret-for-push",
    });
    assert.ok(!JSON.stringify(login).includes(ADMIN_PASSWORD));
  });

  it("local engine without a registry: neither output", async () => {
    const { outputs } = await runStack({
      "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" },
    });
    assert.strictEqual(outputs.outputRepository, undefined);
    assert.strictEqual(outputs.registryLogin, undefined);
  });
});
