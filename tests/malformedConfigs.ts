import { FUTURE, vchStackConfig } from "./stack";

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
    'buildenv:host.dockerHost: "localhost:2375" is not a Docker address; use unix://, tcp://, ssh:// or npipe://',
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
    'buildenv:buildImage: unknown key "target"; allowed: context, dockerfile, inputs, buildArgs',
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
  "misspelt key": [
    "buildenv:prority: unknown key; allowed: buildenv:owner, buildenv:priority, buildenv:computeClasses, buildenv:expiresAt, buildenv:shared, buildenv:host, buildenv:volumes, buildenv:buildImage, buildenv:registry, buildenv:registryPassword, buildenv:github, buildenv:opsPassword",
  ],
};
