/** Harbor: the config of both kinds of stack, and the leak scanner the other Harbor tests use. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config/load";
import { ParseContext } from "../../../components/config/schema";
import { secretEnvelope } from "../../support/harness";
import { NOW, resolveAll, stubVsphere } from "../../support/stack";
import { ADMIN_PASSWORD, CA_PEM, strings } from "../../support/harborStacks";

describe("registry on Harbor", () => {
  beforeEach(() => stubVsphere());

  it("finds strings inside secrets, list-typed provider config and nested inputs", () => {
    assert.deepStrictEqual(
      strings({
        a: secretEnvelope("x"),
        b: ["y", { c: "z" }],
        d: JSON.stringify([{ password: "p" }]),
        e: secretEnvelope(JSON.stringify([{ password: "q" }])),
      }),
      [
        { text: "x", secret: true },
        { text: "y", secret: false },
        { text: "z", secret: false },
        { text: "p", secret: false },
        { text: "q", secret: true },
      ],
    );
  });

  describe("config", () => {
    const ctx = (
      harbor: ParseContext["harbor"] = {
        username: "buildenv-admin",
        password: pulumi.secret(ADMIN_PASSWORD),
      },
      env: ParseContext["env"] = {},
    ): ParseContext => ({
      project: "buildenv",
      stack: "ci",
      now: NOW,
      env,
      vsphere: {},
      harbor,
      secrets: {},
      pathKind: (p) => (p.endsWith("Dockerfile") ? "file" : "dir"),
    });

    /** The registry config, its Harbor account's password resolved (and checked secret). */
    async function registryOf(config: ReturnType<typeof parseConfig>) {
      const { harborAccount, ...rest } = config.registry!;
      assert.strictEqual(await pulumi.isSecret(harborAccount!.password), true);
      return {
        ...rest,
        harborAccount: { ...harborAccount, password: await resolveAll(harborAccount!.password) },
      };
    }

    it("defaults the repository to build and content tags to immutable, and keeps the CA", async () => {
      const config = parseConfig(
        {
          shared: "true",
          registry: { kind: "harbor", server: "harbor.example.com", project: "team", ca: CA_PEM },
        },
        ctx(),
      );
      assert.deepStrictEqual(await registryOf(config), {
        kind: "harbor",
        server: "harbor.example.com",
        repository: "team/build",
        ca: CA_PEM,
        harborAccount: { username: "buildenv-admin", password: ADMIN_PASSWORD },
        harbor: { project: "team", repository: "build", immutable: true },
      });
    });

    it("takes the account from HARBOR_USERNAME when harbor:username is unset, as the provider does", async () => {
      const raw = { registry: { kind: "harbor", server: "harbor.example.com", project: "team" } };
      const fromEnv = parseConfig(
        raw,
        ctx({ password: pulumi.secret("pw") }, { HARBOR_USERNAME: "bob" }),
      );
      assert.deepStrictEqual((await registryOf(fromEnv)).harborAccount, {
        username: "bob",
        password: "pw",
      });
      const both = parseConfig(
        raw,
        ctx({ username: "carol", password: pulumi.secret("pw") }, { HARBOR_USERNAME: "bob" }),
      );
      assert.strictEqual(both.registry!.harborAccount!.username, "carol");
    });

    it("reads every Harbor setting of the shared stack", async () => {
      const config = parseConfig(
        {
          shared: "true",
          registry: {
            kind: "harbor",
            server: "harbor.example.com:8443",
            project: "team",
            repository: "tools/build",
            immutable: false,
            keep: 3,
            storageQuotaGB: 50,
            garbageCollection: "0 0 3 * * 6",
          },
        },
        ctx(),
      );
      assert.deepStrictEqual(await registryOf(config), {
        kind: "harbor",
        server: "harbor.example.com:8443",
        repository: "team/tools/build",
        harborAccount: { username: "buildenv-admin", password: ADMIN_PASSWORD },
        harbor: {
          project: "team",
          repository: "tools/build",
          immutable: false,
          keep: 3,
          storageQuotaGB: 50,
          garbageCollection: "0 0 3 * * 6",
        },
      });
    });

    it("keeps a generic registry as it was, kind generic by default", () => {
      const config = parseConfig(
        { registry: { server: "registry.local:65535", repository: "team/build" } },
        ctx(),
      );
      assert.deepStrictEqual(config.registry, {
        kind: "generic",
        server: "registry.local:65535",
        repository: "team/build",
      });
    });

    it("defaults keep to 10 once content tags are mutable", () => {
      const config = parseConfig(
        {
          shared: "true",
          registry: {
            kind: "harbor",
            server: "harbor.example.com",
            project: "team",
            immutable: false,
          },
        },
        ctx(),
      );
      assert.deepStrictEqual(config.registry!.harbor, {
        project: "team",
        repository: "build",
        immutable: false,
        keep: 10,
      });
    });
  });
});
