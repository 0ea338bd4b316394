import * as assert from "assert";
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import {
  createScript,
  deleteScript,
  parseDockerEndpoint,
  replacementKey,
  scriptInterpreter,
  shellQuote,
  storeFolderProblem,
  updateScript,
  validateVchSpec,
  VchSpec,
  vicConfigureArgs,
  vicCreateArgs,
  vicDeleteArgs,
  vicInspectArgs,
} from "../../../components/vic/vicMachine";
import { FIXTURES_DIR, readFixture } from "../../support/stack";

const FIXTURES = FIXTURES_DIR;

/**
 * vic-machine's output as it reaches a pipe, one file per case (tests/fixtures/vic-*.txt). Every
 * fixture opens with `# ` lines naming the vmware/vic v1.5.6 source (file:line) each line of it
 * comes from; readFixture and the fake vic-machine drop them.
 */
const fixture = readFixture;

const THUMBPRINT = "3F:9A:5C:11:08:B2:7E:4D:90:AA:61:0C:D3:2F:88:19:E4:76:05:BB";

function realisticSpec(overrides: Partial<VchSpec> = {}): VchSpec {
  return {
    target: "vc.example.com/dc1",
    user: "svc-buildenv@vsphere.local",
    thumbprint: THUMBPRINT,
    name: "buildenv-dev",
    computeResource: "build-cluster",
    imageStore: "vsanDatastore/buildenv/dev/images",
    volumeStores: [
      { datastore: "vsanDatastore", path: "buildenv/vch/buildenv-dev", label: "default" },
      { datastore: "nfs-scratch", path: "cache/vch/buildenv-dev", label: "cache" },
    ],
    bridgeNetwork: "vic-bridge-dev",
    publicNetwork: "VM Network",
    clientNetwork: "build-clients",
    tlsCname: "buildenv-dev.build.example.com",
    cpuShares: "high",
    memoryShares: "normal",
    memoryLimitMB: 32768,
    memoryReservationMB: 8192,
    cpuLimitMHz: 20000,
    cpuReservationMHz: 4000,
    ...overrides,
  };
}

const LOCATOR = [
  "--target=vc.example.com/dc1",
  "--user=svc-buildenv@vsphere.local",
  `--thumbprint=${THUMBPRINT}`,
  "--name=buildenv-dev",
  "--compute-resource=build-cluster",
  "--timeout=10m",
];

const CONFIGURABLE = [
  "--volume-store=vsanDatastore/buildenv/vch/buildenv-dev:default",
  "--volume-store=nfs-scratch/cache/vch/buildenv-dev:cache",
  "--tls-cname=buildenv-dev.build.example.com",
  "--tls-server-cert=$BUILDENV_TLS_DIR/server-cert.pem",
  "--tls-server-key=$BUILDENV_TLS_DIR/server-key.pem",
  "--tls-ca=$BUILDENV_TLS_DIR/ca.pem",
  "--memory=32768",
  "--memory-reservation=8192",
  "--memory-shares=normal",
  "--cpu=20000",
  "--cpu-reservation=4000",
  "--cpu-shares=high",
];

describe("vicMachine argv", () => {
  it("builds the full create argv: VIC's own pool in the cluster, two stores, a client network", () => {
    assert.deepStrictEqual(vicCreateArgs(realisticSpec()), [
      "create",
      ...LOCATOR,
      "--image-store=vsanDatastore/buildenv/dev/images",
      "--bridge-network=vic-bridge-dev",
      "--public-network=VM Network",
      "--client-network=build-clients",
      ...CONFIGURABLE,
    ]);
  });

  it("adds a static client address, gateway, DNS servers, ops user, registry CA and timeout", () => {
    const spec = realisticSpec({
      clientNetworkIp: "10.20.0.15/24",
      clientNetworkGateway: "10.0.0.0/8:10.20.0.1",
      dnsServers: ["10.20.0.2", "10.20.0.3"],
      opsUser: "vch-ops@vsphere.local",
      registryCa: true,
      timeout: "20m",
    });
    const locator = LOCATOR.map((a) => (a === "--timeout=10m" ? "--timeout=20m" : a));
    const configurable = [
      CONFIGURABLE[0],
      CONFIGURABLE[1],
      "--dns-server=10.20.0.2",
      "--dns-server=10.20.0.3",
      ...CONFIGURABLE.slice(2, 6),
      "--registry-ca=$BUILDENV_TLS_DIR/registry-ca.pem",
      ...CONFIGURABLE.slice(6),
      "--ops-user=vch-ops@vsphere.local",
    ];
    assert.deepStrictEqual(vicCreateArgs(spec), [
      "create",
      ...locator,
      "--image-store=vsanDatastore/buildenv/dev/images",
      "--bridge-network=vic-bridge-dev",
      "--public-network=VM Network",
      "--client-network=build-clients",
      "--client-network-ip=10.20.0.15/24",
      "--client-network-gateway=10.0.0.0/8:10.20.0.1",
      ...configurable,
    ]);
    // configure has no flag for the image store, the networks or their addresses
    // (cmd/vic-machine/configure/configure.go:94-118).
    assert.deepStrictEqual(vicConfigureArgs(spec), ["configure", ...locator, ...configurable]);
  });

  it("builds the configure argv from what configure changes in place, every store repeated", () => {
    assert.deepStrictEqual(vicConfigureArgs(realisticSpec()), [
      "configure",
      ...LOCATOR,
      ...CONFIGURABLE,
    ]);
  });

  it("builds the inspect argv", () => {
    assert.deepStrictEqual(vicInspectArgs(realisticSpec()), ["inspect", ...LOCATOR]);
  });

  it("builds the delete argv with --force only when asked", () => {
    assert.deepStrictEqual(vicDeleteArgs(realisticSpec(), { force: false }), [
      "delete",
      ...LOCATOR,
    ]);
    assert.deepStrictEqual(vicDeleteArgs(realisticSpec(), { force: true }), [
      "delete",
      ...LOCATOR,
      "--force",
    ]);
  });

  it("never asks for insecure or forced creation, nor puts a password in argv", () => {
    const spec = realisticSpec({ opsUser: "ops@vsphere.local" });
    for (const args of [vicCreateArgs(spec), vicConfigureArgs(spec)]) {
      for (const forbidden of [
        "--force",
        "--no-tls",
        "--no-tlsverify",
        "--password",
        "--ops-password",
      ]) {
        assert.deepStrictEqual(
          args.filter((arg) => arg.split("=")[0] === forbidden),
          [],
        );
      }
    }
  });

  it("keeps a value that starts with a dash attached to its flag", () => {
    const args = vicCreateArgs(realisticSpec({ publicNetwork: "-public" }));
    assert.ok(args.includes("--public-network=-public"));
  });
});

describe("vicMachine replacement key", () => {
  it("changes only with what configure cannot change", () => {
    const key = replacementKey(realisticSpec());
    assert.strictEqual(
      key,
      JSON.stringify({
        target: "vc.example.com/dc1",
        name: "buildenv-dev",
        computeResource: "build-cluster",
        imageStore: "vsanDatastore/buildenv/dev/images",
        bridgeNetwork: "vic-bridge-dev",
        publicNetwork: "VM Network",
        clientNetwork: "build-clients",
        clientNetworkIp: null,
        clientNetworkGateway: null,
      }),
    );
    // In place: limits, shares, an added store, the cname, DNS, ops user, registry CA, timeout.
    const inPlace = realisticSpec({
      cpuShares: "low",
      memoryLimitMB: 4096,
      memoryReservationMB: 0,
      volumeStores: [
        ...realisticSpec().volumeStores,
        { datastore: "ssd", path: "vch/buildenv-dev", label: "fast" },
      ],
      tlsCname: "other.example.com",
      dnsServers: ["10.0.0.2"],
      opsUser: "ops@vsphere.local",
      registryCa: true,
      timeout: "30m",
    });
    assert.strictEqual(replacementKey(inPlace), key);
    for (const change of [
      { bridgeNetwork: "vic-bridge-other" },
      { imageStore: "ssd/images" },
      { publicNetwork: "Other" },
      { clientNetwork: undefined },
      { clientNetworkIp: "10.20.0.15/24" },
    ]) {
      assert.notStrictEqual(replacementKey(realisticSpec(change)), key, JSON.stringify(change));
    }
  });
});

describe("vicMachine spec validation", () => {
  it("rejects credentials in the target", () => {
    assert.throws(
      () => validateVchSpec(realisticSpec({ target: "admin:pw@vc.example.com/dc1" })),
      /target must not contain credentials/,
    );
  });

  it("rejects a name vic-machine would refuse", () => {
    assert.throws(
      () => validateVchSpec(realisticSpec({ name: "a".repeat(32) })),
      /name "a{32}" is longer than 31 characters/,
    );
    assert.throws(
      () => validateVchSpec(realisticSpec({ name: "dev/1" })),
      /name "dev\/1" contains the unsupported character "\/"/,
    );
  });

  it("rejects a malformed thumbprint, duplicate labels and a reservation above the limit", () => {
    const spec = realisticSpec({
      thumbprint: "3F:9A",
      volumeStores: [
        { datastore: "a", path: "vch/buildenv-dev", label: "default" },
        { datastore: "b", path: "vch/buildenv-dev", label: "default" },
      ],
      memoryLimitMB: 1024,
      memoryReservationMB: 2048,
    });
    assert.throws(
      () => validateVchSpec(spec),
      (error: Error) => {
        assert.strictEqual(
          error.message,
          'Invalid VCH spec "buildenv-dev": thumbprint must be a SHA-1 fingerprint like AB:CD:...; got "3F:9A"; ' +
            'volumeStores[1].label "default" is used by more than one volume store; ' +
            "memoryReservationMB (2048) exceeds memoryLimitMB (1024)",
        );
        return true;
      },
    );
  });

  it("rejects two stores of one VCH in one folder, a gateway without an address, a bad timeout", () => {
    const spec = realisticSpec({
      volumeStores: [
        { datastore: "ds", path: "vch/buildenv-dev", label: "default" },
        { datastore: "ds", path: "vch/buildenv-dev", label: "other" },
      ],
      clientNetworkGateway: "10.20.0.1",
      timeout: "10",
    });
    assert.throws(
      () => validateVchSpec(spec),
      (error: Error) => {
        assert.strictEqual(
          error.message,
          'Invalid VCH spec "buildenv-dev": clientNetworkGateway "10.20.0.1" needs a static client-network address (buildenv:host.clientNetworkIp); VIC refuses a gateway without one; ' +
            'timeout "10" is not a duration such as 10m, 90s or 1h30m; ' +
            'volumeStores[1].path "ds/vch/buildenv-dev" is the folder of another volume store of this VCH',
        );
        return true;
      },
    );
  });

  it("rejects newlines and negative numbers", () => {
    assert.throws(
      () => validateVchSpec(realisticSpec({ bridgeNetwork: "a\nb" })),
      /bridgeNetwork must be a single line/,
    );
    assert.throws(
      () => validateVchSpec(realisticSpec({ cpuLimitMHz: -1 })),
      /cpuLimitMHz must be a non-negative integer; got -1/,
    );
  });
});

describe("storeFolderProblem (one store folder per VCH)", () => {
  const rule =
    'use "vch/alice" or "<folder>/vch/alice", a folder of this VCH\'s own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH\'s volumes directly under it)';

  it("accepts vch/<name> under any folder without another vch segment", () => {
    assert.strictEqual(storeFolderProblem("vch/alice", "alice"), undefined);
    assert.strictEqual(storeFolderProblem("buildenv/vch/alice", "alice"), undefined);
    assert.strictEqual(storeFolderProblem("a/b/vch/alice", "alice"), undefined);
  });

  it("rejects the folder every shipped config shared, a root store and another VCH's folder", () => {
    assert.strictEqual(
      storeFolderProblem("buildenv/volumes", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
    // A datastore root store is VIC/volumes, shared by every VCH (store_files.go:306-308).
    assert.strictEqual(
      storeFolderProblem("", "alice"),
      `is not a folder of this VCH's own; ${rule}`,
    );
    assert.strictEqual(
      storeFolderProblem("vch/bob", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
  });

  it("rejects a folder inside or around another VCH's folder, and an absolute path", () => {
    // vch/bob/vch/alice would lie inside bob's folder, which bob's delete --force removes.
    assert.strictEqual(
      storeFolderProblem("vch/bob/vch/alice", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
    assert.strictEqual(
      storeFolderProblem("vch/alice/more", "alice"),
      `could hold another VCH's volumes; ${rule}`,
    );
    assert.strictEqual(
      storeFolderProblem("/vch/alice", "alice"),
      `is an absolute path; give the folder relative to the datastore root: ${rule}`,
    );
  });
});

describe("shellQuote", () => {
  it("single-quotes everything and escapes embedded quotes as '\\''", () => {
    assert.strictEqual(shellQuote(""), "''");
    assert.strictEqual(shellQuote("plain"), "'plain'");
    assert.strictEqual(shellQuote("it's"), "'it'\\''s'");
    assert.strictEqual(shellQuote("$(rm -rf /) `x` \\"), "'$(rm -rf /) `x` \\'");
  });

  it("round-trips through bash unchanged", () => {
    const values = ["it's", 'a "b" $HOME $(id) `id` \\ * ?', "new\nline", "-n", ""];
    for (const value of values) {
      const result = childProcess.spawnSync(
        "/bin/bash",
        ["--norc", "--noprofile", "-c", `printf '%s' ${shellQuote(value)}`],
        { encoding: "utf8" },
      );
      assert.strictEqual(result.stdout, value);
    }
  });
});

describe("vicMachine scripts (text)", () => {
  it("uses bash", () => {
    assert.deepStrictEqual(scriptInterpreter(), ["/bin/bash", "--norc", "--noprofile", "-c"]);
  });

  it("is deterministic", () => {
    for (const render of [
      createScript,
      updateScript,
      (s: VchSpec) => deleteScript(s, { force: true }),
    ]) {
      assert.strictEqual(render(realisticSpec()), render(realisticSpec()));
    }
  });

  it("renders the exact commands of a VCH named with spaces and parentheses, valid for bash -n", () => {
    const spec = realisticSpec({
      name: "build (dev) 1",
      volumeStores: [{ datastore: "ds", path: "vch/build (dev) 1", label: "default" }],
      clientNetwork: undefined,
    });
    const locator =
      "'--target=vc.example.com/dc1' '--user=svc-buildenv@vsphere.local' " +
      `'--thumbprint=${THUMBPRINT}' '--name=build (dev) 1' '--compute-resource=build-cluster' ` +
      "'--timeout=10m'";
    const script = createScript(spec);
    const lines = script.split("\n");
    assert.ok(
      lines.includes(
        `buildenv_status=0; buildenv_vic "$BUILDENV_TLS_DIR/inspect-before-create.log" 'inspect' ${locator} || buildenv_status=$?`,
      ),
    );
    assert.ok(
      lines.includes(
        `  buildenv_status=0; buildenv_vic "$BUILDENV_TLS_DIR/create.log" 'create' ${locator} ` +
          "'--image-store=vsanDatastore/buildenv/dev/images' '--bridge-network=vic-bridge-dev' " +
          "'--public-network=VM Network' '--volume-store=ds/vch/build (dev) 1:default' " +
          "'--tls-cname=buildenv-dev.build.example.com' " +
          `'--tls-server-cert='"$BUILDENV_TLS_DIR/server-cert.pem" '--tls-server-key='"$BUILDENV_TLS_DIR/server-key.pem" ` +
          `'--tls-ca='"$BUILDENV_TLS_DIR/ca.pem" '--memory=32768' '--memory-reservation=8192' ` +
          "'--memory-shares=normal' '--cpu=20000' '--cpu-reservation=4000' '--cpu-shares=high' " +
          "|| buildenv_status=$?",
      ),
    );
    // The absent check matches VIC's exact messages for this name (inspect.go:171-174,
    // finder.go:135-139), quoted as logrus quotes them.
    assert.ok(
      lines.includes(
        `  grep -q -F -e 'level=error msg="Failed to get Virtual Container Host build (dev) 1" ' "$1" && ` +
          `grep -q -F -e 'level=error msg="Didn'\\''t find VM \\"build (dev) 1\\" in resource pool \\"' "$1"`,
      ),
    );
    for (const text of [
      script,
      updateScript(spec),
      deleteScript(spec, { force: false }),
      createScript({ ...spec, opsUser: "ops@vsphere.local" }),
    ]) {
      const check = childProcess.spawnSync("/bin/bash", ["-n"], { input: text, encoding: "utf8" });
      assert.strictEqual(check.status, 0, check.stderr);
    }
  });

  it("renders exactly the reviewed create script for a VCH named with spaces and parentheses", () => {
    // tests/fixtures/create-script-spaced-name.sh is the script, read line by line when it was
    // committed: every name-bearing word single-quoted, the absent check on VIC's exact lines.
    const spec = realisticSpec({
      name: "build (dev) 1",
      volumeStores: [{ datastore: "ds", path: "vch/build (dev) 1", label: "default" }],
      clientNetwork: undefined,
    });
    const golden = fs.readFileSync(path.join(FIXTURES, "create-script-spaced-name.sh"), "utf8");
    assert.strictEqual(createScript(spec), golden);
    const check = childProcess.spawnSync("/bin/bash", ["-n"], { input: golden, encoding: "utf8" });
    assert.strictEqual(check.status, 0, check.stderr);
  });

  it("does not let a spec value that looks like the TLS path expand", () => {
    const script = createScript(realisticSpec({ publicNetwork: "$BUILDENV_TLS_DIR/x" }));
    assert.ok(script.includes("'--public-network=$BUILDENV_TLS_DIR/x'"));
  });

  it("passes --force to delete only when asked and never to create or configure", () => {
    const spec = realisticSpec();
    assert.doesNotMatch(createScript(spec), /--force/);
    assert.doesNotMatch(updateScript(spec), /--force/);
    assert.doesNotMatch(deleteScript(spec, { force: false }), /--force/);
    assert.match(deleteScript(spec, { force: true }), /'--force'/);
  });
});

/** The terminal form (text_formatter.go:103-128): colour codes around the level, a counter. */
function terminalLine(message: string): string {
  return `\x1b[34mINFO\x1b[0m[0041] ${message.padEnd(44)} `;
}

describe("parseDockerEndpoint", () => {
  it("reads the client address from vic-machine create output", () => {
    assert.deepStrictEqual(parseDockerEndpoint(fixture("vic-create-success.txt")), {
      address: "10.20.0.15",
      dockerHost: "tcp://10.20.0.15:2376",
    });
  });

  it("reads the client address, not the published-ports address, from inspect output", () => {
    assert.deepStrictEqual(parseDockerEndpoint(fixture("vic-inspect-running.txt")), {
      address: "10.20.0.15",
      dockerHost: "tcp://10.20.0.15:2376",
    });
  });

  it("takes the last endpoint when create and inspect output are concatenated", () => {
    const moved = fixture("vic-inspect-running.txt").replace(
      "DOCKER_HOST=10.20.0.15:2376",
      "DOCKER_HOST=10.20.0.99:2376",
    );
    assert.strictEqual(
      parseDockerEndpoint(fixture("vic-create-success.txt") + moved).address,
      "10.20.0.99",
    );
  });

  it("brackets an IPv6 address, which VIC prints without brackets", () => {
    const v6 = fixture("vic-inspect-running.txt").replace(
      "DOCKER_HOST=10.20.0.15:2376",
      "DOCKER_HOST=fd00:20::15:2376",
    );
    assert.deepStrictEqual(parseDockerEndpoint(v6), {
      address: "fd00:20::15",
      dockerHost: "tcp://[fd00:20::15]:2376",
    });
  });

  it("reads a terminal capture, with ANSI colour codes even inside the DOCKER_HOST token", () => {
    const env = "DOCKER_TLS_VERIFY=1 DOCKER_HOST=10.20.0.15:2376 COMPOSE_TLS_VERSION=TLSv1_2";
    assert.strictEqual(
      parseDockerEndpoint(
        [terminalLine("Docker environment variables:"), terminalLine(env)].join("\n"),
      ).dockerHost,
      "tcp://10.20.0.15:2376",
    );
    const coloured =
      "DOCKER_TLS_VERIFY=1 \x1b[1mDOCKER_HOST\x1b[0m=\x1b[32m10.20.0.15\x1b[0m:2376 COMPOSE_TLS_VERSION=TLSv1_2";
    assert.deepStrictEqual(parseDockerEndpoint(terminalLine(coloured)), {
      address: "10.20.0.15",
      dockerHost: "tcp://10.20.0.15:2376",
    });
  });

  it("refuses a VCH created with --no-tlsverify", () => {
    assert.throws(() => parseDockerEndpoint(fixture("vic-inspect-no-tlsverify.txt")), {
      message:
        "The VCH at 10.20.0.15:2376 does not verify client certificates (no DOCKER_TLS_VERIFY=1; " +
        "it was created with --no-tlsverify or --no-tls). buildenv does not adopt it: delete it " +
        "or give buildenv:host.name another name",
    });
  });

  it("throws a clear error when there is no endpoint", () => {
    assert.throws(() => parseDockerEndpoint(fixture("vic-inspect-not-found.txt")), {
      message:
        'No Docker endpoint in vic-machine output: expected a "DOCKER_HOST=<address>:2376" line ' +
        'under "Docker environment variables:"',
    });
  });

  it("refuses an endpoint on the plain port", () => {
    const plain = fixture("vic-inspect-running.txt").replace(":2376 COMPOSE", ":2375 COMPOSE");
    assert.throws(() => parseDockerEndpoint(plain), {
      message:
        "VCH Docker endpoint 10.20.0.15:2375 is not the TLS port 2376: the VCH serves the Docker API without TLS",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The scripts, run for real by bash against a fake vic-machine that answers with the fixtures.

const PASSWORD = "S3cr3t-P@ss'w\"ord $(id)";
const OPS_PASSWORD = "0ps-P@ss 'w\" $(id)";
const PEMS = {
  BUILDENV_TLS_CA: "-----BEGIN CERTIFICATE-----\nTESTCAMATERIAL\n-----END CERTIFICATE-----",
  BUILDENV_TLS_SERVER_CERT:
    "-----BEGIN CERTIFICATE-----\nTESTSERVERCERT\n-----END CERTIFICATE-----",
  BUILDENV_TLS_SERVER_KEY:
    "-----BEGIN PRIVATE KEY-----\nTESTKEYMATERIAL\n-----END PRIVATE KEY-----",
};
const REGISTRY_CA = "-----BEGIN CERTIFICATE-----\nTESTREGISTRYCA\n-----END CERTIFICATE-----";
const SECRETS = [PASSWORD, OPS_PASSWORD, "TESTCAMATERIAL", "TESTSERVERCERT", "TESTKEYMATERIAL"];

/**
 * Records its argv, how it was started and what it could see into $FAKE_VIC_RECORD, then acts
 * like vic-machine, printing the fixtures: the VCH exists while $FAKE_VIC_STATE exists. With
 * --ops-user it reads the ops password from its terminal, as ops_credentials.go:98-109 does.
 */
const FAKE_VIC_MACHINE = `#!/bin/bash
set -eu
out() { sed '/^# /d' "$FAKE_VIC_FIXTURES/$1"; }
exec 4>&1
{
  echo "== $1"
  echo "argv0 $0"
  echo "cwd $(pwd)"
  if [ -t 0 ]; then echo "stdin tty"; else echo "stdin $(readlink /proc/self/fd/0)"; fi
  if [ -t 2 ]; then echo "stderr tty"; else echo "stderr pipe"; fi
  if [ "\${VIC_MACHINE_PASSWORD:-}" = "$FAKE_EXPECTED_PASSWORD" ]; then echo "password ok"; else echo "password wrong"; fi
  echo "secret-env $(env | grep -o '^BUILDENV_[A-Z_]*' | sort | tr '\\n' ' ')"
  for arg in "$@"; do printf 'arg %s\\n' "$arg"; done
  for arg in "$@"; do
    case $arg in
      --tls-ca=*|--tls-server-cert=*|--tls-server-key=*|--registry-ca=*)
        file=\${arg#*=}
        printf 'file %s %s %s %s\\n' "$file" "$(stat -c %a "$file")" "$(stat -c %a "\${file%/*}")" "$(tr '\\n' '|' < "$file")"
        ;;
      --ops-user=*)
        echo 'time="2018-10-15T09:02:11-07:00" level=info msg="vSphere password for '"\${arg#*=}"': " ' >&4
        stty -echo 2>/dev/null || true
        IFS= read -r ops || ops=
        if [ "$ops" = "$FAKE_EXPECTED_OPS_PASSWORD" ]; then echo "ops-password ok"; else echo "ops-password wrong"; fi
        ;;
    esac
  done
} >> "$FAKE_VIC_RECORD"
case $1 in
  inspect)
    if [ "\${FAKE_VIC_BROKEN:-}" = 1 ]; then
      echo 'time="2018-10-15T08:58:40-07:00" level=info msg="### Inspecting VCH ####" '
      echo 'time="2018-10-15T08:58:40-07:00" level=error msg="Inspect cannot continue - target validation failed: Failed to verify certificate for target=vc.example.com" '
      echo 'time="2018-10-15T08:58:40-07:00" level=error msg=-------------------- '
      echo 'time="2018-10-15T08:58:40-07:00" level=error msg="vic-machine-linux inspect failed: inspect failed\\n" '
      exit 1
    fi
    if [ ! -e "$FAKE_VIC_STATE" ]; then out vic-inspect-not-found.txt; exit 1; fi
    n=$(cat "$FAKE_VIC_STATE"); n=\${n:-0}
    if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$FAKE_VIC_STATE"; out vic-inspect-no-client-ip.txt; exit 1; fi
    out \${FAKE_VIC_INSPECT:-vic-inspect-running.txt}
    ;;
  create)
    case \${FAKE_VIC_CREATE:-ok} in
      fail) echo 'time="2018-10-15T09:02:11-07:00" level=error msg="Failed to create VCH: datastore full" '; exit 1 ;;
      term) kill -TERM "$PPID" ;;
    esac
    echo "\${FAKE_VIC_NO_IP:-0}" > "$FAKE_VIC_STATE"
    out vic-create-success.txt
    ;;
  configure)
    case \${FAKE_VIC_CONFIGURE:-ok} in
      upgrade) out vic-configure-upgrade-needed.txt; exit 1 ;;
      store) out vic-configure-volume-store-changed.txt; exit 1 ;;
    esac
    out vic-configure-success.txt
    ;;
  delete)
    if [ ! -e "$FAKE_VIC_STATE" ]; then out vic-delete-not-found.txt; exit 1; fi
    case \${FAKE_VIC_DELETE:-ok} in
      running) out vic-delete-powered-on.txt; exit 1 ;;
      version) out vic-delete-version-mismatch.txt; exit 1 ;;
    esac
    rm -f -- "$FAKE_VIC_STATE"
    out vic-delete-success.txt
    ;;
esac
`;

interface FakeCall {
  command: string;
  argv0: string;
  cwd: string;
  stdin: string;
  stderr: string;
  password: string;
  secretEnv: string;
  opsPassword: string;
  args: string[];
  files: { path: string; mode: string; dirMode: string; content: string }[];
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: FakeCall[];
}

function parseRecord(text: string): FakeCall[] {
  const calls: FakeCall[] = [];
  for (const line of text.split("\n").filter((l) => l !== "")) {
    const space = line.indexOf(" ");
    const [key, value] = [line.slice(0, space), line.slice(space + 1)];
    if (key === "==") {
      calls.push({
        command: value,
        argv0: "",
        cwd: "",
        stdin: "",
        stderr: "",
        password: "",
        secretEnv: "",
        opsPassword: "",
        args: [],
        files: [],
      });
      continue;
    }
    const call = calls[calls.length - 1];
    if (key === "argv0") call.argv0 = value;
    else if (key === "cwd") call.cwd = value;
    else if (key === "stdin") call.stdin = value;
    else if (key === "stderr") call.stderr = value;
    else if (key === "password") call.password = value;
    else if (key === "secret-env") call.secretEnv = value.trim();
    else if (key === "ops-password") call.opsPassword = value;
    else if (key === "arg") call.args.push(value);
    else if (key === "file") {
      const [filePath, mode, dirMode, ...content] = value.split(" ");
      call.files.push({ path: filePath, mode, dirMode, content: content.join(" ") });
    } else assert.fail(`unexpected record line: ${line}`);
  }
  return calls;
}

describe("vicMachine scripts (run by bash against a fake vic-machine)", () => {
  let root: string;
  let tmpDir: string;
  let binDir: string;
  let state: string;
  let record: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "vic-fake-"));
    binDir = path.join(root, "bin");
    tmpDir = path.join(root, "tmp");
    fs.mkdirSync(binDir);
    fs.mkdirSync(tmpDir);
    fs.writeFileSync(path.join(binDir, "vic-machine-linux"), FAKE_VIC_MACHINE, { mode: 0o755 });
    state = path.join(root, "vch-exists");
    record = path.join(root, "record.txt");
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  function run(script: string, extraEnv: Record<string, string> = {}, omit: string[] = []): Run {
    const env: Record<string, string> = {
      PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      TMPDIR: tmpDir,
      FAKE_VIC_RECORD: record,
      FAKE_VIC_STATE: state,
      FAKE_VIC_FIXTURES: FIXTURES,
      FAKE_EXPECTED_PASSWORD: PASSWORD,
      FAKE_EXPECTED_OPS_PASSWORD: OPS_PASSWORD,
      VIC_MACHINE_PASSWORD: PASSWORD,
      ...PEMS,
      ...extraEnv,
    };
    for (const name of omit) delete env[name];
    const [shell, ...shellArgs] = scriptInterpreter();
    const result = childProcess.spawnSync(shell, [...shellArgs, script], {
      cwd: root,
      env,
      encoding: "utf8",
    });
    const calls = fs.existsSync(record) ? parseRecord(fs.readFileSync(record, "utf8")) : [];
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  }

  function assertNoSecrets(result: Run): void {
    for (const secret of SECRETS) {
      assert.ok(!result.stdout.includes(secret), `stdout leaks ${secret}`);
      assert.ok(!result.stderr.includes(secret), `stderr leaks ${secret}`);
      for (const call of result.calls) {
        assert.ok(!call.args.some((arg) => arg.includes(secret)), `argv leaks ${secret}`);
      }
    }
  }

  /** A copy of the fixtures with some files replaced; returns its directory for the fake. */
  function fixturesWith(replaced: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(root, "fx-"));
    for (const entry of fs.readdirSync(FIXTURES, { withFileTypes: true })) {
      // Only the files: tests/fixtures/generated is another suite's scratch directory.
      if (entry.isFile()) {
        fs.copyFileSync(path.join(FIXTURES, entry.name), path.join(dir, entry.name));
      }
    }
    for (const [file, text] of Object.entries(replaced)) {
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  }

  function expectedArgs(args: string[], dir: string): string[] {
    return args.map((arg) => arg.replace("$BUILDENV_TLS_DIR", dir));
  }

  const TLS_FILES = (dir: string) => [
    {
      path: `${dir}/server-cert.pem`,
      mode: "600",
      dirMode: "700",
      content: "-----BEGIN CERTIFICATE-----|TESTSERVERCERT|-----END CERTIFICATE-----|",
    },
    {
      path: `${dir}/server-key.pem`,
      mode: "600",
      dirMode: "700",
      content: "-----BEGIN PRIVATE KEY-----|TESTKEYMATERIAL|-----END PRIVATE KEY-----|",
    },
    {
      path: `${dir}/ca.pem`,
      mode: "600",
      dirMode: "700",
      content: "-----BEGIN CERTIFICATE-----|TESTCAMATERIAL|-----END CERTIFICATE-----|",
    },
  ];

  it("creates a missing VCH with the TLS files private while vic-machine runs, then inspects it", () => {
    const spec = realisticSpec();
    const result = run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create", "inspect"],
    );
    const create = result.calls[1];
    const dir = create.cwd;
    assert.strictEqual(path.dirname(dir), tmpDir);
    assert.deepStrictEqual(create.args, expectedArgs(vicCreateArgs(spec), dir));
    assert.deepStrictEqual(create.files, TLS_FILES(dir));
    for (const call of result.calls) {
      // No secret stays in vic-machine's environment but the password it reads itself, and
      // stderr is a pipe, so vic-machine writes logrus's text form.
      assert.deepStrictEqual(
        [call.argv0, call.cwd, call.stdin, call.stderr, call.password, call.secretEnv],
        [
          path.join(binDir, "vic-machine-linux"),
          dir,
          "/dev/null",
          "pipe",
          "ok",
          "BUILDENV_TLS_DIR",
        ],
      );
    }
    assert.deepStrictEqual(result.calls[0].args, vicInspectArgs(spec));
    assert.deepStrictEqual(result.calls[2].args, vicInspectArgs(spec));

    // Only the final inspect reaches stdout, so it parses to exactly one endpoint.
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
    assert.strictEqual(parseDockerEndpoint(result.stdout).dockerHost, "tcp://10.20.0.15:2376");
    assert.ok(
      result.stderr.includes("buildenv: VCH buildenv-dev does not exist yet; creating it\n"),
    );
    assert.ok(result.stderr.includes(fixture("vic-create-success.txt")));

    assert.strictEqual(fs.existsSync(dir), false);
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
    assertNoSecrets(result);
  });

  it("creates a VCH named with spaces and parentheses, every argument intact", () => {
    const spec = realisticSpec({
      name: "build (dev) 1",
      volumeStores: [{ datastore: "ds", path: "vch/build (dev) 1", label: "default" }],
    });
    const notFound = fixture("vic-inspect-not-found.txt").replace(/buildenv-dev/g, "build (dev) 1");
    // The fake answers with the not-found fixture for this name.
    const result = run(createScript(spec), {
      FAKE_VIC_FIXTURES: fixturesWith({ "vic-inspect-not-found.txt": notFound }),
    });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create", "inspect"],
    );
    assert.deepStrictEqual(
      result.calls[1].args,
      expectedArgs(vicCreateArgs(spec), result.calls[1].cwd),
    );
    assert.ok(result.calls[1].args.includes("--name=build (dev) 1"));
  });

  it("does not take a not-found message about another VCH, or a bare ' not found', for absence", () => {
    for (const notFound of [
      fixture("vic-inspect-not-found.txt").replace(/buildenv-dev/g, "buildenv-dev2"),
      'time="2018-10-15T08:58:40-07:00" level=error msg="Inspect cannot continue - target validation failed: datacenter \'dc1\' not found" \n',
    ]) {
      fs.rmSync(record, { force: true });
      const result = run(createScript(realisticSpec()), {
        FAKE_VIC_FIXTURES: fixturesWith({ "vic-inspect-not-found.txt": notFound }),
      });
      assert.strictEqual(result.status, 1);
      assert.deepStrictEqual(
        result.calls.map((call) => call.command),
        ["inspect"],
      );
    }
  });

  it("skips create when the VCH already exists", () => {
    fs.writeFileSync(state, "0");
    const result = run(createScript(realisticSpec()));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "inspect"],
    );
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
    assert.ok(
      result.stderr.includes("buildenv: VCH buildenv-dev already exists; not creating it again\n"),
    );
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
    assertNoSecrets(result);
  });

  it("inspects again while DHCP has not given the client an address, within the wait", () => {
    const spec = realisticSpec({ addressWait: { timeoutSeconds: 30, intervalSeconds: 0 } });
    const result = run(createScript(spec), { FAKE_VIC_NO_IP: "2" });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create", "inspect", "inspect", "inspect"],
    );
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
    assert.strictEqual(
      result.stderr.split("\n").filter((l) => l.includes("has no client-network address yet"))
        .length,
      2,
    );
  });

  it("adopts an existing VCH still waiting for its address, and waits for it", () => {
    fs.writeFileSync(state, "2");
    const spec = realisticSpec({ addressWait: { timeoutSeconds: 30, intervalSeconds: 0 } });
    const result = run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "inspect", "inspect"],
    );
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
  });

  it("gives up on a missing client address after the wait", () => {
    const spec = realisticSpec({ addressWait: { timeoutSeconds: 0, intervalSeconds: 0 } });
    const result = run(createScript(spec), { FAKE_VIC_NO_IP: "5" });

    assert.strictEqual(result.status, 1);
    assert.strictEqual(result.stdout, "");
    assert.ok(
      result.stderr.endsWith(
        "buildenv: VCH buildenv-dev has no client-network address after 0s (DHCP); check the client port group, or set buildenv:host.clientNetworkIp\n",
      ),
    );
  });

  it("does not create when inspect fails for another reason", () => {
    const result = run(createScript(realisticSpec()), { FAKE_VIC_BROKEN: "1" });

    assert.strictEqual(result.status, 1);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect"],
    );
    assert.strictEqual(result.stdout, "");
    assert.ok(
      result.stderr.endsWith(
        "buildenv: vic-machine inspect failed (exit 1) for a reason other than a missing VCH; not creating\n",
      ),
    );
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
  });

  it("types the ops password into vic-machine's prompt, never into its argv or environment", () => {
    const spec = realisticSpec({ opsUser: "vch-ops@vsphere.local", registryCa: true });
    const result = run(createScript(spec), {
      BUILDENV_OPS_PASSWORD: OPS_PASSWORD,
      BUILDENV_REGISTRY_CA: REGISTRY_CA,
    });

    assert.strictEqual(result.status, 0, result.stderr);
    const create = result.calls[1];
    assert.deepStrictEqual(
      [create.command, create.stdin, create.stderr, create.opsPassword, create.secretEnv],
      ["create", "tty", "pipe", "ok", "BUILDENV_TLS_DIR"],
    );
    assert.deepStrictEqual(create.args, expectedArgs(vicCreateArgs(spec), create.cwd));
    assert.deepStrictEqual(create.files, [
      ...TLS_FILES(create.cwd),
      {
        path: `${create.cwd}/registry-ca.pem`,
        mode: "600",
        dirMode: "700",
        content: "-----BEGIN CERTIFICATE-----|TESTREGISTRYCA|-----END CERTIFICATE-----|",
      },
    ]);
    // vic-machine's own output still reaches the log, in the pipe (logrus text) form.
    assert.ok(result.stderr.includes(fixture("vic-create-success.txt")));
    assertNoSecrets(result);
  });

  it("says so when util-linux script, needed for the ops password prompt, is missing", () => {
    const result = run(createScript(realisticSpec({ opsUser: "ops@vsphere.local" })), {
      BUILDENV_OPS_PASSWORD: OPS_PASSWORD,
      PATH: binDir,
    });
    assert.strictEqual(result.status, 127);
    assert.strictEqual(
      result.stderr,
      'buildenv: host.opsUser needs util-linux "script" on PATH to type the ops password into the vic-machine prompt\n',
    );
  });

  it("refuses to run without the ops password when there is an ops user", () => {
    const result = run(createScript(realisticSpec({ opsUser: "ops@vsphere.local" })));
    assert.strictEqual(result.status, 2);
    assert.strictEqual(
      result.stderr,
      "buildenv: environment variable BUILDENV_OPS_PASSWORD is not set\n",
    );
  });

  it("removes the TLS directory when create fails", () => {
    const result = run(createScript(realisticSpec()), { FAKE_VIC_CREATE: "fail" });

    assert.strictEqual(result.status, 1);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create"],
    );
    assert.strictEqual(fs.existsSync(result.calls[1].cwd), false);
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
  });

  it("removes the TLS directory when the script is terminated", () => {
    const result = run(createScript(realisticSpec()), { FAKE_VIC_CREATE: "term" });

    assert.strictEqual(result.status, 143);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create"],
    );
    assert.strictEqual(fs.existsSync(result.calls[1].cwd), false);
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
  });

  it("refuses to run without a password and writes nothing", () => {
    const result = run(createScript(realisticSpec()), {}, ["VIC_MACHINE_PASSWORD"]);

    assert.strictEqual(result.status, 2);
    assert.strictEqual(
      result.stderr,
      "buildenv: environment variable VIC_MACHINE_PASSWORD is not set\n",
    );
    assert.deepStrictEqual(result.calls, []);
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
  });

  it("runs a binary given by relative path through its absolute path", () => {
    const spec = realisticSpec({ vicMachine: "./bin/vic-machine-linux" });
    fs.writeFileSync(state, "0");
    const result = run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.calls[0].argv0, `${root}/./bin/vic-machine-linux`);
  });

  it("fails clearly when the binary is missing", () => {
    const result = run(createScript(realisticSpec({ vicMachine: "/nonexistent/vic-machine" })));
    assert.strictEqual(result.status, 127);
    assert.strictEqual(
      result.stderr,
      "buildenv: vic-machine binary not found or not executable: /nonexistent/vic-machine\n",
    );
  });

  it("configures in place, then inspects", () => {
    fs.writeFileSync(state, "0");
    const spec = realisticSpec();
    const result = run(updateScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["configure", "inspect"],
    );
    const configure = result.calls[0];
    assert.deepStrictEqual(configure.args, expectedArgs(vicConfigureArgs(spec), configure.cwd));
    assert.deepStrictEqual(configure.files, TLS_FILES(configure.cwd));
    assert.strictEqual(configure.secretEnv, "BUILDENV_TLS_DIR");
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
    assert.ok(result.stderr.includes(fixture("vic-configure-success.txt")));
    assertNoSecrets(result);
  });

  it("makes the VCH again when configure finds it gone", () => {
    const spec = realisticSpec();
    // vic-configure-*: configure.go:412-415 logs the same not-found lines as inspect.
    const fixtures = fixturesWith({
      "vic-configure-success.txt": fixture("vic-inspect-not-found.txt")
        .replace("### Inspecting VCH ####", "### Configuring VCH ####")
        .replace(/inspect failed/g, "configure failed"),
    });
    const fake = fs
      .readFileSync(path.join(binDir, "vic-machine-linux"), "utf8")
      .replace(
        "    out vic-configure-success.txt\n",
        "    out vic-configure-success.txt; exit 1\n",
      );
    fs.writeFileSync(path.join(binDir, "vic-machine-linux"), fake);
    const result = run(updateScript(spec), { FAKE_VIC_FIXTURES: fixtures });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["configure", "create", "inspect"],
    );
    assert.ok(result.stderr.includes("buildenv: VCH buildenv-dev does not exist; creating it\n"));
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
  });

  it("says a VCH must be upgraded before configure can change it", () => {
    fs.writeFileSync(state, "0");
    const result = run(updateScript(realisticSpec()), { FAKE_VIC_CONFIGURE: "upgrade" });

    assert.strictEqual(result.status, 1);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["configure"],
    );
    assert.ok(
      result.stderr.endsWith(
        'buildenv: VCH buildenv-dev was made by an older VIC and needs "vic-machine upgrade" before it can be configured: run vic-machine-linux upgrade with the same --target, --thumbprint, --name and --compute-resource, then run pulumi up again\n',
      ),
      result.stderr,
    );
  });

  it("says VIC cannot change an existing volume store in place", () => {
    fs.writeFileSync(state, "0");
    const result = run(updateScript(realisticSpec()), { FAKE_VIC_CONFIGURE: "store" });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        "buildenv: VIC cannot change or remove a volume store of an existing VCH, only add one; to move or remove a store, replace the VCH (pulumi up --replace on its command; without disposable volumes its stores are kept)\n",
      ),
      result.stderr,
    );
  });

  it("deletes an existing VCH without --force, with no TLS material in its environment", () => {
    fs.writeFileSync(state, "0");
    const spec = realisticSpec();
    // The Command hands delete the same environment as create: the PEMs and the ops password.
    const result = run(deleteScript(spec, { force: false }), {
      BUILDENV_OPS_PASSWORD: OPS_PASSWORD,
      BUILDENV_REGISTRY_CA: REGISTRY_CA,
    });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => [call.command, call.args, call.password, call.secretEnv]),
      [["delete", vicDeleteArgs(spec, { force: false }), "ok", "BUILDENV_TLS_DIR"]],
    );
    assert.strictEqual(result.calls[0].files.length, 0);
    assert.strictEqual(fs.existsSync(state), false);
    assert.ok(result.stderr.includes(fixture("vic-delete-success.txt")));
    assertNoSecrets(result);
  });

  it("deletes with --force when asked", () => {
    fs.writeFileSync(state, "0");
    const spec = realisticSpec();
    const result = run(deleteScript(spec, { force: true }));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(result.calls[0].args, vicDeleteArgs(spec, { force: true }));
  });

  it("succeeds when the VCH to delete no longer exists", () => {
    const result = run(deleteScript(realisticSpec(), { force: false }));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.ok(
      result.stderr.endsWith("buildenv: VCH buildenv-dev no longer exists; nothing to delete\n"),
    );
  });

  it("names the running containers that keep the VCH from being deleted", () => {
    fs.writeFileSync(state, "0");
    const result = run(deleteScript(realisticSpec(), { force: false }), {
      FAKE_VIC_DELETE: "running",
    });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        "buildenv: VCH buildenv-dev still runs these containers: db-77aa01c2e9f4 web-3f2a9c1b7d0e. Stop and remove them (docker rm -f on the VCH), then run pulumi again; the VCH is left as it was\n",
      ),
      result.stderr,
    );
    assert.strictEqual(fs.existsSync(state), true);
  });

  it("says a VCH of another VIC version must be upgraded before it can be deleted", () => {
    fs.writeFileSync(state, "0");
    const result = run(deleteScript(realisticSpec(), { force: false }), {
      FAKE_VIC_DELETE: "version",
    });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        "buildenv: VCH buildenv-dev was made by another VIC version than this vic-machine; run vic-machine-linux upgrade on it first (or set buildenv:host.vicMachine to the vic-machine of its version), then run pulumi again\n",
      ),
      result.stderr,
    );
  });
});
