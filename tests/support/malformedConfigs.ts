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
  // Issue 20: what the real systems refuse or misread (the rules cite their sources).
  ["registry host with an empty label", genericRegistry({ server: "r..example.com" })],
  ["registry host label starting with '-'", genericRegistry({ server: "r.-x.example.com" })],
  ["repository path over 255 characters", genericRegistry({ repository: `a/${"b".repeat(254)}` })],
  [
    "Harbor project and repository over 255 characters",
    vchHarbor({ project: "p".repeat(200), repository: "r".repeat(60) }),
  ],
  ["capacity below 1 MB", { "buildenv:volumes": { source: { capacity: "0.5MB" } } }],
  ["capacity a fraction of a MB", { "buildenv:volumes": { source: { capacity: "1.5MB" } } }],
  [
    "local host address with NUL",
    { "buildenv:host": { kind: "local", dockerHost: "unix:///var/run/docker.sock\u0000x" } },
  ],
  [
    "local host address with ESC",
    { "buildenv:host": { kind: "local", dockerHost: "tcp://\u001b[31mhost:2375" } },
  ],
  [
    "local host address with a right-to-left override",
    { "buildenv:host": { kind: "local", dockerHost: "tcp://evil\u202eexample.com:2375" } },
  ],
  ["CI repository '.'", vch({ "buildenv:github": { repositories: ["."] } })],
  ["CI repository '..'", vch({ "buildenv:github": { repositories: [".."] } })],
  ["CI repository ending in .git", vch({ "buildenv:github": { repositories: ["app.git"] } })],
  ["VCH timeout of zero", vchHost({ timeout: "0s" })],
  ["VCH timeout beyond Go's range", vchHost({ timeout: "2562048h" })],
  ["datacenter with '?'", vchHost({ datacenter: "dc?1" })],
  ["datacenter with '#'", vchHost({ datacenter: "dc#1" })],
  ["datacenter with '%'", vchHost({ datacenter: "dc%201" })],
  ["datacenter with '/'", vchHost({ datacenter: "dc/1" })],
  ["network name with a wildcard", vchHost({ publicNetwork: "VM Net*" })],
  ["datacenter with '*'", vchHost({ datacenter: "dc*" })],
  ["CI repository ending in .wiki", vch({ "buildenv:github": { repositories: ["app.wiki"] } })],
  [
    "capacity that rounds to nothing",
    { "buildenv:volumes": { source: { capacity: "0.0000004MB" } } },
  ],
  ["registry host without a dot or port", genericRegistry({ server: "harbor" })],
  ["memory limit of 1 MB", { "buildenv:computeClasses": { low: { memoryMB: 1 } } }],
  [
    "VCH pool memory below the endpoint VM and one container VM",
    vch({ "buildenv:computeClasses": { high: { memoryMB: 2048, memoryReservationMB: 0 } } }),
  ],
  ["developer expiry far ahead", { "buildenv:expiresAt": "9999-12-31" }],
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
