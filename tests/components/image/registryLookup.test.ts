/**
 * The build-as-cache check against a stand-in registry on a loopback port that answers as the
 * distribution registry does: HEAD of a manifest by tag, 404 for an unknown one, 401 with a Basic
 * or a Bearer challenge (and a token service) before credentials are given.
 */
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import {
  MANIFEST_ACCEPT,
  findImageDigest,
  parseChallenge,
  registryScheme,
} from "../../../components/image/registryLookup";

const TAG = "21d62c25e33d31951a2ff05ab87daa35660f0f4a";
const DIGEST = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
const PASSWORD = "s3cret-registry-token";
const BASIC = `Basic ${Buffer.from(`robot:${PASSWORD}`).toString("base64")}`;

interface Seen {
  method: string;
  url: string;
  accept?: string;
  authorization?: string;
}

/** A registry holding `team/build:<TAG>`; `auth` decides which challenge it sends. */
async function withRegistry(
  auth: "none" | "basic" | "bearer",
  work: (server: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const registry = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      ...(req.headers.accept ? { accept: req.headers.accept } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const { port } = registry.address() as AddressInfo;
    if (req.url?.startsWith("/token")) {
      if (req.headers.authorization !== BASIC) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ token: "registry-token-1" }));
      return;
    }
    const authorized =
      auth === "none" ||
      (auth === "basic" && req.headers.authorization === BASIC) ||
      (auth === "bearer" && req.headers.authorization === "Bearer registry-token-1");
    if (!authorized) {
      res.writeHead(401, {
        "WWW-Authenticate":
          auth === "basic"
            ? 'Basic realm="basic-realm"'
            : `Bearer realm="http://127.0.0.1:${port}/token",service="registry.test",scope="repository:team/build:pull"`,
      });
      res.end();
      return;
    }
    if (req.url === `/v2/team/build/manifests/${TAG}`) {
      res.writeHead(200, {
        "Docker-Content-Digest": DIGEST,
        "Content-Type": "application/vnd.oci.image.index.v1+json",
      });
      res.end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  try {
    await work(`127.0.0.1:${(registry.address() as AddressInfo).port}`, seen);
  } finally {
    await new Promise((resolve) => registry.close(resolve));
  }
}

describe("registry lookup of the content tag", () => {
  it("finds the digest of a tag the registry holds, with one HEAD accepting every manifest type", async () => {
    await withRegistry("none", async (server, seen) => {
      assert.strictEqual(await findImageDigest(server, "team/build", TAG), DIGEST);
      assert.deepStrictEqual(seen, [
        {
          method: "HEAD",
          url: `/v2/team/build/manifests/${TAG}`,
          accept:
            "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, " +
            "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json",
        },
      ]);
      assert.strictEqual(seen[0].accept, MANIFEST_ACCEPT);
    });
  });

  it("answers undefined for a tag the registry lacks", async () => {
    await withRegistry("none", async (server) => {
      assert.strictEqual(await findImageDigest(server, "team/build", "0".repeat(40)), undefined);
    });
  });

  it("answers a Basic challenge with the credentials", async () => {
    await withRegistry("basic", async (server, seen) => {
      const found = await findImageDigest(server, "team/build", TAG, {
        username: "robot",
        password: PASSWORD,
      });
      assert.strictEqual(found, DIGEST);
      assert.deepStrictEqual(
        seen.map((s) => [s.method, s.url, s.authorization]),
        [
          ["HEAD", `/v2/team/build/manifests/${TAG}`, undefined],
          ["HEAD", `/v2/team/build/manifests/${TAG}`, BASIC],
        ],
      );
    });
  });

  it("gets a pull token from the token service for a Bearer challenge", async () => {
    await withRegistry("bearer", async (server, seen) => {
      const found = await findImageDigest(server, "team/build", TAG, {
        username: "robot",
        password: PASSWORD,
      });
      assert.strictEqual(found, DIGEST);
      assert.deepStrictEqual(
        seen.map((s) => [s.method, s.url, s.authorization]),
        [
          ["HEAD", `/v2/team/build/manifests/${TAG}`, undefined],
          ["GET", "/token?service=registry.test&scope=repository%3Ateam%2Fbuild%3Apull", BASIC],
          ["HEAD", `/v2/team/build/manifests/${TAG}`, "Bearer registry-token-1"],
        ],
      );
    });
  });

  it("fails, naming the reference and never the password, when the credentials are refused", async () => {
    await withRegistry("basic", async (server) => {
      await assert.rejects(
        findImageDigest(server, "team/build", TAG, { username: "robot", password: "wrong" }),
        (error: Error) => {
          assert.strictEqual(
            error.message,
            `cannot tell whether the registry holds ${server}/team/build:${TAG}: HEAD http://${server}/v2/team/build/manifests/${TAG} answered 401`,
          );
          return true;
        },
      );
    });
    await withRegistry("bearer", async (server) => {
      await assert.rejects(
        findImageDigest(server, "team/build", TAG, { username: "robot", password: "wrong" }),
        (error: Error) => {
          assert.strictEqual(
            error.message,
            `cannot tell whether the registry holds ${server}/team/build:${TAG}: the token service http://${server}/token refused the credentials of robot to team/build (401)`,
          );
          assert.ok(!error.message.includes("wrong"));
          return true;
        },
      );
    });
  });

  it("fails when a Basic registry gets no credentials, or cannot be reached", async () => {
    await withRegistry("basic", async (server) => {
      await assert.rejects(findImageDigest(server, "team/build", TAG), {
        message: `cannot tell whether the registry holds ${server}/team/build:${TAG}: the registry wants credentials (set buildenv:registry.username)`,
      });
    });
    await assert.rejects(findImageDigest("127.0.0.1:9", "team/build", TAG), (error: Error) =>
      error.message.startsWith(
        `cannot tell whether the registry holds 127.0.0.1:9/team/build:${TAG}: HEAD http://127.0.0.1:9/v2/team/build/manifests/${TAG} failed (`,
      ),
    );
  });

  it("uses plain HTTP only for loopback registries, as the Docker engine allows", () => {
    assert.strictEqual(registryScheme("127.0.0.1:5000"), "http");
    assert.strictEqual(registryScheme("localhost:5000"), "http");
    assert.strictEqual(registryScheme("127.10.0.1"), "http");
    assert.strictEqual(registryScheme("registry.example.com"), "https");
    assert.strictEqual(registryScheme("127.0.0.1.example.com:443"), "https");
  });

  it("parses registry challenges", () => {
    assert.deepStrictEqual(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/r:pull"',
      ),
      {
        scheme: "bearer",
        params: {
          realm: "https://ghcr.io/token",
          service: "ghcr.io",
          scope: "repository:o/r:pull",
        },
      },
    );
    assert.deepStrictEqual(parseChallenge('Basic realm="basic-realm"'), {
      scheme: "basic",
      params: { realm: "basic-realm" },
    });
  });
});
