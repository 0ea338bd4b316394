/**
 * `output --push` through an injected fetch: the exact requests of a push (method, URL, headers,
 * manifest bytes) to an anonymous, a Basic and a Harbor-style Bearer registry, and the exact
 * one-line errors. Expected digests were computed with the system's sha256sum over the literal
 * bytes below, never by the code under test.
 */
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pushOutput } from "../../cli/workspace/outputRegistry";
import {
  ARCHIVE,
  CONFIG,
  CONFIG_JSON,
  LAYER,
  MANIFEST,
  MANIFEST_JSON,
  FakeAnswer,
  fakeRegistry,
  lines,
} from "../support/fakeRegistry";

const ACCEPT =
  "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
const TITLE = "buildenv output of stack dev";

const LOCAL = "http://127.0.0.1:5000/v2/team/build-output";
const CREDENTIALS = { username: "ci", password: "s3cret-push-pw" };
/** base64("ci:s3cret-push-pw"), by `printf ci:s3cret-push-pw | base64`. */
const BASIC = "Basic Y2k6czNjcmV0LXB1c2gtcHc=";

function archiveFile(): { file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-push-"));
  const file = path.join(dir, "out.tar.gz");
  fs.writeFileSync(file, ARCHIVE);
  return { file, dir };
}

function deps(fetch: Parameters<typeof pushOutput>[4]["fetch"]) {
  const logged: string[] = [];
  const printed: string[] = [];
  return {
    deps: {
      fetch,
      now: () => new Date("2026-11-29T12:00:00Z"),
      log: (l: string) => logged.push(l),
      print: (l: string) => printed.push(l),
    },
    logged,
    printed,
  };
}

/** A registry that holds nothing and accepts every upload. */
function emptyRegistry(base: string) {
  return (r: { method: string; url: string }): FakeAnswer => {
    if (r.method === "HEAD") return { status: 404 };
    if (r.method === "POST") {
      return {
        status: 202,
        headers: { Location: `${new URL(base).pathname}/blobs/uploads/u1?_state=s1` },
      };
    }
    if (r.url.includes("/manifests/")) {
      return { status: 201, headers: { "Docker-Content-Digest": MANIFEST } };
    }
    return { status: 201 };
  };
}

describe("output --push (registry requests)", () => {
  it("anonymous registry: tag checked, layer, config, manifest, in that order, exact bytes", async () => {
    const { file, dir } = archiveFile();
    const registry = fakeRegistry(emptyRegistry(LOCAL));
    const run = deps(registry.fetch);
    const code = await pushOutput(
      file,
      "v1.2",
      { server: "127.0.0.1:5000", repository: "team/build-output" },
      TITLE,
      run.deps,
    );
    assert.equal(code, 0);
    assert.deepEqual(lines(registry.requests), [
      `HEAD ${LOCAL}/manifests/v1.2`,
      `HEAD ${LOCAL}/blobs/${LAYER}`,
      `POST ${LOCAL}/blobs/uploads/`,
      `PUT ${LOCAL}/blobs/uploads/u1?_state=s1&digest=sha256%3A033fde8164aed400d60200bd486f30d60a40c79a50deb58943fa408f9c6a14ba`,
      `HEAD ${LOCAL}/blobs/${CONFIG}`,
      `POST ${LOCAL}/blobs/uploads/`,
      `PUT ${LOCAL}/blobs/uploads/u1?_state=s1&digest=sha256%3Ae68c62c9b120ec6dcb4fa8b2594dab8f5eb93716c73e2409cd09ab6a0d629b4a`,
      `PUT ${LOCAL}/manifests/v1.2`,
    ]);
    const [headTag, , , putLayer, , , putConfig, putManifest] = registry.requests;
    assert.deepEqual(headTag.headers, { Accept: ACCEPT });
    assert.deepEqual(putLayer.headers, {
      "Content-Type": "application/octet-stream",
      "Content-Length": "38",
    });
    assert.deepEqual(putLayer.body, ARCHIVE);
    // Streamed, so never cloned for a redirect (which would keep every chunk in memory).
    assert.equal(putLayer.redirect, "error");
    assert.equal(putManifest.redirect, undefined);
    assert.deepEqual(putConfig.headers, {
      "Content-Type": "application/octet-stream",
      "Content-Length": "163",
    });
    assert.equal(putConfig.body!.toString(), CONFIG_JSON);
    assert.deepEqual(putManifest.headers, {
      "Content-Type": "application/vnd.oci.image.manifest.v1+json",
    });
    assert.equal(putManifest.body!.toString(), MANIFEST_JSON);
    assert.deepEqual(run.printed, ["127.0.0.1:5000/team/build-output:v1.2"]);
    assert.deepEqual(run.logged, [
      `pushed ${file} (38 B) as 127.0.0.1:5000/team/build-output:v1.2@${MANIFEST} in 0.0s`,
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it("Basic registry: one anonymous try, then the credentials in every request, never in a URL or line", async () => {
    const { file, dir } = archiveFile();
    const answer = emptyRegistry("https://registry.example.com/v2/team/build-output");
    const registry = fakeRegistry((r, i) =>
      i === 0
        ? { status: 401, headers: { "WWW-Authenticate": 'Basic realm="Registry Realm"' } }
        : answer(r),
    );
    const run = deps(registry.fetch);
    await pushOutput(
      file,
      "v1.2",
      { server: "registry.example.com", repository: "team/build-output", credentials: CREDENTIALS },
      TITLE,
      run.deps,
    );
    const base = "https://registry.example.com/v2/team/build-output";
    assert.deepEqual(lines(registry.requests).slice(0, 3), [
      `HEAD ${base}/manifests/v1.2`,
      `HEAD ${base}/manifests/v1.2`,
      `HEAD ${base}/blobs/${LAYER}`,
    ]);
    assert.equal(registry.requests.length, 9);
    assert.deepEqual(registry.requests[0].headers, { Accept: ACCEPT });
    for (const request of registry.requests.slice(1)) {
      assert.equal(request.headers.Authorization, BASIC, request.url);
      assert.ok(!request.url.includes("s3cret"), request.url);
    }
    assert.ok(!JSON.stringify([run.logged, run.printed]).includes("s3cret"));
    fs.rmSync(dir, { recursive: true });
  });

  it("Harbor-style Bearer: a pull,push token from /service/token, and a new one when Harbor refuses an expired token", async () => {
    // Harbor's challenges: goharbor/harbor src/server/middleware/v2auth/auth.go:97 and :111-114.
    const base = "https://harbor.example.com/v2/buildenv/build-output";
    const answer = emptyRegistry(base);
    let tokens = 0;
    const registry = fakeRegistry((r, i) => {
      if (r.url.startsWith("https://harbor.example.com/service/token")) {
        tokens += 1;
        return { status: 200, body: JSON.stringify({ token: `tok${tokens}`, expires_in: 1800 }) };
      }
      if (i === 0) {
        return {
          status: 401,
          headers: {
            "WWW-Authenticate":
              'Bearer realm="https://harbor.example.com/service/token",service="harbor-registry",scope="repository:buildenv/build-output:pull"',
          },
        };
      }
      // The first manifest PUT: the token has expired; Harbor answers a request with an
      // Authorization header with its Basic challenge.
      if (r.method === "PUT" && r.url.endsWith("/manifests/v1.2") && tokens === 1) {
        return { status: 401, headers: { "WWW-Authenticate": 'Basic realm="harbor"' } };
      }
      return answer(r);
    });
    const run = deps(registry.fetch);
    await pushOutput(
      file(),
      "v1.2",
      {
        server: "harbor.example.com",
        repository: "buildenv/build-output",
        credentials: CREDENTIALS,
      },
      TITLE,
      run.deps,
    );
    const token =
      "https://harbor.example.com/service/token?service=harbor-registry&scope=repository%3Abuildenv%2Fbuild-output%3Apull%2Cpush";
    assert.deepEqual(lines(registry.requests), [
      `HEAD ${base}/manifests/v1.2`,
      `GET ${token}`,
      `HEAD ${base}/manifests/v1.2`,
      `HEAD ${base}/blobs/${LAYER}`,
      `POST ${base}/blobs/uploads/`,
      `PUT https://harbor.example.com/v2/buildenv/build-output/blobs/uploads/u1?_state=s1&digest=sha256%3A033fde8164aed400d60200bd486f30d60a40c79a50deb58943fa408f9c6a14ba`,
      `HEAD ${base}/blobs/${CONFIG}`,
      `POST ${base}/blobs/uploads/`,
      `PUT https://harbor.example.com/v2/buildenv/build-output/blobs/uploads/u1?_state=s1&digest=sha256%3Ae68c62c9b120ec6dcb4fa8b2594dab8f5eb93716c73e2409cd09ab6a0d629b4a`,
      `PUT ${base}/manifests/v1.2`,
      `GET ${token}`,
      `PUT ${base}/manifests/v1.2`,
    ]);
    assert.deepEqual(registry.requests[1].headers, { Authorization: BASIC });
    assert.deepEqual(
      registry.requests.map((r) => r.headers.Authorization ?? "-"),
      [
        "-",
        BASIC,
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok1",
        BASIC,
        "Bearer tok2",
      ],
    );
    // The retried PUT sends the manifest again, whole.
    assert.equal(registry.requests[11].body!.toString(), MANIFEST_JSON);
    assert.deepEqual(run.printed, ["harbor.example.com/buildenv/build-output:v1.2"]);
  });

  it("a tag holding this very image: nothing uploaded, the reference printed", async () => {
    const registry = fakeRegistry(() => ({
      status: 200,
      headers: { "Docker-Content-Digest": MANIFEST },
    }));
    const run = deps(registry.fetch);
    const code = await pushOutput(
      file(),
      "v1.2",
      { server: "127.0.0.1:5000", repository: "team/build-output" },
      TITLE,
      run.deps,
    );
    assert.equal(code, 0);
    assert.deepEqual(lines(registry.requests), [`HEAD ${LOCAL}/manifests/v1.2`]);
    assert.deepEqual(run.printed, ["127.0.0.1:5000/team/build-output:v1.2"]);
    assert.deepEqual(run.logged, [
      `127.0.0.1:5000/team/build-output:v1.2 already holds this archive (${MANIFEST})`,
    ]);
  });

  it("a tag holding another image is never moved", async () => {
    const other = `sha256:${"ab".repeat(32)}`;
    const registry = fakeRegistry(() => ({
      status: 200,
      headers: { "Docker-Content-Digest": other },
    }));
    await assert.rejects(
      pushOutput(
        file(),
        "v1.2",
        { server: "127.0.0.1:5000", repository: "team/build-output" },
        TITLE,
        deps(registry.fetch).deps,
      ),
      {
        message: `output --push: 127.0.0.1:5000/team/build-output:v1.2 already holds another image (${other}); nothing was pushed. Push under another tag with --tag <tag>, or fetch that one with --from 127.0.0.1:5000/team/build-output:v1.2`,
      },
    );
    assert.equal(registry.requests.length, 1);
  });

  it("401 without credentials: one line naming the registry and repository", async () => {
    const registry = fakeRegistry(() => ({
      status: 401,
      headers: { "WWW-Authenticate": 'Basic realm="Registry Realm"' },
    }));
    await assert.rejects(
      pushOutput(
        file(),
        "v1.2",
        { server: "127.0.0.1:5000", repository: "team/build-output" },
        TITLE,
        deps(registry.fetch).deps,
      ),
      {
        message:
          "output --push: 127.0.0.1:5000/team/build-output:v1.2: 127.0.0.1:5000 wants credentials for team/build-output, and none were given; the tag is unchanged",
      },
    );
    assert.equal(registry.requests.length, 1);
  });

  it("refused credentials: the user named, the password nowhere", async () => {
    const registry = fakeRegistry(() => ({
      status: 401,
      headers: { "WWW-Authenticate": 'Basic realm="Registry Realm"' },
    }));
    await assert.rejects(
      pushOutput(
        file(),
        "v1.2",
        { server: "127.0.0.1:5000", repository: "team/build-output", credentials: CREDENTIALS },
        TITLE,
        deps(registry.fetch).deps,
      ),
      {
        message: `output --push: 127.0.0.1:5000/team/build-output:v1.2: 127.0.0.1:5000 refused the credentials of ci (401 on HEAD ${LOCAL}/manifests/v1.2); the tag is unchanged`,
      },
    );
    assert.equal(registry.requests.length, 2);
  });

  it("a refused manifest: the registry's error code and message", async () => {
    const answer = emptyRegistry(LOCAL);
    const registry = fakeRegistry((r) =>
      r.method === "PUT" && r.url.endsWith("/manifests/v1.2")
        ? {
            status: 400,
            body: '{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"sha256:x"}]}',
          }
        : answer(r),
    );
    await assert.rejects(
      pushOutput(
        file(),
        "v1.2",
        { server: "127.0.0.1:5000", repository: "team/build-output" },
        TITLE,
        deps(registry.fetch).deps,
      ),
      {
        message: `output --push: 127.0.0.1:5000/team/build-output:v1.2: PUT ${LOCAL}/manifests/v1.2 answered 400 (MANIFEST_BLOB_UNKNOWN: blob unknown to registry); the tag is unchanged`,
      },
    );
  });
});

/** The archive in a fresh directory (left to the OS's temporary directory cleanup). */
function file(): string {
  return archiveFile().file;
}

describe("output --push progress", () => {
  it("draws the upload on a terminal as a bar of bytes, rate and time left, cleared at the end", async () => {
    const { file, dir } = archiveFile();
    const registry = fakeRegistry(emptyRegistry(LOCAL));
    const writes: string[] = [];
    let t = Date.parse("2026-11-29T12:00:00Z");
    const run = deps(registry.fetch);
    await pushOutput(
      file,
      "v1.2",
      { server: "127.0.0.1:5000", repository: "team/build-output" },
      TITLE,
      {
        ...run.deps,
        // Two seconds pass between any two readings of the clock.
        now: () => new Date((t += 2000)),
        progress: { isTTY: true, columns: 61, write: (text: string) => writes.push(text) },
      },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    // The 38 bytes of ARCHIVE in one chunk, 2 s after the start: 19 B/s.
    assert.deepEqual(writes, [
      `\r${"push [####################] 100% 38 B/38 B 19 B/s 0.0s left".padEnd(60)}`,
      `\r${" ".repeat(60)}\r`,
    ]);
    // Read at the start, at the chunk and for the summary: 4 s.
    assert.match(run.logged.at(-1)!, / in 4\.0s$/);
  });

  it("says a file that is not gzip is not, instead of waiting on it", async () => {
    const { file, dir } = archiveFile();
    fs.writeFileSync(file, Buffer.alloc(3 << 20, 7));
    const run = deps(fakeRegistry(emptyRegistry(LOCAL)).fetch);
    await assert.rejects(
      pushOutput(file, "v1.2", { server: "127.0.0.1:5000", repository: "t/o" }, TITLE, run.deps),
      {
        message: `output --push: ${file} is not a gzipped tar (incorrect header check)`,
      },
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
