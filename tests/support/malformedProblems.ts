/**
 * The exact problems reported for each malformed config of malformedConfigs.ts, keyed by what is
 * wrong (config.test.ts checks the two agree, case for case).
 */
export const EXPECTED_PROBLEMS: Record<string, string[]> = {
  "registry host with an empty label": [
    "buildenv:registry.server: \"r..example.com\" has an empty label (two dots in a row, or a dot at an end); Docker's image references refuse it: use <host>[:<port>] with labels of letters, digits and '-'",
  ],
  "registry host label starting with '-'": [
    "buildenv:registry.server: \"r.-x.example.com\" has the label \"-x\", which starts or ends with '-'; Docker's image references refuse it: use labels of letters and digits, with '-' only inside",
  ],
  "repository path over 255 characters": [
    "buildenv:registry.repository: is 256 characters long; Docker refuses a repository path over 255 characters",
  ],
  "Harbor project and repository over 255 characters": [
    "buildenv:registry.repository: <project>/<repository> is 261 characters long; Docker refuses a repository path over 255 characters",
  ],
  "capacity below 1 MB": [
    'buildenv:volumes.source.capacity: "0.5MB" is less than 1 MB; VIC sizes a volume in whole MB and would not make it as asked: use at least 1MB',
  ],
  "capacity a fraction of a MB": [
    'buildenv:volumes.source.capacity: "1.5MB" is 1.5 MB, not a whole number of MB; VIC sizes a volume in whole MB: use e.g. 2MB',
  ],
  "local host address with NUL": [
    'buildenv:host.dockerHost: "unix:///var/run/docker.sock\\u0000x" contains U+0000; a Docker address has no control or bidirectional formatting characters',
  ],
  "local host address with ESC": [
    'buildenv:host.dockerHost: "tcp://\\u001b[31mhost:2375" contains U+001B; a Docker address has no control or bidirectional formatting characters',
  ],
  "local host address with a right-to-left override": [
    'buildenv:host.dockerHost: "tcp://evil\u202eexample.com:2375" contains U+202E; a Docker address has no control or bidirectional formatting characters',
  ],
  "CI repository '.'": [
    'buildenv:github.repositories[0]: "." is reserved on GitHub; no repository has this name',
  ],
  "CI repository '..'": [
    'buildenv:github.repositories[0]: ".." is reserved on GitHub; no repository has this name',
  ],
  "CI repository ending in .git": [
    'buildenv:github.repositories[0]: "app.git" ends with ".git", which GitHub strips from repository names; give the name without it',
  ],
  "VCH timeout of zero": [
    'buildenv:host.timeout: "0s" is zero: vic-machine would give up at once; use e.g. 10m',
  ],
  "VCH timeout beyond Go's range": [
    'buildenv:host.timeout: "2562048h" is beyond Go\'s duration range (at most 2562047h47m16.854775807s), so vic-machine refuses it; use e.g. 10m',
  ],
  "datacenter with '?'": [
    'buildenv:host.datacenter: "dc?1" contains "?", which vic-machine\'s --target URL would read as the start of a query; use the datacenter\'s name without ? # % / * [ ] \\',
  ],
  "datacenter with '#'": [
    'buildenv:host.datacenter: "dc#1" contains "#", which vic-machine\'s --target URL would read as the start of a fragment; use the datacenter\'s name without ? # % / * [ ] \\',
  ],
  "datacenter with '%'": [
    'buildenv:host.datacenter: "dc%201" contains "%", which vic-machine\'s --target URL would read as an escape; use the datacenter\'s name without ? # % / * [ ] \\',
  ],
  "datacenter with '/'": [
    'buildenv:host.datacenter: "dc/1" contains "/", which vic-machine\'s --target URL would read as another path segment; use the datacenter\'s name without ? # % / * [ ] \\',
  ],
  "network name with a wildcard": [
    'buildenv:host.publicNetwork: "VM Net*" contains "*", a wildcard to vSphere\'s inventory lookup, which could match another network; rename the port group or use one without * ? [ ] \\',
  ],
  "datacenter with '*'": [
    'buildenv:host.datacenter: "dc*" contains "*", which vic-machine\'s --target URL would read as a wildcard matching other datacenters; use the datacenter\'s name without ? # % / * [ ] \\',
  ],
  "CI repository ending in .wiki": [
    'buildenv:github.repositories[0]: "app.wiki" ends with ".wiki", which GitHub refuses in a repository name',
  ],
  "capacity that rounds to nothing": [
    'buildenv:volumes.source.capacity: "0.0000004MB" is less than 1 MB; VIC sizes a volume in whole MB and would not make it as asked: use at least 1MB',
  ],
  "registry host without a dot or port": [
    "buildenv:registry.server: \"harbor\" has no '.' and no port, so Docker would read it as a Docker Hub namespace, not a registry host; use a full host name, <host>:<port> or localhost",
  ],
  "memory limit of 1 MB": [
    'buildenv:computeClasses.low.memoryMB: 1 MB is below 6 MB, the least memory limit Docker allows ("Minimum memory limit allowed is 6MB"); use at least 6',
  ],
  "VCH pool memory below the endpoint VM and one container VM": [
    "buildenv:computeClasses.high.memoryMB: 2048 MB is the memory limit of the VCH's resource pool, which holds the VCH's endpoint VM (2048 MB) and its container VMs (at least 512 MB each); use at least 2560 on a VCH",
  ],
  "developer expiry far ahead": [
    'buildenv:expiresAt: "9999-12-31" is more than 30d ahead (now 2026-11-21T12:00:00Z); the reaper counts at most 30d from a developer stack\'s last update or expiry commit, so this date would not hold: set it with `npm run stack:extend -- <stack> --ttl 7d` (at most 30d)',
  ],
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
    "buildenv:prority: unknown key; allowed: buildenv:owner, buildenv:priority, buildenv:computeClasses, buildenv:expiresAt, buildenv:shared, buildenv:host, buildenv:volumes, buildenv:buildImage, buildenv:registry, buildenv:registryPassword, buildenv:github, buildenv:contact, buildenv:opsPassword, buildenv:farm, buildenv:caches",
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
