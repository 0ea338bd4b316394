/**
 * `buildenv:host` with `kind: vch`: a VIC Virtual Container Host, and the vSphere connection
 * (the vSphere provider's own config or its environment variables) vic-machine uses.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ParseContext, matching, nonEmpty, show, strict } from "../config/schema";
import { DEFAULT_VIC_MACHINE } from "./vicMachine";

/** A Virtual Container Host name: what vic-machine accepts and vSphere shows; at most 31. */
export const VCH_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,29}[a-z0-9])?$/;
export const VCH_NAME_RULE =
  "1-31 lower-case letters, digits and '-', not starting or ending with '-'";

export interface VolumeStoreConfig {
  datastore: string;
  path: string;
  label: string;
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

export const vchHostSchema = strict({
  kind: z.literal("vch"),
  datacenter: nonEmpty,
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
          .regex(/^[^:\s][^:]*$/, { error: (i) => `${show(i.input)} is not a folder path` }),
        label: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
          error: (i) =>
            `${show(i.input)} is not a volume store label; use letters, digits, '-' and '_'`,
        }),
      }),
    )
    .min(1, { error: 'needs at least one volume store, one of them labelled "default"' }),
  bridgeNetwork: nonEmpty,
  publicNetwork: nonEmpty,
  clientNetwork: nonEmpty.optional(),
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
        error: (i) => `${show(i.input)} is not a DNS name`,
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
  if (!name || !vsphere) {
    return undefined;
  }
  return {
    kind: "vch",
    datacenter: parsed.datacenter,
    cluster: parsed.cluster,
    imageStore: parsed.imageStore,
    volumeStores: parsed.volumeStores,
    bridgeNetwork: parsed.bridgeNetwork,
    publicNetwork: parsed.publicNetwork,
    ...(parsed.clientNetwork ? { clientNetwork: parsed.clientNetwork } : {}),
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
