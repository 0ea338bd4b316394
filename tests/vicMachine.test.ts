import * as assert from "assert";
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import {
  createScript,
  deleteScript,
  parseDockerEndpoint,
  scriptInterpreter,
  shellQuote,
  validateVchSpec,
  VchSpec,
  vicCreateArgs,
  vicDeleteArgs,
  vicInspectArgs,
} from "../vic/vicMachine";

const FIXTURES = path.join(__dirname, "fixtures");

/**
 * Fixtures are written after vic-machine's own output code (vmware/vic):
 * - vic-inspect-running.txt / vic-inspect-create-output.txt: pkg/log TextFormatter lines
 *   ("Jan _2 2006 15:04:05.000Z07:00 INFO  msg"), ShowVCH's "VCH Admin Portal:",
 *   "Published ports can be reached at:", "Docker environment variables:" and the
 *   "DOCKER_TLS_VERIFY=1 DOCKER_HOST=<client ip>:2376" line of a VCH with client verification.
 * - vic-inspect-legacy-logrus.txt: the 0.x releases' logrus TextFormatter{ForceColors,
 *   FullTimestamp} (ANSI-coloured level, RFC 3339 time, message padded to 44 columns).
 * - vic-inspect-not-found.txt: inspect of a VCH that is not there (NewVCHFromComputePath's
 *   "Didn't find VM" and inspect's "Failed to get Virtual Container Host").
 */
function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), "utf8");
}

const THUMBPRINT = "3F:9A:5C:11:08:B2:7E:4D:90:AA:61:0C:D3:2F:88:19:E4:76:05:BB";

function realisticSpec(overrides: Partial<VchSpec> = {}): VchSpec {
  return {
    target: "vc.example.com/dc1",
    user: "svc-buildenv@vsphere.local",
    thumbprint: THUMBPRINT,
    name: "buildenv-dev",
    computeResource: "build-cluster/buildenv-dev",
    imageStore: "vsanDatastore/buildenv/dev/images",
    volumeStores: [
      { datastore: "vsanDatastore", path: "buildenv/dev/volumes", label: "default" },
      { datastore: "nfs-scratch", path: "buildenv/dev/cache", label: "cache" },
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
  "--compute-resource=build-cluster/buildenv-dev",
];

describe("vicMachine argv", () => {
  it("builds the full create argv with two volume stores and a client network", () => {
    assert.deepStrictEqual(vicCreateArgs(realisticSpec()), [
      "create",
      ...LOCATOR,
      "--image-store=vsanDatastore/buildenv/dev/images",
      "--volume-store=vsanDatastore/buildenv/dev/volumes:default",
      "--volume-store=nfs-scratch/buildenv/dev/cache:cache",
      "--bridge-network=vic-bridge-dev",
      "--public-network=VM Network",
      "--client-network=build-clients",
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
    ]);
  });

  it("leaves out --client-network when the client network shares the public one", () => {
    const spec = realisticSpec({
      clientNetwork: undefined,
      volumeStores: [{ datastore: "nfs-scratch", path: "", label: "default" }],
    });
    assert.deepStrictEqual(vicCreateArgs(spec), [
      "create",
      ...LOCATOR,
      "--image-store=vsanDatastore/buildenv/dev/images",
      "--volume-store=nfs-scratch:default",
      "--bridge-network=vic-bridge-dev",
      "--public-network=VM Network",
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

  it("never asks for insecure or forced creation", () => {
    const args = vicCreateArgs(realisticSpec());
    for (const forbidden of ["--force", "--no-tls", "--no-tlsverify", "--password"]) {
      assert.deepStrictEqual(
        args.filter((arg) => arg.split("=")[0] === forbidden),
        [],
        forbidden,
      );
    }
  });

  it("keeps a value that starts with a dash attached to its flag", () => {
    const args = vicCreateArgs(realisticSpec({ bridgeNetwork: "-bridge" }));
    assert.strictEqual(args[args.indexOf("--bridge-network=-bridge")], "--bridge-network=-bridge");
  });
});

describe("vicMachine spec validation", () => {
  it("rejects credentials in the target", () => {
    assert.throws(() => vicInspectArgs(realisticSpec({ target: "root:pw@vc.example.com/dc1" })), {
      message:
        'Invalid VCH spec "buildenv-dev": target must not contain credentials (user@ or user:password@)',
    });
  });

  it("rejects a name vic-machine would refuse", () => {
    assert.throws(
      () => vicInspectArgs(realisticSpec({ name: "buildenv-dev/with-a-slash-and-too-long" })),
      {
        message:
          'Invalid VCH spec "buildenv-dev/with-a-slash-and-too-long": ' +
          'name "buildenv-dev/with-a-slash-and-too-long" is longer than 31 characters; ' +
          'name "buildenv-dev/with-a-slash-and-too-long" contains the unsupported character "/"',
      },
    );
  });

  it("rejects a malformed thumbprint, duplicate labels and a reservation above the limit", () => {
    const spec = realisticSpec({
      thumbprint: "3F9A5C",
      volumeStores: [
        { datastore: "ds1", path: "a", label: "default" },
        { datastore: "ds2", path: "b", label: "default" },
      ],
      memoryLimitMB: 1024,
      memoryReservationMB: 2048,
      cpuLimitMHz: 0,
      cpuReservationMHz: 4000,
    });
    assert.throws(() => validateVchSpec(spec), {
      message:
        'Invalid VCH spec "buildenv-dev": ' +
        'thumbprint must be a SHA-1 fingerprint like AB:CD:...; got "3F9A5C"; ' +
        'volumeStores[1].label "default" is used by more than one volume store; ' +
        "memoryReservationMB (2048) exceeds memoryLimitMB (1024)",
    });
  });

  it("rejects newlines and negative numbers", () => {
    assert.throws(
      () => validateVchSpec(realisticSpec({ publicNetwork: "VM\nNetwork", cpuLimitMHz: -1 })),
      {
        message:
          'Invalid VCH spec "buildenv-dev": publicNetwork must be a single line; ' +
          "cpuLimitMHz must be a non-negative integer; got -1",
      },
    );
  });
});

describe("shellQuote", () => {
  const tricky = [
    "",
    "plain",
    "it's",
    "''",
    "VM Network",
    '$HOME `id` $(id) "dq" \\ ! * ?',
    "line1\nline2",
    "-n",
  ];

  it("single-quotes everything and escapes embedded quotes as '\\''", () => {
    assert.deepStrictEqual(tricky.map(shellQuote), [
      "''",
      "'plain'",
      "'it'\\''s'",
      "''\\'''\\'''",
      "'VM Network'",
      "'$HOME `id` $(id) \"dq\" \\ ! * ?'",
      "'line1\nline2'",
      "'-n'",
    ]);
  });

  it("round-trips through bash unchanged", () => {
    for (const value of tricky) {
      const [shell, ...shellArgs] = scriptInterpreter();
      const out = childProcess.execFileSync(
        shell,
        [...shellArgs, `printf '%s' ${shellQuote(value)}`],
        {
          encoding: "utf8",
        },
      );
      assert.strictEqual(out, value);
    }
  });
});

describe("vicMachine scripts (text)", () => {
  it("uses bash", () => {
    assert.deepStrictEqual(scriptInterpreter(), ["/bin/bash", "--norc", "--noprofile", "-c"]);
  });

  it("is deterministic", () => {
    const spec = realisticSpec();
    assert.strictEqual(createScript(spec), createScript(JSON.parse(JSON.stringify(spec))));
    assert.strictEqual(
      deleteScript(spec, { force: true }),
      deleteScript(JSON.parse(JSON.stringify(spec)), { force: true }),
    );
  });

  it("sets up the private TLS directory and quotes every argument of create", () => {
    const lines = createScript(realisticSpec()).split("\n");
    for (const expected of [
      "set -euo pipefail",
      "umask 077",
      "BUILDENV_TLS_DIR=$(mktemp -d)",
      `trap 'rm -rf -- "$BUILDENV_TLS_DIR"' EXIT`,
      `printf '%s\\n' "$BUILDENV_TLS_SERVER_KEY" > "$BUILDENV_TLS_DIR/server-key.pem"`,
      "unset BUILDENV_TLS_CA BUILDENV_TLS_SERVER_CERT BUILDENV_TLS_SERVER_KEY",
      `  "$buildenv_vic_machine" 'create' '--target=vc.example.com/dc1' '--user=svc-buildenv@vsphere.local' ` +
        `'--thumbprint=${THUMBPRINT}' '--name=buildenv-dev' '--compute-resource=build-cluster/buildenv-dev' ` +
        `'--image-store=vsanDatastore/buildenv/dev/images' '--volume-store=vsanDatastore/buildenv/dev/volumes:default' ` +
        `'--volume-store=nfs-scratch/buildenv/dev/cache:cache' '--bridge-network=vic-bridge-dev' ` +
        `'--public-network=VM Network' '--client-network=build-clients' '--tls-cname=buildenv-dev.build.example.com' ` +
        `'--tls-server-cert='"$BUILDENV_TLS_DIR/server-cert.pem" '--tls-server-key='"$BUILDENV_TLS_DIR/server-key.pem" ` +
        `'--tls-ca='"$BUILDENV_TLS_DIR/ca.pem" '--memory=32768' '--memory-reservation=8192' '--memory-shares=normal' ` +
        `'--cpu=20000' '--cpu-reservation=4000' '--cpu-shares=high' </dev/null >&2`,
    ]) {
      assert.ok(lines.includes(expected), `missing line: ${expected}`);
    }
  });

  it("does not let a spec value that looks like the TLS path expand", () => {
    const script = createScript(realisticSpec({ bridgeNetwork: "$BUILDENV_TLS_DIR/ca.pem" }));
    assert.ok(script.includes(` '--bridge-network=$BUILDENV_TLS_DIR/ca.pem' `));
  });

  it("renders the delete script exactly", () => {
    assert.strictEqual(
      deleteScript(realisticSpec(), { force: false }),
      [
        "# buildenv: delete VCH 'buildenv-dev' with vic-machine; a VCH that is already gone is fine.",
        "# The password comes only from the environment: vic-machine reads VIC_MACHINE_PASSWORD itself.",
        "set -euo pipefail",
        "umask 077",
        `if [ -z "\${VIC_MACHINE_PASSWORD:-}" ]; then echo 'buildenv: environment variable VIC_MACHINE_PASSWORD is not set' >&2; exit 2; fi`,
        `buildenv_vic_machine=$(command -v -- 'vic-machine-linux') || { echo 'buildenv: vic-machine binary not found or not executable:' 'vic-machine-linux' >&2; exit 127; }`,
        "case $buildenv_vic_machine in /*) ;; *) buildenv_vic_machine=$PWD/$buildenv_vic_machine ;; esac",
        "BUILDENV_WORK_DIR=$(mktemp -d)",
        `trap 'rm -rf -- "$BUILDENV_WORK_DIR"' EXIT`,
        "trap 'exit 129' HUP",
        "trap 'exit 130' INT",
        "trap 'exit 143' TERM",
        `cd "$BUILDENV_WORK_DIR"`,
        "buildenv_vch_absent() {",
        `  grep -q -F 'Failed to get Virtual Container Host' "$1" &&`,
        `    { grep -q -F "Didn't find VM" "$1" || grep -q -F ' not found' "$1"; }`,
        "}",
        "set +e",
        `"$buildenv_vic_machine" 'delete' '--target=vc.example.com/dc1' '--user=svc-buildenv@vsphere.local' ` +
          `'--thumbprint=${THUMBPRINT}' '--name=buildenv-dev' '--compute-resource=build-cluster/buildenv-dev' ` +
          `</dev/null 2>&1 | tee "$BUILDENV_WORK_DIR/delete-output.log"`,
        "buildenv_status=${PIPESTATUS[0]}",
        "set -e",
        `if [ "$buildenv_status" -ne 0 ]; then`,
        `  if buildenv_vch_absent "$BUILDENV_WORK_DIR/delete-output.log"; then`,
        "    echo 'buildenv: VCH' 'buildenv-dev' 'no longer exists; nothing to delete'",
        "    exit 0",
        "  fi",
        `  exit "$buildenv_status"`,
        "fi",
        "",
      ].join("\n"),
    );
  });

  it("passes --force to delete only when asked and never to create", () => {
    const forced = deleteScript(realisticSpec(), { force: true });
    assert.ok(
      forced.includes(`'--compute-resource=build-cluster/buildenv-dev' '--force' </dev/null`),
    );
    assert.ok(!deleteScript(realisticSpec(), { force: false }).includes("--force"));
    const create = createScript(realisticSpec());
    for (const forbidden of ["--force", "--no-tls", "--password", "set -x"]) {
      assert.ok(!create.includes(forbidden), forbidden);
    }
  });
});

describe("parseDockerEndpoint", () => {
  it("reads the endpoint from vic-machine create output", () => {
    assert.deepStrictEqual(parseDockerEndpoint(fixture("vic-inspect-create-output.txt")), {
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

  it("reads the endpoint through the colour codes of the older logrus format", () => {
    assert.deepStrictEqual(parseDockerEndpoint(fixture("vic-inspect-legacy-logrus.txt")), {
      address: "192.168.1.10",
      dockerHost: "tcp://192.168.1.10:2376",
    });
  });

  it("takes the last endpoint when create and inspect output are concatenated", () => {
    const running = fixture("vic-inspect-running.txt").replace(
      /10\.20\.0\.15/g,
      "vch-dev.build.example.com",
    );
    assert.deepStrictEqual(
      parseDockerEndpoint(fixture("vic-inspect-create-output.txt") + running),
      {
        address: "vch-dev.build.example.com",
        dockerHost: "tcp://vch-dev.build.example.com:2376",
      },
    );
  });

  it("throws a clear error when there is no endpoint", () => {
    assert.throws(() => parseDockerEndpoint(fixture("vic-inspect-not-found.txt")), {
      message:
        'No Docker endpoint in vic-machine output: expected a "DOCKER_HOST=<address>:2376" line ' +
        'under "Docker environment variables:"',
    });
  });

  it("refuses an endpoint without TLS", () => {
    const plain = fixture("vic-inspect-running.txt").replace(
      "DOCKER_TLS_VERIFY=1 DOCKER_HOST=10.20.0.15:2376",
      "DOCKER_HOST=10.20.0.15:2375",
    );
    assert.throws(() => parseDockerEndpoint(plain), {
      message:
        "VCH Docker endpoint 10.20.0.15:2375 is not the TLS port 2376: the VCH serves the Docker API without TLS",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The scripts, run for real by bash against a fake vic-machine.

const PASSWORD = "S3cr3t-P@ss'w\"ord $(id)";
const PEMS = {
  BUILDENV_TLS_CA: "-----BEGIN CERTIFICATE-----\nTESTCAMATERIAL\n-----END CERTIFICATE-----",
  BUILDENV_TLS_SERVER_CERT:
    "-----BEGIN CERTIFICATE-----\nTESTSERVERCERT\n-----END CERTIFICATE-----",
  BUILDENV_TLS_SERVER_KEY:
    "-----BEGIN PRIVATE KEY-----\nTESTKEYMATERIAL\n-----END PRIVATE KEY-----",
};
const SECRETS = [PASSWORD, "TESTCAMATERIAL", "TESTSERVERCERT", "TESTKEYMATERIAL"];

/**
 * Records its argv, how it was started and what it could see into $FAKE_VIC_RECORD, then acts
 * like vic-machine: the VCH exists while $FAKE_VIC_STATE exists.
 */
const FAKE_VIC_MACHINE = `#!/bin/bash
set -eu
{
  echo "== $1"
  echo "argv0 $0"
  echo "cwd $(pwd)"
  echo "stdin $(readlink /proc/self/fd/0)"
  if [ "\${VIC_MACHINE_PASSWORD:-}" = "$FAKE_EXPECTED_PASSWORD" ]; then echo "password ok"; else echo "password wrong"; fi
  echo "tls-env \${BUILDENV_TLS_CA:+ca}\${BUILDENV_TLS_SERVER_CERT:+cert}\${BUILDENV_TLS_SERVER_KEY:+key}"
  for arg in "$@"; do printf 'arg %s\\n' "$arg"; done
  for arg in "$@"; do
    case $arg in
      --tls-ca=*|--tls-server-cert=*|--tls-server-key=*)
        file=\${arg#*=}
        printf 'file %s %s %s %s\\n' "$file" "$(stat -c %a "$file")" "$(stat -c %a "\${file%/*}")" "$(tr '\\n' '|' < "$file")"
        ;;
    esac
  done
} >> "$FAKE_VIC_RECORD"
broken() {
  echo "Oct 15 2018 08:58:40.012-07:00 INFO  ### $2 ####"
  echo "Oct 15 2018 08:58:40.233-07:00 ERROR Failed to verify certificate for target=vc.example.com (thumbprint=3F:9A:5C:11:08:B2:7E:4D:90:AA:61:0C:D3:2F:88:19:E4:76:05:BC)"
  echo "Oct 15 2018 08:58:40.233-07:00 ERROR --------------------"
  echo "Oct 15 2018 08:58:40.233-07:00 ERROR vic-machine-linux $1 failed: $1 failed"
  exit 1
}
case $1 in
  inspect)
    if [ "\${FAKE_VIC_BROKEN:-}" = 1 ]; then broken inspect "Inspecting VCH"; fi
    if [ -e "$FAKE_VIC_STATE" ]; then
      cat "$FAKE_VIC_FIXTURES/vic-inspect-running.txt"
    else
      cat "$FAKE_VIC_FIXTURES/vic-inspect-not-found.txt"
      exit 1
    fi
    ;;
  create)
    case \${FAKE_VIC_CREATE:-ok} in
      fail) echo "Oct 15 2018 09:02:11.310-07:00 ERROR Failed to create VCH: datastore full"; exit 1 ;;
      term) kill -TERM "$PPID" ;;
    esac
    : > "$FAKE_VIC_STATE"
    cat "$FAKE_VIC_FIXTURES/vic-inspect-create-output.txt"
    ;;
  delete)
    if [ "\${FAKE_VIC_BROKEN:-}" = 1 ]; then broken delete "Removing VCH"; fi
    if [ -e "$FAKE_VIC_STATE" ]; then
      rm -f -- "$FAKE_VIC_STATE"
      echo "Oct 15 2018 10:30:02.118-07:00 INFO  ### Removing VCH ####"
      echo "Oct 15 2018 10:30:41.902-07:00 INFO  Completed successfully"
    else
      sed -e 's/### Inspecting VCH ####/### Removing VCH ####/' -e 's/inspect failed/delete failed/g' \\
        "$FAKE_VIC_FIXTURES/vic-inspect-not-found.txt"
      exit 1
    fi
    ;;
esac
`;

interface FakeCall {
  command: string;
  argv0: string;
  cwd: string;
  stdin: string;
  password: string;
  tlsEnv: string;
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
        password: "",
        tlsEnv: "",
        args: [],
        files: [],
      });
      continue;
    }
    const call = calls[calls.length - 1];
    if (key === "argv0") call.argv0 = value;
    else if (key === "cwd") call.cwd = value;
    else if (key === "stdin") call.stdin = value;
    else if (key === "password") call.password = value;
    else if (key === "tls-env") call.tlsEnv = value;
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

  function expectedArgs(args: string[], tlsDir: string): string[] {
    return args.map((arg) => arg.replace("$BUILDENV_TLS_DIR", tlsDir));
  }

  it("creates a missing VCH with the TLS files private while vic-machine runs, then inspects it", () => {
    const spec = realisticSpec();
    const result = run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create", "inspect"],
    );
    const create = result.calls[1];
    const tlsDir = create.cwd;
    assert.strictEqual(path.dirname(tlsDir), tmpDir);
    assert.deepStrictEqual(create.args, expectedArgs(vicCreateArgs(spec), tlsDir));
    assert.deepStrictEqual(create.files, [
      {
        path: `${tlsDir}/server-cert.pem`,
        mode: "600",
        dirMode: "700",
        content: "-----BEGIN CERTIFICATE-----|TESTSERVERCERT|-----END CERTIFICATE-----|",
      },
      {
        path: `${tlsDir}/server-key.pem`,
        mode: "600",
        dirMode: "700",
        content: "-----BEGIN PRIVATE KEY-----|TESTKEYMATERIAL|-----END PRIVATE KEY-----|",
      },
      {
        path: `${tlsDir}/ca.pem`,
        mode: "600",
        dirMode: "700",
        content: "-----BEGIN CERTIFICATE-----|TESTCAMATERIAL|-----END CERTIFICATE-----|",
      },
    ]);
    for (const call of result.calls) {
      assert.deepStrictEqual(
        [call.argv0, call.cwd, call.stdin, call.password, call.tlsEnv],
        [path.join(binDir, "vic-machine-linux"), tlsDir, "/dev/null", "ok", ""],
      );
    }
    assert.deepStrictEqual(result.calls[0].args, vicInspectArgs(spec));
    assert.deepStrictEqual(result.calls[2].args, vicInspectArgs(spec));

    // Only the final inspect reaches stdout, so it parses to exactly one endpoint.
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
    assert.deepStrictEqual(parseDockerEndpoint(result.stdout), {
      address: "10.20.0.15",
      dockerHost: "tcp://10.20.0.15:2376",
    });
    assert.ok(
      result.stderr.includes("buildenv: VCH buildenv-dev does not exist yet; creating it\n"),
    );
    assert.ok(result.stderr.includes(fixture("vic-inspect-create-output.txt")));

    assert.strictEqual(fs.existsSync(tlsDir), false);
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
    assertNoSecrets(result);
  });

  it("skips create when the VCH already exists", () => {
    fs.writeFileSync(state, "");
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

  it("refuses to run without the server key", () => {
    const result = run(createScript(realisticSpec()), {}, ["BUILDENV_TLS_SERVER_KEY"]);

    assert.strictEqual(result.status, 2);
    assert.strictEqual(
      result.stderr,
      "buildenv: environment variable BUILDENV_TLS_SERVER_KEY is not set\n",
    );
    assert.deepStrictEqual(result.calls, []);
  });

  it("runs a binary given by relative path through its absolute path", () => {
    fs.writeFileSync(state, "");
    const result = run(createScript(realisticSpec({ vicMachine: "./bin/vic-machine-linux" })), {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
    });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.argv0),
      [`${root}/./bin/vic-machine-linux`, `${root}/./bin/vic-machine-linux`],
    );
  });

  it("fails clearly when the binary is missing", () => {
    const result = run(
      createScript(realisticSpec({ vicMachine: "/nonexistent/vic-machine-linux" })),
    );

    assert.strictEqual(result.status, 127);
    assert.strictEqual(
      result.stderr,
      "buildenv: vic-machine binary not found or not executable: /nonexistent/vic-machine-linux\n",
    );
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
  });

  it("deletes an existing VCH without --force", () => {
    fs.writeFileSync(state, "");
    const spec = realisticSpec();
    const result = run(deleteScript(spec, { force: false }), {}, Object.keys(PEMS));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(result.calls.length, 1);
    assert.deepStrictEqual(result.calls[0].args, vicDeleteArgs(spec, { force: false }));
    assert.deepStrictEqual(
      [result.calls[0].argv0, result.calls[0].stdin, result.calls[0].password],
      [path.join(binDir, "vic-machine-linux"), "/dev/null", "ok"],
    );
    assert.strictEqual(fs.existsSync(state), false);
    assert.strictEqual(
      result.stdout,
      "Oct 15 2018 10:30:02.118-07:00 INFO  ### Removing VCH ####\n" +
        "Oct 15 2018 10:30:41.902-07:00 INFO  Completed successfully\n",
    );
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
    assertNoSecrets(result);
  });

  it("deletes with --force when asked", () => {
    fs.writeFileSync(state, "");
    const spec = realisticSpec();
    const result = run(deleteScript(spec, { force: true }));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(result.calls[0].args, [
      ...vicDeleteArgs(spec, { force: false }),
      "--force",
    ]);
  });

  it("succeeds when the VCH to delete no longer exists", () => {
    const result = run(deleteScript(realisticSpec(), { force: false }));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["delete"],
    );
    assert.ok(
      result.stdout.endsWith(
        "vic-machine-linux delete failed: delete failed\n" +
          "buildenv: VCH buildenv-dev no longer exists; nothing to delete\n",
      ),
    );
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
  });

  it("fails the delete when vic-machine fails for another reason", () => {
    fs.writeFileSync(state, "");
    const result = run(deleteScript(realisticSpec(), { force: false }), { FAKE_VIC_BROKEN: "1" });

    assert.strictEqual(result.status, 1);
    assert.ok(result.stdout.endsWith("vic-machine-linux delete failed: delete failed\n"));
    assert.strictEqual(fs.existsSync(state), true);
    assert.deepStrictEqual(fs.readdirSync(tmpDir), []);
  });
});
