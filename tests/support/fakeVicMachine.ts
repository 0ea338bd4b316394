/**
 * A fake vic-machine for the script tests: a bash script that records how it was started and
 * answers as the real one does with the fixtures in tests/fixtures/vic-*.txt (each opens with
 * `# ` lines naming the vmware/vic source, file:line, every line of it comes from), and the
 * realistic spec the tests render scripts from.
 */
import * as assert from "assert";
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { VchSpec } from "../../components/vic/vicMachine";
import { scriptInterpreter } from "../../components/vic/vicMachine";
import { FIXTURES_DIR } from "./stack";

const FIXTURES = FIXTURES_DIR;

export const THUMBPRINT = "3F:9A:5C:11:08:B2:7E:4D:90:AA:61:0C:D3:2F:88:19:E4:76:05:BB";

export function realisticSpec(overrides: Partial<VchSpec> = {}): VchSpec {
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

export const PASSWORD = "S3cr3t-P@ss'w\"ord $(id)";
export const OPS_PASSWORD = "0ps-P@ss 'w\" $(id)";
export const PEMS = {
  BUILDENV_TLS_CA: "-----BEGIN CERTIFICATE-----\nTESTCAMATERIAL\n-----END CERTIFICATE-----",
  BUILDENV_TLS_SERVER_CERT:
    "-----BEGIN CERTIFICATE-----\nTESTSERVERCERT\n-----END CERTIFICATE-----",
  BUILDENV_TLS_SERVER_KEY:
    "-----BEGIN PRIVATE KEY-----\nTESTKEYMATERIAL\n-----END PRIVATE KEY-----",
};
export const REGISTRY_CA = "-----BEGIN CERTIFICATE-----\nTESTREGISTRYCA\n-----END CERTIFICATE-----";
export const SECRETS = [
  PASSWORD,
  OPS_PASSWORD,
  "TESTCAMATERIAL",
  "TESTSERVERCERT",
  "TESTKEYMATERIAL",
];

/**
 * Records its argv, how it was started and what it could see into $FAKE_VIC_RECORD, then acts
 * like vic-machine, printing the fixtures: the VCH exists while $FAKE_VIC_STATE exists. With
 * --ops-user it reads the ops password from its terminal, as ops_credentials.go:98-109 does.
 */
export const FAKE_VIC_MACHINE = `#!/bin/bash
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
# vic-machine appends its debug log to vic-machine.log in its working directory (main.go:42, 145).
if [ -n "\${FAKE_VIC_LOG:-}" ]; then cat "$FAKE_VIC_LOG" >> vic-machine.log; fi
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
    if [ "$n" = off ]; then out vic-inspect-powered-off.txt; exit 1; fi
    if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$FAKE_VIC_STATE"; out vic-inspect-no-client-ip.txt; exit 1; fi
    out \${FAKE_VIC_INSPECT:-vic-inspect-running.txt}
    ;;
  create)
    case \${FAKE_VIC_CREATE:-ok} in
      fail) echo 'time="2018-10-15T09:02:11-07:00" level=error msg="Failed to create VCH: datastore full" '; exit 1 ;;
      term) kill -TERM "$PPID" ;;
      panic) out vic-create-panic.txt; exit 0 ;;
      firewall) out vic-create-firewall.txt; exit 1 ;;
      silent) exit 0 ;;
    esac
    echo "\${FAKE_VIC_NO_IP:-0}" > "$FAKE_VIC_STATE"
    out vic-create-success.txt
    ;;
  configure)
    case \${FAKE_VIC_CONFIGURE:-ok} in
      panic) out vic-create-panic.txt; exit 0 ;;
      # cli.v1/command.go:147-156 with Go's flag.go:1115 text; exit 0 (main.go:182)
      usage) echo 'Incorrect Usage: flag provided but not defined: -volume-stor'; exit 0 ;;
      upgrade) out vic-configure-upgrade-needed.txt; exit 1 ;;
      firewall) out vic-configure-firewall.txt; exit 1 ;;
      store) out vic-configure-volume-store-changed.txt; exit 1 ;;
    esac
    out vic-configure-success.txt
    ;;
  delete)
    if [ ! -e "$FAKE_VIC_STATE" ]; then out vic-delete-not-found.txt; exit 1; fi
    case \${FAKE_VIC_DELETE:-ok} in
      running) out vic-delete-powered-on.txt; exit 1 ;;
      version) out vic-delete-version-mismatch.txt; exit 1 ;;
      panic) out vic-delete-panic.txt; exit 0 ;;
      kept) out vic-delete-success.txt; exit 0 ;;
    esac
    rm -f -- "$FAKE_VIC_STATE"
    out vic-delete-success.txt
    ;;
esac
`;

export interface FakeCall {
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

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: FakeCall[];
}

export function parseRecord(text: string): FakeCall[] {
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

/** A private root per test: bin/ with the fake, tmp/ as TMPDIR, the VCH's state file, the record. */
export interface FakeVicMachine {
  readonly root: string;
  readonly tmpDir: string;
  readonly binDir: string;
  /** The VCH exists while this file exists; it holds how many inspects still find no address, or `off` (half-made: vic-inspect-powered-off.txt). */
  readonly state: string;
  readonly record: string;
  run(script: string, extraEnv?: Record<string, string>, omit?: string[]): Run;
  assertNoSecrets(result: Run): void;
  /** A copy of the fixtures with some files replaced; returns its directory for the fake. */
  fixturesWith(replaced: Record<string, string>): string;
}

/** Registers the hooks that give every test of the calling `describe` a fresh fake. */
export function useFakeVicMachine(): FakeVicMachine {
  let root = "";
  const at = (name: string) => path.join(root, name);
  const vic: FakeVicMachine = {
    get root() {
      return root;
    },
    get tmpDir() {
      return at("tmp");
    },
    get binDir() {
      return at("bin");
    },
    get state() {
      return at("vch-exists");
    },
    get record() {
      return at("record.txt");
    },
    run(script, extraEnv = {}, omit = []) {
      const env: Record<string, string> = {
        PATH: `${vic.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        TMPDIR: vic.tmpDir,
        FAKE_VIC_RECORD: vic.record,
        FAKE_VIC_STATE: vic.state,
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
      const calls = fs.existsSync(vic.record)
        ? parseRecord(fs.readFileSync(vic.record, "utf8"))
        : [];
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
    },
    assertNoSecrets(result) {
      for (const secret of SECRETS) {
        assert.ok(!result.stdout.includes(secret), `stdout leaks ${secret}`);
        assert.ok(!result.stderr.includes(secret), `stderr leaks ${secret}`);
        for (const call of result.calls) {
          assert.ok(!call.args.some((arg) => arg.includes(secret)), `argv leaks ${secret}`);
        }
      }
    },
    fixturesWith(replaced) {
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
    },
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "vic-fake-"));
    fs.mkdirSync(vic.binDir);
    fs.mkdirSync(vic.tmpDir);
    fs.writeFileSync(path.join(vic.binDir, "vic-machine-linux"), FAKE_VIC_MACHINE, { mode: 0o755 });
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });
  return vic;
}

/** argv as vic-machine saw it: the private directory in place of `$BUILDENV_TLS_DIR`. */
export function expectedArgs(args: string[], dir: string): string[] {
  return args.map((arg) => arg.replace("$BUILDENV_TLS_DIR", dir));
}

/** The three TLS files as the fake records them in the private directory `dir`. */
export function tlsFiles(dir: string) {
  return [
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
}
