/** Harbor: a developer stack, and the tag lookup against a stand-in Harbor. */
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../../../components/config/load";
import { findImageDigest, harborProjectExists } from "../../../components/image/registryLookup";
import { resolveBuildImage } from "../../../components/image/resolve";
import {
  isSecretInput,
  mocks,
  reveal,
  secretEnvelope,
  setConfig,
  setMode,
} from "../../support/harness";
import {
  HARBOR_PASSWORD,
  HARBOR_USER,
  NOW,
  REPO_ROOT,
  resolveAll,
  runStack,
  stubVsphere,
} from "../../support/stack";
import {
  TAG,
  DIGEST,
  REPO,
  ADMIN_PASSWORD,
  sharedHarbor,
  developerHarbor,
  strings,
} from "../../support/harborStacks";

describe("registry on Harbor", () => {
  beforeEach(() => stubVsphere());

  describe("a developer stack", () => {
    it("declares nothing in Harbor and pushes and pulls with the developer's Harbor account", async () => {
      const { outputs } = await runStack(developerHarbor());
      assert.deepStrictEqual(
        mocks.resources.filter((r) => r.type.startsWith("harbor:")).map((r) => r.type),
        [],
      );
      const image = mocks.one("docker-build:index:Image");
      assert.deepStrictEqual(image.inputs.tags, [`${REPO}:${TAG}`]);
      assert.strictEqual(image.inputs.push, true);
      // harbor:username and harbor:password, not whatever `docker login` the machine holds.
      assert.deepStrictEqual(
        image.inputs.registries,
        secretEnvelope([
          { address: "harbor.example.com", username: HARBOR_USER, password: HARBOR_PASSWORD },
        ]),
      );
      const provider = mocks.one("pulumi:providers:docker");
      assert.ok(isSecretInput(provider.inputs.registryAuth));
      assert.deepStrictEqual(JSON.parse(reveal(provider.inputs.registryAuth) as string), [
        { address: "harbor.example.com", username: HARBOR_USER, password: HARBOR_PASSWORD },
      ]);
      assert.strictEqual(await resolveAll(outputs.buildImage), `${REPO}@${DIGEST}`);
      // The password is in exactly those two inputs, each time inside a secret.
      const carrying = mocks.resources.filter((r) =>
        strings(r.inputs).some((s) => s.text.includes(HARBOR_PASSWORD)),
      );
      assert.deepStrictEqual(carrying.map((r) => r.type).sort(), [
        "docker-build:index:Image",
        "pulumi:providers:docker",
      ]);
      for (const r of carrying) {
        for (const s of strings(r.inputs).filter((s) => s.text.includes(HARBOR_PASSWORD))) {
          assert.strictEqual(s.secret, true, `${r.type}::${r.name}`);
        }
      }
    });
  });

  describe("the tag lookup", () => {
    /**
     * A stand-in Harbor on a loopback port, answering as goharbor/harbor
     * src/server/middleware/v2auth/auth.go:92-115 (at c50c7ddd) does for a private project: a
     * request without credentials gets a Bearer challenge naming `<endpoint>/service/token`,
     * service `harbor-registry`; the token service gives anyone a token, but only a member's
     * token may pull; a request with a token that may not pull gets `Basic realm="harbor"`.
     */
    async function withHarbor(
      work: (server: string, seen: string[]) => Promise<void>,
    ): Promise<void> {
      const seen: string[] = [];
      const member = `Basic ${Buffer.from(`${HARBOR_USER}:${HARBOR_PASSWORD}`).toString("base64")}`;
      const harbor = http.createServer((req, res) => {
        const { port } = harbor.address() as AddressInfo;
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? "(anonymous)"}`);
        if (req.url?.startsWith("/service/token")) {
          const token = req.headers.authorization === member ? "member-token" : "anonymous-token";
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token }));
          return;
        }
        if (req.headers.authorization === "Bearer member-token") {
          const found = req.url === `/v2/buildenv/build/manifests/${TAG}`;
          res.writeHead(found ? 200 : 404, found ? { "Docker-Content-Digest": DIGEST } : {}).end();
          return;
        }
        res
          .writeHead(401, {
            "WWW-Authenticate": req.headers.authorization
              ? 'Basic realm="harbor"'
              : `Bearer realm="http://127.0.0.1:${port}/service/token",service="harbor-registry",scope="repository:buildenv/build:pull"`,
          })
          .end();
      });
      await new Promise<void>((resolve) => harbor.listen(0, "127.0.0.1", resolve));
      try {
        await work(`127.0.0.1:${(harbor.address() as AddressInfo).port}`, seen);
      } finally {
        await new Promise((resolve) => harbor.close(resolve));
      }
    }

    it("asks the private project with harbor:username and harbor:password, in request headers only", async () => {
      await withHarbor(async (server, seen) => {
        await setMode("preview", "dev");
        setConfig(developerHarbor({ server }), ["vsphere:password", "harbor:password"]);
        const config = loadConfig(NOW);
        const found = await resolveBuildImage(config.buildImage, config.registry, REPO_ROOT);
        assert.strictEqual(found.registryDigest, DIGEST);
        const basic = Buffer.from(`${HARBOR_USER}:${HARBOR_PASSWORD}`).toString("base64");
        assert.deepStrictEqual(seen, [
          `HEAD /v2/buildenv/build/manifests/${TAG} (anonymous)`,
          `GET /service/token?service=harbor-registry&scope=repository%3Abuildenv%2Fbuild%3Apull Basic ${basic}`,
          `HEAD /v2/buildenv/build/manifests/${TAG} Bearer member-token`,
        ]);
      });
    });

    it("could not tell anonymously: the private project refuses the anonymous token", async () => {
      await withHarbor(async (server) => {
        await assert.rejects(findImageDigest(server, "buildenv/build", TAG), {
          message: `cannot tell whether the registry holds ${server}/buildenv/build:${TAG}: HEAD http://${server}/v2/buildenv/build/manifests/${TAG} answered 401`,
        });
      });
    });

    it("a refused account fails the run without the password in the message", async () => {
      await withHarbor(async (server) => {
        await setMode("update", "dev");
        setConfig(developerHarbor({ server }), ["vsphere:password", "harbor:password"]);
        const config = loadConfig(NOW);
        const wrong = {
          ...config.registry!,
          harborAccount: { username: HARBOR_USER, password: pulumi.secret("wrong-password") },
        };
        await assert.rejects(resolveBuildImage(config.buildImage, wrong, REPO_ROOT), (e: Error) => {
          assert.strictEqual(
            e.message,
            `cannot tell whether the registry holds ${server}/buildenv/build:${TAG}: HEAD http://${server}/v2/buildenv/build/manifests/${TAG} answered 401; buildenv builds the image only when the registry lacks its content tag, so it must be able to ask (check buildenv:registry and the network)`,
          );
          assert.ok(!e.message.includes("wrong-password") && !e.message.includes(HARBOR_PASSWORD));
          return true;
        });
      });
    });

    it("builds when the project does not exist yet (the shared stack's first run)", async () => {
      await setMode("preview", "ci");
      setConfig(sharedHarbor(), ["vsphere:password", "harbor:password"]);
      const config = loadConfig(NOW);
      const asked: unknown[][] = [];
      const found = await resolveBuildImage(
        config.buildImage,
        config.registry,
        REPO_ROOT,
        async () => {
          throw new Error("cannot tell: HEAD answered 401");
        },
        async (...args) => {
          asked.push(args);
          return false;
        },
      );
      assert.strictEqual(found.registryDigest, undefined);
      assert.deepStrictEqual(asked, [
        [
          "harbor.example.com",
          "buildenv",
          { username: "buildenv-admin", password: ADMIN_PASSWORD },
        ],
      ]);
    });

    it("still fails when the project exists but the tag cannot be asked for", async () => {
      await setMode("preview", "ci");
      setConfig(sharedHarbor(), ["vsphere:password", "harbor:password"]);
      const config = loadConfig(NOW);
      await assert.rejects(
        resolveBuildImage(
          config.buildImage,
          config.registry,
          REPO_ROOT,
          async () => {
            throw new Error("cannot tell: HEAD answered 401");
          },
          async () => true,
        ),
        {
          message:
            "cannot tell: HEAD answered 401; buildenv builds the image only when the registry lacks its content tag, so it must be able to ask (check buildenv:registry and the network)",
        },
      );
    });

    it("asks Harbor's API whether the project exists, with the account in a header only", async () => {
      const seen: string[] = [];
      const server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? "(anonymous)"}`);
        res.writeHead(req.url === "/api/v2.0/projects?project_name=buildenv" ? 200 : 404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
        const account = { username: HARBOR_USER, password: HARBOR_PASSWORD };
        assert.strictEqual(await harborProjectExists(host, "buildenv", account), true);
        assert.strictEqual(await harborProjectExists(host, "other", account), false);
        const basic = Buffer.from(`${HARBOR_USER}:${HARBOR_PASSWORD}`).toString("base64");
        assert.deepStrictEqual(seen, [
          `HEAD /api/v2.0/projects?project_name=buildenv Basic ${basic}`,
          `HEAD /api/v2.0/projects?project_name=other Basic ${basic}`,
        ]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it("the shared stack asks with its administrator account, before the robots exist", async () => {
      await setMode("preview", "ci");
      setConfig(sharedHarbor(), ["vsphere:password", "harbor:password"]);
      const config = loadConfig(NOW);
      const asked: unknown[][] = [];
      await resolveBuildImage(config.buildImage, config.registry, REPO_ROOT, async (...args) => {
        asked.push(args);
        return undefined;
      });
      assert.deepStrictEqual(asked, [
        [
          "harbor.example.com",
          "buildenv/build",
          TAG,
          { username: "buildenv-admin", password: ADMIN_PASSWORD },
        ],
      ]);
    });
  });
});
