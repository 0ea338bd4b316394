/**
 * `buildenv:host` with `kind: vch`: a VIC Virtual Container Host, and the vSphere connection
 * (the vSphere provider's own config or its environment variables) vic-machine uses.
 */
import * as net from "net";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ParseContext, matching, nonEmpty, show, strict } from "../config/schema";
import { DEFAULT_TIMEOUT, DEFAULT_VIC_MACHINE, VCH_STORE_FOLDER } from "./vicMachine";

/** A Virtual Container Host name: what vic-machine accepts and vSphere shows; at most 31. */
export const VCH_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,29}[a-z0-9])?$/;
export const VCH_NAME_RULE =
  "1-31 lower-case letters, digits and '-', not starting or ending with '-'";

const IPV4 = "(?:\\d{1,3}\\.){3}\\d{1,3}";
/** create.go:439-474 parseGatewaySpec: `[cidr,cidr:]gateway`. */
const GATEWAY = new RegExp(`^(?:${IPV4}/\\d{1,2}(?:,${IPV4}/\\d{1,2})*:)?${IPV4}$`);

/** An address with a network mask, as net.ParseCIDR takes it (create.go:477-522). */
export function isCidr(value: string): boolean {
  const slash = value.lastIndexOf("/");
  const version = net.isIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  return (
    slash > 0 &&
    version !== 0 &&
    /^\d{1,3}$/.test(bits) &&
    Number(bits) <= (version === 4 ? 32 : 128)
  );
}

/** The address part of a CIDR address. */
export function cidrAddress(value: string): string {
  return value.slice(0, value.lastIndexOf("/"));
}

export interface VolumeStoreConfig {
  datastore: string;
  /** Folder of this VCH alone: `[<folder>/]vch/<VCH name>`; default `buildenv/vch/<VCH name>`. */
  path: string;
  label: string;
}

/** The vSphere user the VCH operates as after creation (`--ops-user`). */
export interface OpsUserConfig {
  user: string;
  /** Secret: `buildenv:opsPassword`. */
  password: pulumi.Output<string>;
}

/** Connection to vCenter, from the vSphere provider's own config (or its environment variables). */
export interface VsphereConnection {
  server: string;
  user: string;
  password: pulumi.Output<string>;
  allowUnverifiedSsl: boolean;
}

export interface VchHostConfig {
  kind: "vch";
  datacenter: string;
  cluster: string;
  imageStore: string;
  volumeStores: VolumeStoreConfig[];
  bridgeNetwork: string;
  publicNetwork: string;
  clientNetwork?: string;
  /**
   * Static client-network address with mask (`10.20.0.15/24`, `fd00::15/64`): the Docker
   * endpoint is then known before create and is in the certificate. Without it the VCH takes a
   * DHCP address and buildenv connects by `cname`, which must resolve to the VCH.
   */
  clientNetworkIp?: string;
  /** `[dest,dest:]gateway` on the client network; only with clientNetworkIp. */
  clientNetworkGateway?: string;
  /** DNS servers of the VCH; default none (VIC's default). */
  dnsServers: string[];
  /** The user the VCH operates as; default none (VIC keeps the deploying user's credentials). */
  opsUser?: OpsUserConfig;
  /** vic-machine's `--timeout`, a Go duration; default 10m. */
  timeout: string;
  /** vCenter's SHA-1 thumbprint; when absent it is looked up with getHostThumbprint. */
  thumbprint?: string;
  vicMachine: string;
  name: string;
  cname: string;
  /** Public-network addresses of the VCH, added to its server certificate as IP SANs. */
  ipAddresses: string[];
  vsphere: VsphereConnection;
}

const datastorePath = z.string().regex(/^[^/\s:][^:]*$/, {
  error: (i) => `${show(i.input)} is not a datastore path; use <datastore> or <datastore>/<path>`,
});

/**
 * The longest Go duration, in nanoseconds: time.ParseDuration refuses anything over 1<<63-1 ns
 * ("invalid duration", go/src/time/format.go:1724-1725 in Go 1.26), which is
 * 2562047h47m16.854775807s.
 */
const GO_MAX_DURATION_NS = (1n << 63n) - 1n;

/** A Go duration in nanoseconds (units h, m, s as the schema allows), exactly. */
export function goDurationNs(value: string): bigint {
  const unitNs: Record<string, bigint> = {
    h: 3_600_000_000_000n,
    m: 60_000_000_000n,
    s: 1_000_000_000n,
  };
  let total = 0n;
  for (const [, whole, fraction = "", unit] of value.matchAll(/(\d+)(?:\.(\d+))?([hms])/g)) {
    const scale = 10n ** BigInt(fraction.length);
    total += ((BigInt(whole) * scale + BigInt(fraction || "0")) * unitNs[unit]) / scale;
  }
  return total;
}

/**
 * Why a `--timeout` is not one vic-machine can work with, or undefined: zero makes its deadline
 * the moment it starts (create runs under `trace.WithTimeout(&op, c.Timeout, "Create")` and fails
 * with "Creating VCH exceeded time limit", cmd/vic-machine/create/create.go:734-739 at vmware/vic
 * 9489f63e), and beyond Go's range ParseDuration refuses the flag.
 */
export function timeoutProblem(value: string): string | undefined {
  if (!/^(?:\d+(?:\.\d+)?(?:h|m|s))+$/.test(value)) return undefined; // the schema says why
  const ns = goDurationNs(value);
  if (ns === 0n) {
    return `${show(value)} is zero: vic-machine would give up at once; use e.g. 10m`;
  }
  if (ns > GO_MAX_DURATION_NS) {
    return `${show(value)} is beyond Go's duration range (at most 2562047h47m16.854775807s), so vic-machine refuses it; use e.g. 10m`;
  }
  return undefined;
}

/**
 * vic-machine reads `--target` as a URL (pkg/flags/url_flag.go:32-42 at vmware/vic 9489f63e:
 * url.Parse of https://<target>) whose path is the datacenter (lib/install/validate/
 * validator.go:119-126), looked up with govmomi's finder, which takes `* ? [ ] \` as glob
 * characters (path.Match; govmomi find/doc.go:17-22). So in a datacenter name `?` would start the query and `#` the
 * fragment (go/src/net/url/url.go:401 and :461 in Go 1.26), `%` starts an escape, `/` is refused
 * by vic-machine ("--target should only specify datacenter in the path", validator.go:178-182),
 * and a glob character would match other datacenters.
 */
const TARGET_SPECIAL = /[?#%/*[\]\\]/;
const TARGET_MEANING: Record<string, string> = {
  "?": "the start of a query",
  "#": "the start of a fragment",
  "%": "an escape",
  "/": "another path segment",
};

/**
 * vic-machine takes `--bridge-network`, `--public-network` and `--client-network` whole
 * (cmd/vic-machine/create/create.go:477-480; only `--container-network` splits `name:alias`,
 * common/cnetworks.go:160-185, and buildenv never passes one, so ':' is fine) and looks the name
 * up with govmomi's finder (lib/install/validate/network.go:447-462, "ambiguous network" on
 * more than one match): `/` separates a path and
 * `* ? [ ] \` are glob characters that could match another network.
 */
const NETWORK_SPECIAL = /[*?[\]\\]/;
const networkName = nonEmpty.refine((name) => !NETWORK_SPECIAL.test(name), {
  error: (i) =>
    `${show(i.input)} contains ${show(NETWORK_SPECIAL.exec(String(i.input))![0])}, a wildcard to vSphere's inventory lookup, which could match another network; rename the port group or use one without * ? [ ] \\`,
});

export const vchHostSchema = strict({
  kind: z.literal("vch"),
  datacenter: nonEmpty.refine((name) => !TARGET_SPECIAL.test(name), {
    error: (i) => {
      const found = TARGET_SPECIAL.exec(String(i.input))![0];
      return `${show(i.input)} contains ${show(found)}, which vic-machine's --target URL would read as ${TARGET_MEANING[found] ?? "a wildcard matching other datacenters"}; use the datacenter's name without ? # % / * [ ] \\`;
    },
  }),
  cluster: nonEmpty,
  imageStore: datastorePath,
  volumeStores: z
    .array(
      strict({
        datastore: z.string().regex(/^[^/:\s][^/:]*$/, {
          error: (i) => `${show(i.input)} is not a datastore name`,
        }),
        path: z
          .string()
          .regex(/^[^/]/, {
            error: (i) =>
              `${show(i.input)} is an absolute path; give the folder relative to the datastore, e.g. "buildenv/${VCH_STORE_FOLDER}/<VCH name>"`,
          })
          .regex(/^[^:\s][^:]*$/, { error: (i) => `${show(i.input)} is not a folder path` })
          .optional(),
        label: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
          error: (i) =>
            `${show(i.input)} is not a volume store label; use letters, digits, '-' and '_'`,
        }),
      }),
    )
    .min(1, { error: 'needs at least one volume store, one of them labelled "default"' }),
  bridgeNetwork: networkName,
  publicNetwork: networkName,
  clientNetwork: networkName.optional(),
  clientNetworkIp: z
    .string()
    .refine(isCidr, {
      error: (i) =>
        `${show(i.input)} is not an address with a mask; use e.g. 10.20.0.15/24 or fd00::15/64`,
    })
    .optional(),
  clientNetworkGateway: z
    .string()
    .regex(GATEWAY, {
      error: (i) =>
        `${show(i.input)} is not a gateway; use <IPv4 address> or <cidr>[,<cidr>...]:<IPv4 address>`,
    })
    .optional(),
  dnsServers: z
    .array(
      z.string().refine((v) => net.isIP(v) !== 0, {
        error: (i) => `${show(i.input)} is not an IP address`,
      }),
    )
    .max(3, { error: "has more than 3 servers; VIC uses at most 3" })
    .optional(),
  opsUser: nonEmpty.optional(),
  timeout: z
    .string()
    .regex(/^(?:\d+(?:\.\d+)?(?:h|m|s))+$/, {
      error: (i) => `${show(i.input)} is not a duration; use e.g. 10m, 90s or 1h30m`,
    })
    .superRefine((value, ctx) => {
      const problem = timeoutProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  thumbprint: z
    .string()
    .regex(/^([0-9A-Fa-f]{2}:){19}[0-9A-Fa-f]{2}$/, {
      error: (i) => `${show(i.input)} is not a SHA-1 thumbprint; use 20 hex pairs separated by ':'`,
    })
    .optional(),
  vicMachine: nonEmpty.optional(),
  name: matching(VCH_NAME_PATTERN, VCH_NAME_RULE).optional(),
  cname: z
    .string()
    .regex(
      /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
      {
        error: (i) =>
          typeof i.input === "string" && i.input.length > 253
            ? `${show(i.input)} is ${i.input.length} characters long; a DNS name has at most 253`
            : `${show(i.input)} is not a DNS name`,
      },
    ),
  ipAddresses: z
    .array(z.ipv4({ error: (i) => `${show(i.input)} is not an IPv4 address` }))
    .optional(),
});

/** The `kind: vch` host after the schema accepted it: defaults, store rules, the connection. */
export function parseVchHost(
  parsed: z.infer<typeof vchHostSchema>,
  owner: string | undefined,
  ctx: ParseContext,
  problems: string[],
): VchHostConfig | undefined {
  if (!parsed.volumeStores.some((store) => store.label === "default")) {
    problems.push(
      `buildenv:host.volumeStores: ${show(parsed.volumeStores.map((s) => s.label))} has no store labelled "default"; VIC puts volumes without a store there`,
    );
  }
  const labels = parsed.volumeStores.map((s) => s.label);
  if (new Set(labels).size !== labels.length) {
    problems.push(`buildenv:host.volumeStores: labels ${show(labels)} are not unique`);
  }
  const name = parsed.name ?? (owner ? `buildenv-${owner}` : undefined);
  const vsphere = parseVsphereConnection(ctx, problems);
  const opsPassword = ctx.secrets.opsPassword;
  if (parsed.opsUser && !opsPassword) {
    problems.push(
      `buildenv:host.opsUser: ${show(parsed.opsUser)} needs its password as the secret buildenv:opsPassword (pulumi config set --secret buildenv:opsPassword)`,
    );
  }
  if (!parsed.opsUser && opsPassword) {
    problems.push("buildenv:opsPassword: is set but buildenv:host.opsUser is not");
  }
  if (!name || !vsphere) {
    return undefined;
  }
  return {
    kind: "vch",
    datacenter: parsed.datacenter,
    cluster: parsed.cluster,
    imageStore: parsed.imageStore,
    volumeStores: parsed.volumeStores.map((store) => ({
      datastore: store.datastore,
      path: store.path ?? `buildenv/${VCH_STORE_FOLDER}/${name}`,
      label: store.label,
    })),
    bridgeNetwork: parsed.bridgeNetwork,
    publicNetwork: parsed.publicNetwork,
    ...(parsed.clientNetwork ? { clientNetwork: parsed.clientNetwork } : {}),
    ...(parsed.clientNetworkIp ? { clientNetworkIp: parsed.clientNetworkIp } : {}),
    ...(parsed.clientNetworkGateway ? { clientNetworkGateway: parsed.clientNetworkGateway } : {}),
    dnsServers: parsed.dnsServers ?? [],
    ...(parsed.opsUser && opsPassword
      ? { opsUser: { user: parsed.opsUser, password: opsPassword } }
      : {}),
    timeout: parsed.timeout ?? DEFAULT_TIMEOUT,
    ...(parsed.thumbprint ? { thumbprint: parsed.thumbprint.toUpperCase() } : {}),
    vicMachine: parsed.vicMachine ?? DEFAULT_VIC_MACHINE,
    name,
    cname: parsed.cname,
    ipAddresses: parsed.ipAddresses ?? [],
    vsphere,
  };
}

function parseVsphereConnection(
  ctx: ParseContext,
  problems: string[],
): VsphereConnection | undefined {
  const server = ctx.vsphere.vsphereServer ?? ctx.env.VSPHERE_SERVER;
  const user = ctx.vsphere.user ?? ctx.env.VSPHERE_USER;
  const password = ctx.secrets.vspherePassword;
  const missing: string[] = [];
  if (!server) missing.push("vsphere:vsphereServer (or VSPHERE_SERVER)");
  if (!user) missing.push("vsphere:user (or VSPHERE_USER)");
  if (!password) missing.push("vsphere:password as a secret (or VSPHERE_PASSWORD)");
  if (missing.length > 0) {
    problems.push(
      `buildenv:host: kind vch needs the vSphere provider's connection settings; missing ${missing.join(", ")}`,
    );
    return undefined;
  }
  const allowUnverifiedSsl = ctx.vsphere.allowUnverifiedSsl ?? ctx.env.VSPHERE_ALLOW_UNVERIFIED_SSL;
  return {
    server: server!,
    user: user!,
    password: password!,
    allowUnverifiedSsl: allowUnverifiedSsl === "true",
  };
}
