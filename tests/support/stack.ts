/**
 * Runs the real program for a given stack config under the recording mocks, the way the engine
 * would: config set first, then loadConfig and buildEnvironment, then every registration settled.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BuildenvConfig, loadConfig } from "../../components/config/load";
import { ResolvedBuildImage } from "../../components/image/resolve";
import { BuildEnvironmentOutputs, buildEnvironment, stackInventory } from "../../program";
import { mocks, setConfig, setMode, settle } from "./harness";
import { stubInventory } from "./vsphereInventory";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Recorded outputs and scripts the tests compare against (tests/fixtures). */
export const FIXTURES_DIR = path.join(REPO_ROOT, "tests", "fixtures");
/** A fixed clock, so expiry checks do not depend on the day the tests run. */
export const NOW = new Date("2026-11-21T12:00:00Z");
export const FUTURE = "2026-12-01";

export const VCENTER_THUMBPRINT = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01";
export const VSPHERE_PASSWORD = "s3cret-vsphere-pw!";
export const REGISTRY_PASSWORD = "s3cret-registry-token";

/** A realistic developer stack on a VCH, as its Pulumi.<stack>.yaml would hold it. */
export function vchStackConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "buildenv:owner": "alice",
    "buildenv:priority": "high",
    "buildenv:expiresAt": FUTURE,
    "buildenv:host": {
      kind: "vch",
      datacenter: "dc1",
      cluster: "build-cluster",
      imageStore: "vsanDatastore/buildenv-images",
      volumeStores: [
        { datastore: "vsanDatastore", path: "buildenv/vch/buildenv-alice", label: "default" },
        { datastore: "nfs-archive", path: "keep/vch/buildenv-alice", label: "archive" },
      ],
      bridgeNetwork: "buildenv-bridge",
      publicNetwork: "VM Network",
      clientNetwork: "buildenv-clients",
      thumbprint: VCENTER_THUMBPRINT,
      cname: "vch-alice.build.example.com",
      ipAddresses: ["10.20.30.40"],
    },
    "buildenv:volumes": {
      source: { capacity: "2GB", keep: true, store: "archive" },
      output: { capacity: "4GiB" },
    },
    "buildenv:registry": {
      server: "registry.example.com",
      repository: "buildenv/build",
      username: "buildenv-ci",
    },
    "buildenv:registryPassword": REGISTRY_PASSWORD,
    "vsphere:vsphereServer": "vcenter.example.com",
    "vsphere:user": "buildenv@vsphere.local",
    "vsphere:password": VSPHERE_PASSWORD,
    ...overrides,
  };
}

/** The build farm's pool as the shared stack configures it (Pulumi.ci.yaml). */
export const SHARED_FARM = { pool: "buildenv", cpuLimitMHz: 200000, memoryLimitMB: 1048576 };

export const VCH_SECRET_KEYS = ["buildenv:registryPassword", "vsphere:password", "harbor:password"];

/** The Harbor account a stack on Harbor configures (harbor:username, harbor:password). */
export const HARBOR_USER = "alice";
export const HARBOR_PASSWORD = "s3cret-harbor-cli-secret";
export const HARBOR_ACCOUNT = {
  "harbor:username": HARBOR_USER,
  "harbor:password": HARBOR_PASSWORD,
};

export const VCH_ADDRESS = "vch-alice.build.example.com";

/**
 * What `vic-machine inspect` prints (tests/fixtures/vic-inspect-running.txt, taken from VIC's
 * source), as the create script's stdout carries it.
 */
export const INSPECT_STDOUT = readFixture("vic-inspect-running.txt");

/** A tests/fixtures file without its `# ` header lines, which cite where it comes from. */
export function readFixture(name: string): string {
  return fs
    .readFileSync(path.join(FIXTURES_DIR, name), "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("# "))
    .join("\n");
}

/**
 * Stubs what Harbor reports for a robot account: its login name `robot$<project>+<name>` (Harbor
 * renders project robots so: goharbor/harbor src/controller/robot/controller.go) and a generated
 * secret.
 */
export function stubHarbor(): void {
  mocks.stubResourceOutputs("harbor:index/robotAccount:RobotAccount", (args) => {
    const project = (args.inputs.permissions as { namespace: string }[])[0].namespace;
    return {
      fullName: `robot$${project}+${String(args.inputs.name)}`,
      secret: `robot-secret-for-${String(args.inputs.name)}`,
      robotId: `${args.name}-robot-id`,
    };
  });
}

/** Stubs what a VCH stack asks vSphere and what vic-machine reports (and Harbor's robots). */
export function stubVsphere(): void {
  stubHarbor();
  stubInventory();
  mocks.stubResourceOutputs("command:local:Command", () => ({
    stdout: INSPECT_STDOUT,
    stderr: "",
  }));
  mocks.stubResourceOutputs("docker-build:index:Image", (args) => ({
    digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ref: `${(args.inputs.tags as string[])[0]}@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`,
  }));
  mocks.stubResourceOutputs("docker:index/remoteImage:RemoteImage", (args) => ({
    repoDigest: args.inputs.name,
    imageId: "sha256:feedface",
  }));
  mocks.stubResourceOutputs("tls:index/privateKey:PrivateKey", (args) => ({
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\nKEY-OF-${args.name}\n-----END PRIVATE KEY-----\n`,
    publicKeyPem: `PUBLIC-${args.name}`,
  }));
  mocks.stubResourceOutputs("tls:index/selfSignedCert:SelfSignedCert", (args) => ({
    certPem: `-----BEGIN CERTIFICATE-----\nCERT-OF-${args.name}\n-----END CERTIFICATE-----\n`,
  }));
  mocks.stubResourceOutputs("tls:index/certRequest:CertRequest", (args) => ({
    certRequestPem: `CSR-OF-${args.name}`,
  }));
  mocks.stubResourceOutputs("tls:index/locallySignedCert:LocallySignedCert", (args) => ({
    certPem: `-----BEGIN CERTIFICATE-----\nCERT-OF-${args.name}\n-----END CERTIFICATE-----\n`,
  }));
}

export interface RunOptions {
  stack?: string;
  mode?: "preview" | "update";
  secretKeys?: string[];
  now?: Date;
  root?: string;
  /** The build image's tag and registry digest, as index.ts resolves them. Default: computed, not in the registry. */
  image?: ResolvedBuildImage;
}

export interface RunResult {
  config: BuildenvConfig;
  outputs: BuildEnvironmentOutputs;
}

/** Sets the stack config, then runs the program; all registrations have reached the mocks on return. */
export async function runStack(
  config: Record<string, unknown>,
  options: RunOptions = {},
): Promise<RunResult> {
  await setMode(options.mode ?? "update", options.stack ?? "dev");
  setConfig(config, options.secretKeys ?? VCH_SECRET_KEYS.filter((k) => k in config));
  const parsed = loadConfig(options.now ?? NOW);
  // As index.ts does (resolveAndBuildEnvironment): vSphere's answers before any registration.
  const inventory = await stackInventory(parsed);
  const outputs = buildEnvironment(parsed, {
    ...(inventory ? { inventory } : {}),
    root: options.root ?? REPO_ROOT,
    ...(options.image ? { image: options.image } : {}),
  });
  await settle();
  return { config: parsed, outputs };
}

/** Runs a config that must be rejected; returns the error message (and asserts it threw). */
export async function rejectedConfig(
  config: Record<string, unknown>,
  options: RunOptions = {},
): Promise<string> {
  try {
    await runStack(config, options);
  } catch (error) {
    await settle();
    return (error as Error).message;
  }
  throw new Error(`config was accepted: ${JSON.stringify(config)}`);
}

/** Every output of the program resolved, secrets included, for comparisons. */
export async function resolveAll(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return resolveAll(
      await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)),
    );
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map(resolveAll));
  }
  if (value && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolveAll(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
