/**
 * Whether a Docker engine answers, asked over its API (`GET /_ping`) rather than through the
 * docker CLI: `npm run up` needs the engine (the program's Docker providers talk to it
 * directly), not the CLI.
 */
import * as http from "http";

/** Where a DOCKER_HOST value points: a unix socket or a `tcp://` address (2376 with TLS, else 2375). */
export function hostTarget(
  dockerHost: string,
  tls: boolean,
): { socketPath: string } | { host: string; port: number } | undefined {
  if (dockerHost.startsWith("unix://")) {
    return { socketPath: dockerHost.slice("unix://".length) };
  }
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(dockerHost);
  return tcp ? { host: tcp[1], port: Number(tcp[2] ?? (tls ? 2376 : 2375)) } : undefined;
}

/**
 * Where to send the ping for a DOCKER_HOST value: a unix socket or a plain `tcp://` address.
 * Undefined for what this check cannot reach without client certificates or ssh (`ssh://`,
 * `npipe://`, TLS): those are left to Pulumi's own error.
 */
export function pingTarget(
  dockerHost: string,
  tlsVerify: boolean,
): { socketPath: string } | { host: string; port: number } | undefined {
  const target = hostTarget(dockerHost, tlsVerify);
  return target !== undefined && "host" in target && tlsVerify ? undefined : target;
}

/** Undefined when the engine answers `/_ping`, else why not (one line). */
export function pingEngine(
  dockerHost: string,
  tlsVerify: boolean,
  timeoutMs = 5000,
): Promise<string | undefined> {
  const target = pingTarget(dockerHost, tlsVerify);
  if (target === undefined) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: "/_ping", timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? undefined : `it answered HTTP ${response.statusCode}`);
    });
    request.on("timeout", () => {
      request.destroy();
      resolve(`no answer within ${timeoutMs / 1000}s`);
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message);
    });
  });
}
