/**
 * A small client of one repository of a registry's HTTP API (the OCI distribution spec: pulling
 * and pushing blobs and manifests), for `npm run env -- output --push|--from`. It speaks to any
 * distribution-based registry (Debian's `docker-registry`, Harbor, GHCR) with no docker CLI, so
 * it works alike from a developer machine for a local engine and for a VCH.
 *
 * Auth as the Docker client does it: the first request goes out anonymous; a 401's
 * `WWW-Authenticate` challenge (parseChallenge, registryLookup.ts) says Basic (then the
 * credentials go in every request) or Bearer (then a token is fetched from the challenge's realm
 * for this repository, scope `pull` or `pull,push`, and sent instead). Harbor's challenge is
 * `Bearer realm="<ext endpoint>/service/token",service="harbor-registry"` to a request without an
 * Authorization header, and `Basic realm="harbor"` to one with a refused header
 * (goharbor/harbor src/server/middleware/v2auth/auth.go:92-116 at c50c7ddd), so a refused token
 * (one that expired in a long upload) is answered by fetching a new token once. Credentials travel
 * only in request headers: never in a URL, log line or error message.
 */
import {
  AuthChallenge,
  REGISTRY_TIMEOUT_MS,
  RegistryCredentials,
  TokenServiceError,
  basicAuthorization,
  fetchBearerToken,
  parseChallenge,
  registryScheme,
} from "../../components/image/registryLookup";

/** A request body: bytes, or chunks streamed as they are read (a file). */
export type HttpBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: HttpBody;
  /** Required by WHATWG fetch for a streamed body. */
  duplex?: "half";
  /**
   * `error` for a streamed body: otherwise fetch clones the request to be able to resend it
   * after a redirect ("HTTP-network-or-cache fetch", WHATWG fetch), and the clone's tee keeps
   * every chunk sent in memory (measured: a 200 MB push held 200 MB of buffers in Node 20's
   * undici 6.24). Default: follow.
   */
  redirect?: "error";
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The body as it arrives; a WHATWG ReadableStream is async-iterable in Node. */
  body: AsyncIterable<Uint8Array> | null;
}

/** The subset of the WHATWG fetch the client uses, so tests can inject their own. */
export type HttpFetch = (url: string, init: HttpRequest) => Promise<HttpResponse>;

/** A registry request failed; the message is one line without any secret. */
export class RegistryError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the registry answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

export interface RequestOptions {
  /** Extra headers (Accept, Content-Type, Content-Length). Default: none. */
  headers?: Record<string, string>;
  /** Makes the body afresh for each attempt (a retry after a challenge re-reads a file). */
  body?: () => HttpBody;
  /** Statuses returned rather than thrown. Default: 200-299. */
  accept?: readonly number[];
  /**
   * Milliseconds without progress before the request is aborted; a streaming caller calls
   * `touch` of the returned timer per chunk. Default REGISTRY_TIMEOUT_MS.
   */
  idleTimeoutMs?: number;
}

/** An abort signal that fires after `ms` without a `touch()`. */
export interface IdleTimer {
  signal: AbortSignal;
  touch(): void;
  clear(): void;
}

export function idleTimer(ms: number): IdleTimer {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(
      () => controller.abort(new Error(`no progress for ${ms / 1000}s`)),
      ms,
    ).unref();
  };
  arm();
  return {
    signal: controller.signal,
    touch: arm,
    clear: () => {
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

export interface RegistryClientOptions {
  /** Default none: anonymous, unless the registry asks (then a one-line error). */
  credentials?: RegistryCredentials;
  /** Whether tokens are asked for `pull,push` rather than `pull`. Default false. */
  push?: boolean;
  /** Default the global fetch. */
  fetch?: HttpFetch;
}

/** `CODE: message` of the first error of a distribution error body, if it has one. */
async function registryErrorOf(response: HttpResponse): Promise<string | undefined> {
  try {
    const body = JSON.parse(Buffer.from(await response.arrayBuffer()).toString("utf8")) as {
      errors?: { code?: unknown; message?: unknown }[];
    };
    const first = body.errors?.[0];
    if (first && typeof first.code === "string") {
      return typeof first.message === "string" && first.message !== ""
        ? `${first.code}: ${first.message}`
        : first.code;
    }
  } catch {
    // Not JSON (a proxy's HTML page): the status alone says it.
  }
  return undefined;
}

/** One repository of one registry, with the auth it negotiated kept for every later request. */
export class RegistryClient {
  readonly base: string;
  private readonly fetchImpl: HttpFetch;
  private authorization: string | undefined;
  private bearer: AuthChallenge | undefined;

  /**
   * @param server `host[:port]`; http for a loopback address, else https (registryScheme).
   * @param repository the repository path, e.g. `team/build-output`.
   */
  constructor(
    readonly server: string,
    readonly repository: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.base = `${registryScheme(server)}://${server}`;
    this.fetchImpl = options.fetch ?? (fetch as unknown as HttpFetch);
  }

  /** `/v2/<repository>/<rest>` as a full URL. */
  url(rest: string): string {
    return `${this.base}/v2/${this.repository}/${rest}`;
  }

  /**
   * Sends one request, answering an auth challenge once (twice when a token it holds is refused).
   *
   * @param target a full URL, or a path below `/v2/<repository>/`.
   * @throws RegistryError `<METHOD> <url> answered <status> (<CODE: message>)`, or the reason
   *   it got no answer, or what the challenge needs.
   */
  async request(
    method: string,
    target: string,
    options: RequestOptions = {},
  ): Promise<{ response: HttpResponse; timer: IdleTimer }> {
    const url = /^https?:\/\//.test(target) ? target : this.url(target);
    const accept = options.accept ?? [];
    for (let attempt = 0; ; attempt++) {
      const timer = idleTimer(options.idleTimeoutMs ?? REGISTRY_TIMEOUT_MS);
      const body = options.body?.();
      let response: HttpResponse;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            ...options.headers,
            ...(this.authorization ? { Authorization: this.authorization } : {}),
          },
          ...(body === undefined
            ? {}
            : body instanceof Uint8Array
              ? { body }
              : {
                  body: touching(body, timer),
                  duplex: "half" as const,
                  redirect: "error" as const,
                }),
          signal: timer.signal,
        });
      } catch (error) {
        timer.clear();
        const cause = (error as Error & { cause?: Error }).cause?.message;
        throw new RegistryError(
          `${method} ${url} failed (${(error as Error).message}${cause ? `: ${cause}` : ""})`,
        );
      }
      if (response.status === 401 && attempt < 2) {
        timer.clear();
        await this.answer(response, method, url);
        continue;
      }
      if ((response.status >= 200 && response.status < 300) || accept.includes(response.status)) {
        return { response, timer };
      }
      timer.clear();
      const detail = await registryErrorOf(response);
      throw new RegistryError(
        `${method} ${url} answered ${response.status}${detail ? ` (${detail})` : ""}`,
        response.status,
      );
    }
  }

  /** Sets the authorization a 401 asks for, or throws saying why it cannot. */
  private async answer(response: HttpResponse, method: string, url: string): Promise<void> {
    const challenge = parseChallenge(response.headers.get("www-authenticate") ?? "");
    const credentials = this.options.credentials;
    const refused = this.authorization !== undefined;
    if (refused && this.authorization!.startsWith("Basic ")) {
      throw new RegistryError(
        `${this.server} refused the credentials of ${credentials!.username} (401 on ${method} ${url})`,
        401,
      );
    }
    if (challenge.scheme === "bearer" && challenge.params.realm) {
      this.bearer = challenge;
    } else if (!(refused && this.bearer)) {
      if (challenge.scheme !== "basic") {
        throw new RegistryError(`${method} ${url} answered 401 with an unknown challenge`, 401);
      }
      if (!credentials) {
        throw new RegistryError(
          `${this.server} wants credentials for ${this.repository}, and none were given`,
          401,
        );
      }
      this.authorization = basicAuthorization(credentials);
      return;
    }
    this.authorization = `Bearer ${await this.token(this.bearer!)}`;
  }

  /** A token of the challenge's realm for this repository (`pull` or `pull,push`). */
  private async token(challenge: AuthChallenge): Promise<string> {
    const scope = `repository:${this.repository}:${this.options.push ? "pull,push" : "pull"}`;
    try {
      return await fetchBearerToken(
        challenge,
        this.repository,
        scope,
        this.options.credentials,
        this.fetchImpl,
      );
    } catch (error) {
      if (!(error instanceof TokenServiceError)) throw error;
      throw new RegistryError(error.message, error.status);
    }
  }
}

/** The chunks of `body`, each one resetting the request's idle timer as it is sent. */
async function* touching(
  body: AsyncIterable<Uint8Array>,
  timer: IdleTimer,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    timer.touch();
    yield chunk;
  }
}
