/** Sample values for schema properties, and what the SDK sends to the (mock) resource monitor. */
import * as pulumi from "@pulumi/pulumi";
import { settle } from "./harness";
import { PackageSchema, SchemaProperty, sorted } from "./sdkSchema";

// ---- Sample values: deterministic and, where the type allows, distinct per property ----

function sampleValue(
  schema: PackageSchema,
  p: SchemaProperty,
  label: string,
  ordinal: number,
): unknown {
  if (p.$ref?.startsWith("#/types/")) {
    return sampleObject(
      schema,
      schema.types?.[p.$ref.slice("#/types/".length)]?.properties ?? {},
      label,
    );
  }
  if (p.type === "array") return [sampleValue(schema, p.items!, `${label}-0`, ordinal)];
  if (p.type === "object" && p.additionalProperties) {
    return {
      [`${label}-key`]: sampleValue(schema, p.additionalProperties, `${label}-value`, ordinal),
    };
  }
  if (p.type === "integer" || p.type === "number") return 1000 + ordinal;
  // Booleans can differ only pairwise: alternate them so neighbours that get swapped show up.
  if (p.type === "boolean") return ordinal % 2 === 0;
  return `${label}-value`;
}

/** One value per property; the ordinal counts properties of the same type, in schema order. */
export function sampleObject(
  schema: PackageSchema,
  properties: Record<string, SchemaProperty>,
  prefix = "",
): Record<string, unknown> {
  const seen = new Map<string, number>();
  return Object.fromEntries(
    Object.entries(properties).map(([name, p]) => {
      const kind = p.type ?? p.$ref ?? "";
      const ordinal = seen.get(kind) ?? 0;
      seen.set(kind, ordinal + 1);
      return [name, sampleValue(schema, p, `${prefix}${name}`, ordinal)];
    }),
  );
}

// ---- What the SDK sends to the engine, captured at the resource monitor ----

interface SentRequest {
  kind: "register" | "read" | "invoke";
  token: string;
  name: string;
  version: string;
  pluginDownloadURL: string;
  additionalSecretOutputs: string[];
  secretInputs: string[];
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}

interface MonitorRequest {
  getType?(): string;
  getTok?(): string;
  getName?(): string;
  getVersion(): string;
  getPlugindownloadurl?(): string;
  getAdditionalsecretoutputsList?(): string[];
  getObject?(): ProtoStruct | undefined;
  getProperties?(): ProtoStruct | undefined;
}

type MonitorCallback = (error: unknown, response: unknown) => void;
type MonitorMethod = (request: MonitorRequest, callback: MonitorCallback) => unknown;

// Well-known signature of a serialized secret value (the Pulumi RPC wire format).
export const specialSigKey = "4dabf18193072939515e22adb298388d";
export const secretSig = "1b47061264138c4ac30d75fd1eb44270";

function secretKeys(struct: ProtoStruct | undefined): string[] {
  const object = struct?.toJavaScript() ?? {};
  return sorted(
    Object.keys(object).filter(
      (k) => (object[k] as Record<string, unknown> | null)?.[specialSigKey] === secretSig,
    ),
  );
}

/**
 * Records every request the SDK sends to the (mock) resource monitor: the mocks see the type and
 * inputs, but not the version or secret options, which is what selects the real plugin and keeps
 * secrets out of state.
 */
export async function captureMonitorRequests<T>(
  body: () => Promise<T>,
): Promise<{ result: T; sent: SentRequest[] }> {
  const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, MonitorMethod>;
  const sent: SentRequest[] = [];
  // A failed invoke leaves an Output that never resolves; failing here turns a hang into a message.
  let reportFailure: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (reportFailure = reject));
  failure.catch(() => undefined);
  const wrap = (
    method: "registerResource" | "readResource" | "invoke",
    kind: SentRequest["kind"],
  ): void => {
    const original = monitor[method];
    monitor[method] = function (this: unknown, request: MonitorRequest, callback: MonitorCallback) {
      const token = request.getTok?.() ?? request.getType?.() ?? "";
      sent.push({
        kind,
        token,
        name: request.getName?.() ?? "",
        version: request.getVersion(),
        pluginDownloadURL: request.getPlugindownloadurl?.() ?? "",
        additionalSecretOutputs: sorted(request.getAdditionalsecretoutputsList?.() ?? []),
        secretInputs: secretKeys(request.getObject?.() ?? request.getProperties?.()),
      });
      return original.call(this, request, (error, response) => {
        if (error) reportFailure(new Error(`${kind} of ${token} failed: ${String(error)}`));
        callback(error, response);
      });
    };
  };
  wrap("registerResource", "register");
  wrap("readResource", "read");
  wrap("invoke", "invoke");
  try {
    const result = await Promise.race([body(), failure]);
    await Promise.race([settle(), failure]);
    return { result, sent };
  } finally {
    // The wrappers are own properties shadowing the monitor's prototype methods.
    delete monitor.registerResource;
    delete monitor.readResource;
    delete monitor.invoke;
  }
}

export function secretNames(properties: Record<string, SchemaProperty> | undefined): string[] {
  return sorted(
    Object.entries(properties ?? {})
      .filter(([, p]) => p.secret)
      .map(([n]) => n),
  );
}

type ResourceConstructor = new (
  name: string,
  args?: unknown,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.Resource;
export type ResourceClass = ResourceConstructor & {
  get?: (name: string, id: string, state?: unknown) => pulumi.Resource;
  isInstance(obj: unknown): boolean;
};
export type InvokeFunction = (args?: unknown, opts?: pulumi.InvokeOptions) => Promise<unknown>;
export type InvokeOutputFunction = (args?: unknown) => pulumi.Output<unknown>;

/** The message a synchronous call throws with, or undefined if it returns. */
export function errorMessageOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}
