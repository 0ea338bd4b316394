import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FUTURE, HARBOR_ACCOUNT, REPO_ROOT, SHARED_FARM, vchStackConfig } from "./stack";

/**
 * Files the symlink and file-name checks need, made here because git cannot carry them portably
 * (a symlink to outside the checkout, a name that is not UTF-8): under tests/fixtures/generated
 * (git-, prettier- and eslint-ignored), recreated on every run. The config is read from the
 * repository root, as the engine runs the program there.
 */
export const GENERATED = "tests/fixtures/generated";
function makeFilesystemFixtures(): void {
  const generated = path.join(REPO_ROOT, GENERATED);
  const outside = path.join(os.tmpdir(), "buildenv-outside-the-project");
  fs.rmSync(generated, { recursive: true, force: true });
  fs.mkdirSync(path.join(generated, "latin1"), { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(path.join(outside, "Dockerfile"), "FROM scratch\n");
  fs.symlinkSync(outside, path.join(generated, "outside"));
  fs.symlinkSync(path.join(outside, "Dockerfile"), path.join(generated, "outside.Dockerfile"));
  // "café.txt" in Latin-1: the é is the single byte 0xE9, not valid UTF-8.
  fs.writeFileSync(
    Buffer.concat([
      Buffer.from(path.join(generated, "latin1", "caf")),
      Buffer.from([0xe9]),
      Buffer.from(".txt"),
    ]),
    "x\n",
  );
}
makeFilesystemFixtures();

const vch = vchStackConfig;
const vchHost = (patch: Record<string, unknown>, drop: string[] = []) => {
  const host = { ...(vch()["buildenv:host"] as Record<string, unknown>), ...patch };
  for (const key of drop) delete host[key];
  return vch({ "buildenv:host": host });
};
const without = (config: Record<string, unknown>, ...keys: string[]) => {
  const copy = { ...config };
  for (const key of keys) delete copy[key];
  return copy;
};

const harbor = { kind: "harbor", server: "harbor.example.com", project: "buildenv" };
/** A developer stack on Harbor: no registry user or password of its own. */
const vchHarbor = (patch: Record<string, unknown> = {}, account: Record<string, unknown> = {}) =>
  without(
    vch({ "buildenv:registry": { ...harbor, ...patch }, ...HARBOR_ACCOUNT, ...account }),
    "buildenv:registryPassword",
  );
/** The shared stack on Harbor: no expiry. */
const sharedHarbor = (patch: Record<string, unknown> = {}) =>
  without(
    vch({
      "buildenv:shared": "true",
      "buildenv:farm": SHARED_FARM,
      "buildenv:registry": { ...harbor, ...patch },
      ...HARBOR_ACCOUNT,
    }),
    "buildenv:registryPassword",
    "buildenv:expiresAt",
  );
const genericRegistry = (patch: Record<string, unknown>) =>
  vch({
    "buildenv:registry": {
      server: "registry.example.com",
      repository: "buildenv/build",
      username: "buildenv-ci",
      ...patch,
    },
  });
// A CA and a server certificate it signed, made with openssl for these tests.
const fixture = (name: string) =>
  fs.readFileSync(path.join(REPO_ROOT, "tests", "fixtures", name), "utf8");

/** What is wrong, the stack config, and the stack name when it matters. */
export const MALFORMED: [string, Record<string, unknown>, string?][] = [
  ["unknown priority", { "buildenv:priority": "urgent" }],
  ["empty priority", { "buildenv:priority": "" }],
  ["upper-case owner", { "buildenv:owner": "Alice" }],
  ["owner longer than 20", { "buildenv:owner": "a".repeat(21) }],
  ["owner with underscore", { "buildenv:owner": "alice_smith" }],
  ["owner starting with '-'", { "buildenv:owner": "-alice" }],
  ["stack name unusable as default owner", {}, "Feature_X"],
  ["shared not a boolean", { "buildenv:shared": "yes" }],
  ["expiry not a date", { "buildenv:expiresAt": "next week" }],
  ["impossible expiry date", { "buildenv:expiresAt": "2026-02-30" }],
  ["expiry date-time without offset", { "buildenv:expiresAt": "2026-12-01T10:00:00" }],
  ["expiry in the past", { "buildenv:expiresAt": "2026-01-01" }],
  ["developer stack on a VCH without expiry", without(vch(), "buildenv:expiresAt")],
  ["shared stack with an expiry", { "buildenv:shared": "true", "buildenv:expiresAt": FUTURE }],
  ["unknown host kind", { "buildenv:host": { kind: "vm" } }],
  ["host without kind", { "buildenv:host": { datacenter: "dc1" } }],
  ["host not an object", { "buildenv:host": "local" }],
  [
    "unknown key in local host",
    { "buildenv:host": { kind: "local", socket: "/var/run/docker.sock" } },
  ],
  [
    "local host address without scheme",
    { "buildenv:host": { kind: "local", dockerHost: "localhost:2375" } },
  ],
  ["VCH host without datacenter", vchHost({}, ["datacenter"])],
  ["unknown key in VCH host", vchHost({ folder: "vm/buildenv" })],
  ["malformed thumbprint", vchHost({ thumbprint: "AB:CD" })],
  ["VCH name longer than 31", vchHost({ name: "buildenv-a-very-long-host-name-xyz" })],
  ["no volume stores", vchHost({ volumeStores: [] })],
  [
    "no default volume store",
    vchHost({ volumeStores: [{ datastore: "ds1", path: "vch/buildenv-alice", label: "fast" }] }),
  ],
  [
    "volume store label with a space",
    vchHost({
      volumeStores: [{ datastore: "ds1", path: "vch/buildenv-alice", label: "my store" }],
    }),
  ],
  ["cname not a DNS name", vchHost({ cname: "not a name!" })],
  ["image store with a character vic-machine refuses", vchHost({ imageStore: "ds$1/images" })],
  ["network name over two lines", vchHost({ bridgeNetwork: "bridge\nnet" })],
  [
    "volume store datastore with a character vic-machine refuses",
    vchHost({
      volumeStores: [{ datastore: "ds#1", path: "vch/buildenv-alice", label: "default" }],
    }),
  ],
  ["IP SAN not an address", vchHost({ ipAddresses: ["10.0.0.300"] })],
  ["VCH without vSphere password", without(vch(), "vsphere:password")],
  ["VCH without registry", without(vch(), "buildenv:registry", "buildenv:registryPassword")],
  ["capacity with an unknown unit", { "buildenv:volumes": { source: { capacity: "2XB" } } }],
  ["zero capacity", { "buildenv:volumes": { source: { capacity: 0 } } }],
  ["negative capacity", { "buildenv:volumes": { source: { capacity: "-1GB" } } }],
  ["fractional bare capacity", { "buildenv:volumes": { source: { capacity: 1.5 } } }],
  ["capacity over 62TB", { "buildenv:volumes": { source: { capacity: "63TB" } } }],
  ["missing capacity", { "buildenv:volumes": { source: { keep: true } } }],
  ["keep not a boolean", { "buildenv:volumes": { source: { capacity: "2GB", keep: "yes" } } }],
  ["unknown key in a volume", { "buildenv:volumes": { source: { capacity: "2GB", size: "2GB" } } }],
  [
    "host bind mount",
    { "buildenv:volumes": { source: { capacity: "2GB", hostPath: "/home/alice/src" } } },
  ],
  ["invalid volume name", { "buildenv:volumes": { Bad_Name: { capacity: "2GB" } } }],
  ["no volumes", { "buildenv:volumes": {} }],
  ["volumes not an object", { "buildenv:volumes": "big" }],
  [
    "volume store on a local host",
    { "buildenv:volumes": { source: { capacity: "2GB", store: "default" } } },
  ],
  [
    "volume in a store the VCH lacks",
    vch({ "buildenv:volumes": { source: { capacity: "2GB", store: "nope" } } }),
  ],
  ["build context outside the project", { "buildenv:buildImage": { context: "../outside" } }],
  [
    "missing Dockerfile",
    { "buildenv:buildImage": { dockerfile: "images/build/Missing.Dockerfile" } },
  ],
  ["no build inputs", { "buildenv:buildImage": { inputs: [] } }],
  ["missing build input", { "buildenv:buildImage": { inputs: ["images/build", "toolchains"] } }],
  ["bad build argument name", { "buildenv:buildImage": { buildArgs: { "go-version": "1.22" } } }],
  [
    "build argument with a line break",
    { "buildenv:buildImage": { buildArgs: { GO_VERSION: "1.22\nbuild-arg X=1" } } },
  ],
  ["unknown key in build image", { "buildenv:buildImage": { target: "ci" } }],
  ["build platform not linux", { "buildenv:buildImage": { platform: "windows/amd64" } }],
  ["arm64 build image for a VCH", vch({ "buildenv:buildImage": { platform: "linux/arm64" } })],
  [
    "Dockerfile not among the inputs",
    { "buildenv:buildImage": { inputs: ["images/build/requirements.txt"] } },
  ],
  ["inputs covering the staged context", { "buildenv:buildImage": { inputs: ["."] } }],
  ["unknown compute class", { "buildenv:computeClasses": { urgent: { memoryMB: 1024 } } }],
  ["negative memory limit", { "buildenv:computeClasses": { high: { memoryMB: -1 } } }],
  [
    "reservation above limit",
    { "buildenv:computeClasses": { low: { memoryReservationMB: 8192 } } },
  ],
  ["memory limit not a number", { "buildenv:computeClasses": { normal: { memoryMB: "lots" } } }],
  [
    "registry server with a scheme",
    vch({
      "buildenv:registry": {
        server: "https://registry.example.com",
        repository: "buildenv/build",
        username: "ci",
      },
    }),
  ],
  [
    "upper-case repository",
    vch({
      "buildenv:registry": {
        server: "registry.example.com",
        repository: "Build/Image",
        username: "ci",
      },
    }),
  ],
  ["registry user without password", without(vch(), "buildenv:registryPassword")],
  ["registry password without registry", { "buildenv:registryPassword": "token" }],
  ["CI secrets for a local host", { "buildenv:github": { repositories: ["app"] } }],
  ["no CI repositories", vch({ "buildenv:github": { repositories: [] } })],
  ["CI repository with owner", vch({ "buildenv:github": { repositories: ["acme/app"] } })],
  ["CI repository twice", vch({ "buildenv:github": { repositories: ["app", "app"] } })],
  ["misspelt key", { "buildenv:prority": "high" }],
  ["contact not a GitHub handle", { "buildenv:contact": "@alice" }],
  [
    "CI environment with a control character",
    vch({ "buildenv:github": { repositories: ["app"], environment: "build\u0007env" } }),
  ],
  [
    "CI environment with a line break",
    vch({ "buildenv:github": { repositories: ["app"], environment: "build\nenv" } }),
  ],
  [
    "local host address with a named-pipe scheme",
    { "buildenv:host": { kind: "local", dockerHost: "npipe:////./pipe/docker_engine" } },
  ],
  [
    "ssh host starting with '-'",
    { "buildenv:host": { kind: "local", dockerHost: "ssh://-oProxyCommand=touch%20x" } },
  ],
  [
    "build context through a symlink to outside the project",
    { "buildenv:buildImage": { context: `${GENERATED}/outside` } },
  ],
  [
    "Dockerfile through a symlink to outside the project",
    { "buildenv:buildImage": { dockerfile: `${GENERATED}/outside.Dockerfile` } },
  ],
  [
    "build input inside .git",
    { "buildenv:buildImage": { inputs: ["images/build", ".git/config"] } },
  ],
  [
    "build input holding a file name that is not UTF-8",
    { "buildenv:buildImage": { inputs: [`${GENERATED}/latin1`] } },
  ],
  [
    "build input that is not valid UTF-8 text",
    { "buildenv:buildImage": { inputs: ["images/build/\ud800"] } },
  ],
  ["registry user with a control character", genericRegistry({ username: "ci\u0007bot" })],
  ["registry user with a newline", genericRegistry({ username: "ci\nbot" })],
  ["registry port above 65535", genericRegistry({ server: "registry.example.com:70000" })],
  ["registry port 0", genericRegistry({ server: "registry.example.com:0" })],
  ["unknown registry kind", genericRegistry({ kind: "quay" })],
  ["generic registry without repository", genericRegistry({ repository: undefined })],
  ["Harbor settings on a generic registry", genericRegistry({ project: "buildenv", keep: 5 })],
  ["Harbor registry without project", vchHarbor({ project: undefined })],
  ["Harbor project name with upper case", vchHarbor({ project: "BuildEnv" })],
  [
    "Harbor registry with a user and password",
    vch({ "buildenv:registry": { ...harbor, username: "buildenv-ci" }, ...HARBOR_ACCOUNT }),
  ],
  [
    "Harbor stack without the Harbor account the tag lookup needs",
    without(vchHarbor(), "harbor:username", "harbor:password"),
  ],
  [
    "Harbor user name with a control character",
    vchHarbor({}, { "harbor:username": "al\u0007ice" }),
  ],
  ["Harbor keep not a whole number", sharedHarbor({ keep: 2.5 })],
  ["Harbor keep as text", sharedHarbor({ keep: "10" })],
  ["Harbor keep with immutable content tags", sharedHarbor({ keep: 5 })],
  ["Harbor keep with immutable: true said", sharedHarbor({ immutable: true, keep: 20 })],
  ["Harbor immutable as text", sharedHarbor({ immutable: "false" })],
  ["Harbor quota of zero", sharedHarbor({ storageQuotaGB: 0 })],
  ["unknown garbage collection schedule", sharedHarbor({ garbageCollection: "Nightly" })],
  [
    "Harbor project policies on a developer stack",
    vchHarbor({ immutable: false, keep: 5, storageQuotaGB: 100, garbageCollection: "Weekly" }),
  ],
  [
    "CI secrets from a developer stack on Harbor",
    { ...vchHarbor(), "buildenv:github": { repositories: ["app"] } },
  ],
  [
    "CI repositories sharing a Harbor robot name",
    { ...sharedHarbor(), "buildenv:github": { repositories: ["web.app", "Web-App", "tools"] } },
  ],
  ["registry CA not PEM", vchHarbor({ ca: "not a certificate" })],
  ["registry CA is a server certificate", vchHarbor({ ca: fixture("registry-leaf.pem") })],
  [
    "registry CA with two certificates",
    vchHarbor({ ca: fixture("registry-ca.pem") + fixture("registry-ca.pem") }),
  ],
];

/** The exact problems reported for each malformed config, keyed by what is wrong. */
export const EXPECTED_PROBLEMS: Record<string, string[]> = {
  "unknown priority": ['buildenv:priority: "urgent" is not one of low, normal, high'],
  "empty priority": ['buildenv:priority: "" is not one of low, normal, high'],
  "upper-case owner": [
    "buildenv:owner: \"Alice\" is not valid; use 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
  ],
  "owner longer than 20": [
    "buildenv:owner: \"aaaaaaaaaaaaaaaaaaaaa\" is not valid; use 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
  ],
  "owner with underscore": [
    "buildenv:owner: \"alice_smith\" is not valid; use 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
  ],
  "owner starting with '-'": [
    "buildenv:owner: \"-alice\" is not valid; use 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
  ],
  "stack name unusable as default owner": [
    "buildenv:owner: is not set and defaults to the stack name \"Feature_X\", which is not a valid owner; set buildenv:owner to 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
  ],
  "shared not a boolean": ['buildenv:shared: "yes" is not a boolean; use true or false'],
  "expiry not a date": [
    'buildenv:expiresAt: "next week" is not an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00Z, 2026-12-01T18:00:00+01:00)',
  ],
  "impossible expiry date": [
    'buildenv:expiresAt: "2026-02-30" is not an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00Z, 2026-12-01T18:00:00+01:00)',
  ],
  "expiry date-time without offset": [
    'buildenv:expiresAt: "2026-12-01T10:00:00" is not an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00Z, 2026-12-01T18:00:00+01:00)',
  ],
  "expiry in the past": [
    "buildenv:expiresAt: the stack expired at 2026-01-01T00:00:00Z (now 2026-11-21T12:00:00Z); extend it with `npm run stack:extend -- <stack> --ttl 3d` or tear it down with `pulumi destroy`",
  ],
  "developer stack on a VCH without expiry": [
    "buildenv:expiresAt: is required for a developer stack on shared infrastructure (buildenv:host.kind: vch); set an ISO-8601 date such as 2026-12-01, or mark shared infrastructure with buildenv:shared: true",
  ],
  "shared stack with an expiry": [
    'buildenv:expiresAt: "2026-12-01" is set on a shared stack (buildenv:shared: true); shared infrastructure has no expiry, remove one of them',
  ],
  "unknown host kind": ['buildenv:host.kind: "vm" is not one of local, vch'],
  "host without kind": ["buildenv:host.kind: is required; use one of local, vch"],
  "host not an object": ['buildenv:host: "local" is not an object'],
  "unknown key in local host": ['buildenv:host: unknown key "socket"; allowed: kind, dockerHost'],
  "local host address without scheme": [
    'buildenv:host.dockerHost: "localhost:2375" is not a Docker address; use unix://, tcp:// or ssh://',
  ],
  "VCH host without datacenter": ["buildenv:host.datacenter: is required (a string)"],
  "unknown key in VCH host": [
    'buildenv:host: unknown key "folder"; allowed: kind, datacenter, cluster, imageStore, volumeStores, bridgeNetwork, publicNetwork, clientNetwork, clientNetworkIp, clientNetworkGateway, dnsServers, opsUser, timeout, thumbprint, vicMachine, name, cname, ipAddresses',
  ],
  "malformed thumbprint": [
    "buildenv:host.thumbprint: \"AB:CD\" is not a SHA-1 thumbprint; use 20 hex pairs separated by ':'",
  ],
  "VCH name longer than 31": [
    "buildenv:host.name: \"buildenv-a-very-long-host-name-xyz\" is not valid; use 1-31 lower-case letters, digits and '-', not starting or ending with '-'",
  ],
  "no volume stores": [
    'buildenv:host.volumeStores: needs at least one volume store, one of them labelled "default"',
  ],
  "no default volume store": [
    'buildenv:host.volumeStores: ["fast"] has no store labelled "default"; VIC puts volumes without a store there',
    'buildenv:volumes.output.store: "default" is not one of the host\'s volume stores fast',
    'buildenv:volumes.source.store: "archive" is not one of the host\'s volume stores fast',
  ],
  "volume store label with a space": [
    "buildenv:host.volumeStores[0].label: \"my store\" is not a volume store label; use letters, digits, '-' and '_'",
  ],
  "cname not a DNS name": ['buildenv:host.cname: "not a name!" is not a DNS name'],
  "image store with a character vic-machine refuses": [
    'buildenv:host.imageStore: "ds$1/images" contains the unsupported character "$"',
  ],
  "network name over two lines": [
    'buildenv:host.bridgeNetwork: "bridge\\nnet" must be a single line',
  ],
  "volume store datastore with a character vic-machine refuses": [
    'buildenv:volumes.source.store: "archive" is not one of the host\'s volume stores default',
    'buildenv:host.volumeStores[0].datastore: "ds#1" contains the unsupported character "#"',
  ],
  "IP SAN not an address": ['buildenv:host.ipAddresses[0]: "10.0.0.300" is not an IPv4 address'],
  "VCH without vSphere password": [
    "buildenv:host: kind vch needs the vSphere provider's connection settings; missing vsphere:password as a secret (or VSPHERE_PASSWORD)",
  ],
  "VCH without registry": [
    "buildenv:registry: is required when buildenv:host.kind is vch; a VCH cannot build or push images, so the build image is built on the local engine, pushed to the registry and pulled by the VCH",
  ],
  "capacity with an unknown unit": [
    'buildenv:volumes.source.capacity: "2XB" is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB',
  ],
  "zero capacity": [
    "buildenv:volumes.source.capacity: 0 is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB",
  ],
  "negative capacity": [
    'buildenv:volumes.source.capacity: "-1GB" is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB',
  ],
  "fractional bare capacity": [
    "buildenv:volumes.source.capacity: 1.5 is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB",
  ],
  "capacity over 62TB": [
    'buildenv:volumes.source.capacity: "63TB" is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB',
  ],
  "missing capacity": [
    "buildenv:volumes.source.capacity: is required; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB",
  ],
  "keep not a boolean": ['buildenv:volumes.source.keep: "yes" is not a boolean; use true or false'],
  "unknown key in a volume": [
    'buildenv:volumes.source: unknown key "size"; allowed: capacity, keep, store',
  ],
  "host bind mount": [
    'buildenv:volumes.source: "hostPath": host bind mounts are not supported (a VCH allows named volumes only); use capacity, keep and store, and copy data into the volume instead',
  ],
  "invalid volume name": [
    "buildenv:volumes: volume name \"Bad_Name\" is not valid; use 1-30 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
  ],
  "no volumes": [
    "buildenv:volumes: declares no volume; a build environment needs at least one (e.g. source)",
  ],
  "volumes not an object": ['buildenv:volumes: "big" is not an object'],
  "volume store on a local host": [
    'buildenv:volumes.source.store: "default" applies to VCH volume stores only; remove it for host kind local',
  ],
  "volume in a store the VCH lacks": [
    'buildenv:volumes.source.store: "nope" is not one of the host\'s volume stores default, archive',
  ],
  "build context outside the project": [
    'buildenv:buildImage.context: "../outside" must be a relative path inside the project directory',
  ],
  "missing Dockerfile": [
    'buildenv:buildImage.dockerfile: "images/build/Missing.Dockerfile" is not a file in the project directory',
  ],
  "no build inputs": [
    "buildenv:buildImage.inputs: lists no inputs; name at least one file or directory",
  ],
  "missing build input": [
    'buildenv:buildImage.inputs[1]: "toolchains" is not a file or directory in the project directory',
  ],
  "bad build argument name": [
    'buildenv:buildImage.buildArgs.go-version: build argument name "go-version" must match ^[A-Za-z_][A-Za-z0-9_]*$',
  ],
  "build argument with a line break": [
    "buildenv:buildImage.buildArgs.GO_VERSION: build argument value must not contain line breaks",
  ],
  "unknown key in build image": [
    'buildenv:buildImage: unknown key "target"; allowed: context, dockerfile, inputs, buildArgs, platform',
  ],
  "build platform not linux": [
    'buildenv:buildImage.platform: "windows/amd64" is not one of linux/386, linux/amd64, linux/arm, linux/arm64, linux/mips64, linux/mips64le, linux/ppc64le, linux/riscv64, linux/s390x',
  ],
  "arm64 build image for a VCH": [
    'buildenv:buildImage.platform: "linux/arm64" cannot run on a VCH, whose container VMs are linux/amd64; remove it or set linux/amd64',
  ],
  "Dockerfile not among the inputs": [
    'buildenv:buildImage.dockerfile: "images/build/Dockerfile" is not among buildenv:buildImage.inputs; the Dockerfile defines the image, so it must be an input (list it or its directory)',
  ],
  "inputs covering the staged context": [
    'buildenv:buildImage.inputs[0]: "." covers node_modules/.cache/buildenv/image-context, where buildenv stages the build context; list the image\'s own files and directories instead',
  ],
  "unknown compute class": [
    'buildenv:computeClasses: unknown key "urgent"; allowed: low, normal, high',
  ],
  "negative memory limit": [
    "buildenv:computeClasses.high.memoryMB: -1 is too small; must be greater than 0",
  ],
  "reservation above limit": [
    "buildenv:computeClasses.low.memoryReservationMB: 8192 is more than the memory limit 4096; a reservation must be at most the limit",
  ],
  "memory limit not a number": [
    'buildenv:computeClasses.normal.memoryMB: "lots" is a string; expected a number',
  ],
  "registry server with a scheme": [
    'buildenv:registry.server: "https://registry.example.com" is not a registry host; use <host>[:<port>] without a scheme',
  ],
  "upper-case repository": [
    "buildenv:registry.repository: \"Build/Image\" is not a repository path; use lower-case path components separated by '/'",
  ],
  "registry user without password": [
    'buildenv:registryPassword: is required with buildenv:registry.username "buildenv-ci"; set it with `pulumi config set --secret buildenv:registryPassword`',
  ],
  "registry password without registry": [
    "buildenv:registryPassword: is set but buildenv:registry is not; set the registry or remove the password",
  ],
  "CI secrets for a local host": [
    "buildenv:github: CI secrets need a host CI can reach over TLS (buildenv:host.kind: vch); the local engine has no such endpoint",
  ],
  "no CI repositories": ["buildenv:github.repositories: lists no repositories; name at least one"],
  "CI repository with owner": [
    'buildenv:github.repositories[0]: "acme/app" is not a repository name; give the name only (the owner comes from github:owner)',
  ],
  "CI repository twice": ['buildenv:github.repositories: ["app","app"] names a repository twice'],
  "registry user with a control character": [
    'buildenv:registry.username: "ci\\u0007bot" contains a control character',
  ],
  "registry user with a newline": [
    'buildenv:registry.username: "ci\\nbot" contains a control character',
  ],
  "registry port above 65535": [
    'buildenv:registry.server: "registry.example.com:70000" has port 70000; a port is 1-65535',
  ],
  "registry port 0": [
    'buildenv:registry.server: "registry.example.com:0" has port 0; a port is 1-65535',
  ],
  "unknown registry kind": ['buildenv:registry.kind: "quay" is not one of generic, harbor'],
  "generic registry without repository": [
    "buildenv:registry.repository: is required with kind: generic (the repository path on the server, e.g. team/build)",
  ],
  "Harbor settings on a generic registry": [
    'buildenv:registry.project: "buildenv" is only used with kind: harbor (buildenv:registry.kind is generic)',
    "buildenv:registry.keep: 5 is only used with kind: harbor (buildenv:registry.kind is generic)",
  ],
  "Harbor registry without project": [
    "buildenv:registry.project: is required with kind: harbor (the Harbor project; the image is <server>/<project>/<repository>)",
  ],
  "Harbor project name with upper case": [
    "buildenv:registry.project: \"BuildEnv\" is not a Harbor project name; use lower-case letters and digits, separated by single '.', '_' or '-'",
  ],
  "Harbor registry with a user and password": [
    'buildenv:registry.username: "buildenv-ci" is not used with kind: harbor; the shared stack\'s robot accounts push and pull, and a developer stack uses harbor:username',
    "buildenv:registryPassword: is not used with kind: harbor; the shared stack's robot accounts push and pull, and a developer stack uses harbor:password; remove it with `pulumi config rm buildenv:registryPassword`",
  ],
  "Harbor stack without the Harbor account the tag lookup needs": [
    "harbor:username: is required with buildenv:registry.kind harbor (or HARBOR_USERNAME): before declaring anything the program asks the private Harbor project whether it holds the image's content tag, and a developer stack pushes and pulls with this account; set it with `pulumi config set harbor:username <user>` (the shared stack: the account that administers the project; a developer: their own Harbor account, a project member with the Developer role)",
    "harbor:password: is required with buildenv:registry.kind harbor (or HARBOR_PASSWORD): the password or CLI secret of harbor:username; set it with `pulumi config set --secret harbor:password <password>`",
  ],
  "Harbor user name with a control character": [
    'harbor:username: "al\\u0007ice" contains a control character',
  ],
  "Harbor keep not a whole number": [
    "buildenv:registry.keep: 2.5 is not a number of content tags; use a whole number from 1 to 1000",
  ],
  "Harbor keep with immutable content tags": [
    "buildenv:registry.keep: 5 has no effect while buildenv:registry.immutable is true (the default): Harbor's retention never deletes an immutable tag, so every content tag stays; remove keep, or set immutable: false to let retention keep only the newest 5 content tags",
  ],
  "Harbor keep with immutable: true said": [
    "buildenv:registry.keep: 20 has no effect while buildenv:registry.immutable is true: Harbor's retention never deletes an immutable tag, so every content tag stays; remove keep, or set immutable: false to let retention keep only the newest 20 content tags",
  ],
  "Harbor immutable as text": [
    'buildenv:registry.immutable: "false" is not a boolean; use true or false',
  ],
  "Harbor keep as text": [
    'buildenv:registry.keep: "10" is not a number of content tags; use a whole number from 1 to 1000',
  ],
  "Harbor quota of zero": [
    "buildenv:registry.storageQuotaGB: 0 is not a quota in GB; use a whole number from 1 to 1000000",
  ],
  "unknown garbage collection schedule": [
    'buildenv:registry.garbageCollection: "Nightly" is not a schedule; use Hourly, Daily, Weekly or a six-field cron (seconds first), e.g. "0 0 3 * * 6"',
  ],
  "Harbor project policies on a developer stack": [
    "buildenv:registry.immutable: false is set on a developer stack; only the shared stack (buildenv:shared: true) declares the Harbor project and its policies",
    "buildenv:registry.keep: 5 is set on a developer stack; only the shared stack (buildenv:shared: true) declares the Harbor project and its policies",
    "buildenv:registry.storageQuotaGB: 100 is set on a developer stack; only the shared stack (buildenv:shared: true) declares the Harbor project and its policies",
    'buildenv:registry.garbageCollection: "Weekly" is set on a developer stack; only the shared stack (buildenv:shared: true) declares the Harbor project and its policies',
  ],
  "CI secrets from a developer stack on Harbor": [
    "buildenv:github: with buildenv:registry.kind harbor, CI secrets come from the shared stack (buildenv:shared: true), which declares a pull-only robot for each repository; a developer stack has no robot to give CI",
  ],
  "CI repositories sharing a Harbor robot name": [
    'buildenv:github.repositories: "Web-App" and "web.app" would share the Harbor robot name "pull-ci-web-app" (lower case, other characters as \'-\'); rename one or give CI to one of them',
  ],
  "registry CA not PEM": [
    "buildenv:registry.ca: is not one PEM certificate (found 0 BEGIN CERTIFICATE blocks); give the CA certificate that signed the registry's certificate",
  ],
  "registry CA is a server certificate": [
    'buildenv:registry.ca: is the certificate of "CN=harbor.example.com", which is not a CA (no basicConstraints CA:TRUE); give the CA that signed the registry\'s certificate',
  ],
  "registry CA with two certificates": [
    "buildenv:registry.ca: is not one PEM certificate (found 2 BEGIN CERTIFICATE blocks); give the CA certificate that signed the registry's certificate",
  ],
  "misspelt key": [
    "buildenv:prority: unknown key; allowed: buildenv:owner, buildenv:priority, buildenv:computeClasses, buildenv:expiresAt, buildenv:shared, buildenv:host, buildenv:volumes, buildenv:buildImage, buildenv:registry, buildenv:registryPassword, buildenv:github, buildenv:contact, buildenv:opsPassword, buildenv:farm",
  ],
  "contact not a GitHub handle": [
    "buildenv:contact: \"@alice\" is not valid; use the owner's GitHub handle without '@': 1-39 letters, digits and single '-', not starting or ending with '-'",
  ],
  "CI environment with a control character": [
    "buildenv:github.environment: \"build\\u0007env\" contains a control character; an environment name is printable text without '/'",
  ],
  "CI environment with a line break": [
    "buildenv:github.environment: \"build\\nenv\" contains a control character; an environment name is printable text without '/'",
  ],
  "local host address with a named-pipe scheme": [
    'buildenv:host.dockerHost: "npipe:////./pipe/docker_engine" is not a Docker address; use unix://, tcp:// or ssh://',
  ],
  "ssh host starting with '-'": [
    "buildenv:host.dockerHost: \"ssh://-oProxyCommand=touch%20x\" has an ssh host (or user) starting with '-', which ssh would read as an option; use ssh://[user@]host[:port]",
  ],
  "build context through a symlink to outside the project": [
    'buildenv:buildImage.context: "tests/fixtures/generated/outside" resolves through a symlink to outside the project directory',
  ],
  "Dockerfile through a symlink to outside the project": [
    'buildenv:buildImage.dockerfile: "tests/fixtures/generated/outside.Dockerfile" resolves through a symlink to outside the project directory',
  ],
  "build input inside .git": [
    'buildenv:buildImage.inputs[1]: ".git/config" is inside a .git directory, which git never lists',
  ],
  "build input holding a file name that is not UTF-8": [
    'buildenv:buildImage.inputs[0]: "tests/fixtures/generated/latin1" holds a file whose name is not valid UTF-8 ("tests/fixtures/generated/latin1/caf\ufffd.txt"); git and the image tag need UTF-8 names',
  ],
  "build input that is not valid UTF-8 text": [
    'buildenv:buildImage.inputs[0]: "images/build/\\ud800" is not valid UTF-8 text',
  ],
};
