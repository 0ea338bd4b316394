/**
 * Whether the registry already holds the image of a content tag, and its digest: the build-as-cache
 * check (eksctl's build image): a stack whose tag is present builds nothing and only pulls. One
 * `HEAD /v2/<repository>/manifests/<tag>` of the registry API (the distribution spec's "pulling
 * manifests"), answered with the `Docker-Content-Digest` header, after the registry's own auth
 * challenge when it sends one (Basic, or Bearer through its token service, as the Docker client
 * does). Credentials travel only in request headers: never in a URL, command line, log or error.
 */

/** What a registry is asked for: every manifest type an image or image index can be pushed as. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** How long one request may take: a registry that never answers must not hang a preview. */
export const REGISTRY_TIMEOUT_MS = 30_000;

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** The subset of the WHATWG fetch this module uses, so tests can inject their own. */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal?: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/**
 * `http` for a registry on a loopback address (which the Docker engine also allows without TLS),
 * else `https`.
 */
export function registryScheme(server: string): "http" | "https" {
  const host = server.replace(/:\d+$/, "");
  return host === "localhost" || /^127(\.\d{1,3}){3}$/.test(host) ? "http" : "https";
}

/** A `WWW-Authenticate` challenge: its scheme and parameters (`realm`, `service`, `scope`). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one `WWW-Authenticate` challenge, e.g. `Bearer realm="https://…/token",service="…"`. */
export function parseChallenge(header: string): AuthChallenge {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!match) {
    return { scheme: "", params: {} };
  }
  const params: Record<string, string> = {};
  for (const param of match[2].matchAll(/([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[param[1].toLowerCase()] =
      param[2] !== undefined ? param[2].replace(/\\(.)/g, "$1") : param[3];
  }
  return { scheme: match[1].toLowerCase(), params };
}

/** The `Authorization` value of HTTP Basic auth (RFC 7617): `Basic base64(user:password)`. */
export function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/**
 * The digest of `<server>/<repository>:<tag>` when the registry holds it, undefined when it
 * answers that the manifest is unknown (404).
 *
 * @param server `host[:port]` (buildenv:registry.server).
 * @param repository the repository path (buildenv:registry.repository).
 * @param tag the content tag.
 * @param credentials default none: anonymous.
 * @param fetchImpl default the global fetch.
 * @throws Error naming the reference and the answer when the registry cannot say (unreachable,
 *   refused credentials, any other status, no digest).
 */
export async function findImageDigest(
  server: string,
  repository: string,
  tag: string,
  credentials?: RegistryCredentials,
  fetchImpl: Fetch = fetch as unknown as Fetch,
): Promise<string | undefined> {
  const reference = `${server}/${repository}:${tag}`;
  const url = `${registryScheme(server)}://${server}/v2/${repository}/manifests/${tag}`;
  const fail = (why: string) =>
    new Error(`cannot tell whether the registry holds ${reference}: ${why}`);
  const head = async (authorization?: string) => {
    try {
      return await fetchImpl(url, {
        method: "HEAD",
        signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
        headers: {
          Accept: MANIFEST_ACCEPT,
          ...(authorization ? { Authorization: authorization } : {}),
        },
      });
    } catch (error) {
      throw fail(`HEAD ${url} failed (${(error as Error).message})`);
    }
  };

  let response = await head();
  if (response.status === 401) {
    const challenge = parseChallenge(response.headers.get("www-authenticate") ?? "");
    if (challenge.scheme === "basic") {
      if (!credentials) {
        throw fail("the registry wants credentials (set buildenv:registry.username)");
      }
      response = await head(basicAuthorization(credentials));
    } else if (challenge.scheme === "bearer" && challenge.params.realm) {
      const scope = challenge.params.scope ?? `repository:${repository}:pull`;
      let token: string;
      try {
        token = await fetchBearerToken(challenge, repository, scope, credentials, fetchImpl);
      } catch (error) {
        throw fail((error as Error).message);
      }
      response = await head(`Bearer ${token}`);
    } else {
      throw fail(`HEAD ${url} answered 401 with an unknown challenge`);
    }
  }
  if (response.status === 404) {
    return undefined;
  }
  if (response.status !== 200) {
    throw fail(`HEAD ${url} answered ${response.status}`);
  }
  const digest = response.headers.get("docker-content-digest") ?? "";
  if (!DIGEST.test(digest)) {
    throw fail(`HEAD ${url} answered without a sha256 Docker-Content-Digest`);
  }
  return digest;
}

/** Why a token service gave no token; `status` is its answer's, when it answered. */
export class TokenServiceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "TokenServiceError";
  }
}

/**
 * A Bearer token from the challenge's realm for `scope` (the registry token protocol: GET
 * `<realm>?service=<service>&scope=<scope>`, with the credentials as Basic when there are any).
 * Harbor answers `token`, Azure-style services `access_token` (goharbor/harbor
 * src/common/models/token.go:19-20 at c50c7ddd). Errors name the service, never a credential.
 *
 * @throws TokenServiceError when the service cannot be reached, refuses, or sends no token.
 */
export async function fetchBearerToken(
  challenge: AuthChallenge,
  repository: string,
  scope: string,
  credentials: RegistryCredentials | undefined,
  fetchImpl: Fetch,
): Promise<string> {
  const realm = new URL(challenge.params.realm);
  if (challenge.params.service) {
    realm.searchParams.set("service", challenge.params.service);
  }
  realm.searchParams.set("scope", scope);
  const service = `${realm.origin}${realm.pathname}`;
  let response;
  try {
    response = await fetchImpl(realm.toString(), {
      method: "GET",
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
      headers: credentials ? { Authorization: basicAuthorization(credentials) } : {},
    });
  } catch (error) {
    throw new TokenServiceError(`GET ${service} failed (${(error as Error).message})`);
  }
  if (response.status !== 200) {
    throw new TokenServiceError(
      response.status === 401
        ? `the token service ${service} refused ${credentials ? `the credentials of ${credentials.username}` : "anonymous access"} to ${repository} (401)`
        : `the token service ${service} answered ${response.status}`,
      response.status,
    );
  }
  let body: { token?: unknown; access_token?: unknown } = {};
  try {
    body = JSON.parse(Buffer.from(await response.arrayBuffer()).toString("utf8")) as typeof body;
  } catch {
    // Handled below as "no token".
  }
  const token = typeof body.token === "string" && body.token ? body.token : body.access_token;
  if (typeof token !== "string" || token === "") {
    throw new TokenServiceError(`the token service ${service} returned no token`);
  }
  return token;
}

/**
 * Whether a Harbor project exists: Harbor's API answers `HEAD /api/v2.0/projects?project_name=`
 * with 200 or 404 (goharbor/harbor api/v2.0/swagger.yaml, operation headProject).
 *
 * @throws Error naming the request and the answer for any other status or no answer.
 */
export async function harborProjectExists(
  server: string,
  project: string,
  credentials: RegistryCredentials,
  fetchImpl: Fetch = fetch as unknown as Fetch,
): Promise<boolean> {
  const url = `${registryScheme(server)}://${server}/api/v2.0/projects?project_name=${encodeURIComponent(project)}`;
  let response;
  try {
    response = await fetchImpl(url, {
      method: "HEAD",
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
      headers: { Authorization: basicAuthorization(credentials) },
    });
  } catch (error) {
    throw new Error(`HEAD ${url} failed (${(error as Error).message})`);
  }
  if (response.status === 200 || response.status === 404) {
    return response.status === 200;
  }
  throw new Error(`HEAD ${url} answered ${response.status}`);
}
