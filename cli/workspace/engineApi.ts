/**
 * The few Docker Engine API calls `sync` makes, over the engine's own socket rather than through
 * the docker CLI: a sync after a one-file edit is a handful of requests, and each docker CLI
 * process would cost more than the request it makes. The same calls reach a VCH over TLS with
 * the stack's client certificate (held in memory: no key file is written) at API version 1.25,
 * VIC's docker personality; every call used exists there (the archive endpoints since API 1.20).
 *
 * Endpoints (Docker Engine API v1.25 reference, moby api/swagger.yaml): `GET /containers/{id}/json`,
 * `POST /containers/create`, `DELETE /containers/{id}`, `HEAD|GET|PUT /containers/{id}/archive`,
 * `GET /volumes/{name}`.
 */
import * as http from "http";
import * as https from "https";
import { hostTarget } from "./engine";
import { TlsMaterial } from "./outputs";

/** Where the engine listens and how to reach it. */
export interface EngineAddress {
  /** DOCKER_HOST as the stack exports it: `unix:///path` or `tcp://host:port`. */
  dockerHost: string;
  /** Client material of a VCH: then the engine is reached over TLS. */
  tls?: TlsMaterial;
  /** Prefix every path with `/v<version>`; default none (the engine's own version). */
  apiVersion?: string;
}

/** What `HEAD /containers/{id}/archive` says of a path (the `X-Docker-Container-Path-Stat` header). */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  /** As the engine wrote it: RFC 3339, with nanoseconds where the file system keeps them. */
  mtime: string;
  linkTarget: string;
}

/** An answer the engine gave with a status other than the one the call expects. */
export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One engine, one connection pool; `close` ends it so the process can exit. */
export class EngineApi {
  private readonly agent: http.Agent;
  private readonly target: { socketPath: string } | { host: string; port: number };
  private readonly prefix: string;

  constructor(private readonly address: EngineAddress) {
    const target = hostTarget(address.dockerHost, address.tls !== undefined);
    if (target === undefined) {
      throw new Error(`DOCKER_HOST ${address.dockerHost} is neither unix:// nor tcp://`);
    }
    this.target = target;
    this.prefix = address.apiVersion === undefined ? "" : `/v${address.apiVersion}`;
    this.agent = address.tls
      ? new https.Agent({
          keepAlive: true,
          ca: address.tls.caCert,
          cert: address.tls.clientCert,
          key: address.tls.clientKey,
        })
      : new http.Agent({ keepAlive: true });
  }

  close(): void {
    this.agent.destroy();
  }

  private request(
    method: string,
    path: string,
    body?: Buffer | AsyncIterable<Buffer>,
    contentType?: string,
    sent?: () => void,
  ): Promise<Answer> {
    const transport = this.address.tls ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        {
          ...this.target,
          agent: this.agent,
          method,
          path: this.prefix + path,
          headers: {
            Host: "docker",
            ...(contentType ? { "Content-Type": contentType } : {}),
            ...(Buffer.isBuffer(body) ? { "Content-Length": body.length } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      request.on("error", reject);
      if (sent !== undefined) request.once("finish", sent);
      if (body === undefined || Buffer.isBuffer(body)) {
        request.end(body);
        return;
      }
      void (async () => {
        try {
          for await (const chunk of body) {
            // The engine answered (or the socket broke): the rest of the body is not read.
            if (request.destroyed) break;
            // Up to STREAM_AHEAD bytes are let queue up: the engine reads what is queued while
            // the next chunk is made, instead of waiting for it at every drain.
            if (!request.write(chunk) && request.writableLength > STREAM_AHEAD) {
              // Or its end: a request destroyed meanwhile never drains, and the loop must stop
              // reading the body (whose generator may hold a file open).
              await new Promise<void>((done) => {
                const resume = () => {
                  request.off("drain", resume);
                  request.off("close", resume);
                  done();
                };
                request.on("drain", resume);
                request.on("close", resume);
              });
            } else if (request.writableLength > 0) {
              // What the socket did not take is written only when the event loop polls: a body
              // made without waiting for anything would starve the engine until STREAM_AHEAD.
              await new Promise((done) => setImmediate(done));
            }
          }
          request.end();
        } catch (error) {
          request.destroy(error as Error);
        }
      })();
    });
  }

  /** The engine's message for a failed call: its JSON `message`, else the status. */
  private static fail(what: string, answer: Answer): EngineError {
    let message = `HTTP ${answer.status}`;
    try {
      const parsed = JSON.parse(answer.body.toString("utf8")) as { message?: unknown };
      if (typeof parsed.message === "string") message = parsed.message;
    } catch {
      // Not JSON (a HEAD has no body): the status says it.
    }
    return new EngineError(answer.status, `${what}: ${message}`);
  }

  /** The container's image, or undefined when there is no such container. */
  async containerImage(name: string): Promise<string | undefined> {
    const answer = await this.request("GET", `/containers/${encodeURIComponent(name)}/json`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw EngineApi.fail(`inspect container ${name}`, answer);
    const parsed = JSON.parse(answer.body.toString("utf8")) as { Config?: { Image?: string } };
    return parsed.Config?.Image ?? "";
  }

  /** Creates a container that is never started: it only holds `binds` for the archive calls. */
  async createHolder(
    name: string,
    image: string,
    binds: string[],
    labels: Record<string, string>,
  ): Promise<void> {
    const spec = { Image: image, Cmd: ["true"], Labels: labels, HostConfig: { Binds: binds } };
    const answer = await this.request(
      "POST",
      `/containers/create?name=${encodeURIComponent(name)}`,
      Buffer.from(JSON.stringify(spec)),
      "application/json",
    );
    if (answer.status !== 201) throw EngineApi.fail(`create container ${name}`, answer);
  }

  async removeContainer(name: string): Promise<void> {
    const answer = await this.request(
      "DELETE",
      `/containers/${encodeURIComponent(name)}?force=1&v=0`,
    );
    if (answer.status !== 204 && answer.status !== 404) {
      throw EngineApi.fail(`remove container ${name}`, answer);
    }
  }

  /** The volume's labels, or undefined when there is no such volume. */
  async volumeLabels(name: string): Promise<Record<string, string> | undefined> {
    const answer = await this.request("GET", `/volumes/${encodeURIComponent(name)}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw EngineApi.fail(`inspect volume ${name}`, answer);
    const parsed = JSON.parse(answer.body.toString("utf8")) as {
      Labels?: Record<string, string> | null;
    };
    return parsed.Labels ?? {};
  }

  /** What the engine says of `path` in the container, or undefined when it does not exist. */
  async statPath(container: string, path: string): Promise<PathStat | undefined> {
    const answer = await this.request("HEAD", archivePath(container, path));
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw EngineApi.fail(`stat ${path}`, answer);
    const header = answer.headers["x-docker-container-path-stat"];
    if (typeof header !== "string") {
      throw new EngineError(answer.status, `stat ${path}: the engine sent no path stat`);
    }
    return JSON.parse(Buffer.from(header, "base64").toString("utf8")) as PathStat;
  }

  /** The tar archive of `path` (its last element as the archive's top entry), or undefined. */
  async getArchive(container: string, path: string): Promise<Buffer | undefined> {
    const answer = await this.request("GET", archivePath(container, path));
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw EngineApi.fail(`copy ${path} out`, answer);
    return answer.body;
  }

  /**
   * Extracts the tar stream `archive` into the directory `path` of the container. `sent`, if
   * given, is called once the whole request is with the operating system.
   */
  async putArchive(
    container: string,
    path: string,
    archive: Buffer | AsyncIterable<Buffer>,
    sent?: () => void,
  ): Promise<void> {
    const answer = await this.request(
      "PUT",
      archivePath(container, path),
      archive,
      "application/x-tar",
      sent,
    );
    if (answer.status !== 200) throw EngineApi.fail(`copy into ${path}`, answer);
  }
}

/** How much of a streamed body may wait in memory for the socket. */
const STREAM_AHEAD = 8 << 20;

function archivePath(container: string, path: string): string {
  return `/containers/${encodeURIComponent(container)}/archive?path=${encodeURIComponent(path)}`;
}
