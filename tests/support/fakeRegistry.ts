/**
 * A scripted registry behind an injected fetch (cli/workspace/registryClient.ts HttpFetch): every
 * request is recorded (a streamed body read to the end, as a real connection would), and each is
 * answered by the test's function, so tests assert the exact request sequence.
 */
import { HttpFetch, HttpRequest } from "../../cli/workspace/registryClient";

/*
 * One output image, as literal bytes: digests by the system's sha256sum over them, never by the
 * code under test.
 */
/** `printf 'pretend tar stream' | gzip -n`: 38 bytes. */
export const ARCHIVE = Buffer.from(
  "1f8b08000000000000032b284a2d49cd4b5128492c52282e294a4dcc05002e05395412000000",
  "hex",
);
export const LAYER = "sha256:033fde8164aed400d60200bd486f30d60a40c79a50deb58943fa408f9c6a14ba";
export const CONFIG_JSON =
  '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:8a4c153f6a55e14ff4c4fc639871dd7869d118882b94e76254fbf85dd5db38d5"]}}';
export const CONFIG = "sha256:e68c62c9b120ec6dcb4fa8b2594dab8f5eb93716c73e2409cd09ab6a0d629b4a";
export const MANIFEST_JSON =
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:e68c62c9b120ec6dcb4fa8b2594dab8f5eb93716c73e2409cd09ab6a0d629b4a","size":163},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:033fde8164aed400d60200bd486f30d60a40c79a50deb58943fa408f9c6a14ba","size":38}],"annotations":{"org.opencontainers.image.revision":"v1.2","org.opencontainers.image.title":"buildenv output of stack dev"}}';
export const MANIFEST = "sha256:db543331ca7ff57c1c641a61f2f95dbd8268b50f116f9021f2468dd5477e9ffe";
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body's bytes; undefined without one. */
  body?: Buffer;
  /** The redirect mode, when the request sets one. */
  redirect?: string;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** `answer` gets each request (its index among all of them too) and says what comes back. */
export function fakeRegistry(answer: (request: RecordedRequest, index: number) => FakeAnswer): {
  fetch: HttpFetch;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  const fetch: HttpFetch = async (url: string, init: HttpRequest) => {
    let body: Buffer | undefined;
    if (init.body instanceof Uint8Array) {
      body = Buffer.from(init.body);
    } else if (init.body !== undefined) {
      const chunks: Buffer[] = [];
      for await (const chunk of init.body) chunks.push(Buffer.from(chunk));
      body = Buffer.concat(chunks);
    }
    const request: RecordedRequest = {
      method: init.method,
      url,
      headers: { ...init.headers },
      ...(body === undefined ? {} : { body }),
      ...(init.redirect ? { redirect: init.redirect } : {}),
    };
    requests.push(request);
    const reply = answer(request, requests.length - 1);
    const bytes = Buffer.from(reply.body ?? "");
    const headers = Object.fromEntries(
      Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    return {
      status: reply.status,
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
      arrayBuffer: () =>
        Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
      body: (async function* () {
        // In two chunks, as a network would deliver a body.
        yield bytes.subarray(0, bytes.length >> 1);
        yield bytes.subarray(bytes.length >> 1);
      })(),
    };
  };
  return { fetch, requests };
}

/** Requests as `METHOD url` lines, for sequence assertions. */
export function lines(requests: readonly RecordedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.url}`);
}
