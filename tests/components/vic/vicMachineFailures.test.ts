/**
 * What the scripts take as a failure although vic-machine exits 0 (a recovered panic, a usage
 * error, a missing success line), a half-made VCH, the firewall refusal, and the log tail a
 * failure prints: run by bash against the fake vic-machine answering as the real one does.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import {
  createScript,
  deleteScript,
  updateScript,
  vicCreateArgs,
  vicDeleteArgs,
  vicFirewallAllowArgs,
  vicInspectArgs,
} from "../../../components/vic/vicMachine";
import {
  OPS_PASSWORD,
  PASSWORD,
  THUMBPRINT,
  expectedArgs,
  realisticSpec,
  useFakeVicMachine,
} from "../../support/fakeVicMachine";
import { readFixture } from "../../support/stack";

const PANIC =
  'buildenv: vic-machine panicked (it printed "... failed, please check log file vic-machine.log for details" and exited 0); taking that as a failure\n';

describe("vicMachine scripts: what counts as a failure (fake vic-machine answering as the real one)", () => {
  const vic = useFakeVicMachine();

  it("fails a create whose vic-machine panics and exits 0, with the reason, and inspects no further", () => {
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_CREATE: "panic" });

    assert.strictEqual(result.status, 70);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create"],
    );
    assert.strictEqual(result.stdout, "");
    assert.ok(result.stderr.endsWith(readFixture("vic-create-panic.txt") + PANIC), result.stderr);
  });

  it("does not adopt a VCH whose inspect panics and exits 0", () => {
    // inspect.go's likely panic: version.go:112-114 via upgrade_status.go:37; main.go:161-182.
    const panicked = readFixture("vic-create-panic.txt").replace(
      "### Installing VCH ####",
      "### Inspecting VCH ####",
    );
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(createScript(realisticSpec()), {
      FAKE_VIC_FIXTURES: vic.fixturesWith({ "vic-inspect-running.txt": panicked }),
    });

    assert.strictEqual(result.status, 70);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect"],
    );
    assert.ok(
      result.stderr.endsWith(
        `${panicked}${PANIC}buildenv: vic-machine inspect of VCH buildenv-dev failed (exit 70) for a reason other than a missing or half-made VCH; not creating it (see vic-machine's output above)\n`,
      ),
      result.stderr,
    );
  });

  it("fails a create that exits 0 without 'Installer completed successfully'", () => {
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_CREATE: "silent" });

    assert.strictEqual(result.status, 70);
    assert.ok(
      result.stderr.endsWith(
        "buildenv: vic-machine create exited 0 without its success line (Installer completed successfully); taking that as a failure\n",
      ),
      result.stderr,
    );
  });

  it("fails a configure that panics or refuses its command line with exit 0", () => {
    fs.writeFileSync(vic.state, "0");
    const panicked = vic.run(updateScript(realisticSpec()), { FAKE_VIC_CONFIGURE: "panic" });
    assert.strictEqual(panicked.status, 70);
    assert.ok(
      panicked.stderr.endsWith(`${PANIC}buildenv: vic-machine configure failed (exit 70)\n`),
      panicked.stderr,
    );

    const usage = vic.run(updateScript(realisticSpec()), { FAKE_VIC_CONFIGURE: "usage" });
    assert.strictEqual(usage.status, 64);
    assert.ok(
      usage.stderr.endsWith(
        "buildenv: vic-machine refused its command line (Incorrect Usage:) and exited 0; taking that as a failure\n" +
          "buildenv: vic-machine configure failed (exit 64)\n",
      ),
      usage.stderr,
    );
  });

  it("fails a delete whose vic-machine panics and exits 0, leaving the VCH in the state", () => {
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(deleteScript(realisticSpec(), { force: false }), {
      FAKE_VIC_DELETE: "panic",
    });

    assert.strictEqual(result.status, 70);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["delete"],
    );
    assert.ok(result.stderr.endsWith(readFixture("vic-delete-panic.txt") + PANIC), result.stderr);
    assert.strictEqual(fs.existsSync(vic.state), true);
  });

  it("fails a delete that reports success while inspect still finds the VCH", () => {
    fs.writeFileSync(vic.state, "0");
    const spec = realisticSpec();
    const result = vic.run(deleteScript(spec, { force: false }), { FAKE_VIC_DELETE: "kept" });

    assert.strictEqual(result.status, 1);
    assert.deepStrictEqual(
      result.calls.map((call) => [call.command, call.args]),
      [
        ["delete", vicDeleteArgs(spec, { force: false })],
        ["inspect", vicInspectArgs(spec)],
      ],
    );
    assert.ok(
      result.stderr.endsWith(
        "buildenv: vic-machine delete reported success, but inspect still finds VCH buildenv-dev (exit 0); not taking it as deleted (run pulumi again once it is gone)\n",
      ),
      result.stderr,
    );
  });
});

describe("vicMachine create script: a half-made VCH (fake vic-machine)", () => {
  const vic = useFakeVicMachine();

  it("deletes a powered-off VCH a failed create left, without --force, and creates it again", () => {
    fs.writeFileSync(vic.state, "off");
    const spec = realisticSpec();
    const result = vic.run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => [call.command, call.args]),
      [
        ["inspect", vicInspectArgs(spec)],
        ["delete", vicDeleteArgs(spec, { force: false })],
        ["create", expectedArgs(vicCreateArgs(spec), result.calls[2].cwd)],
        ["inspect", vicInspectArgs(spec)],
      ],
    );
    assert.ok(
      result.stderr.includes(
        readFixture("vic-inspect-powered-off.txt") +
          "buildenv: VCH buildenv-dev is half-made (VCH is not powered on, state poweredOff), left by a create of this stack that failed; deleting it without forcing (its volume stores stay) and creating it again\n",
      ),
      result.stderr,
    );
    assert.strictEqual(result.stdout, readFixture("vic-inspect-running.txt"));
  });

  it("stops, naming the VCH, when the half-made VCH cannot be deleted", () => {
    fs.writeFileSync(vic.state, "off");
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_DELETE: "running" });

    assert.strictEqual(result.status, 1);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "delete"],
    );
    assert.ok(
      result.stderr.endsWith(
        "buildenv: could not delete the half-made VCH buildenv-dev (exit 1); it is left as it was: see vic-machine's output above\n",
      ),
      result.stderr,
    );
  });
});

describe("vicMachine scripts: the ESXi firewall rule (fake vic-machine)", () => {
  const vic = useFakeVicMachine();

  it("builds the cluster-wide update firewall --allow argv, without --name", () => {
    assert.deepStrictEqual(vicFirewallAllowArgs(realisticSpec(), "admin@vsphere.local"), [
      "update",
      "firewall",
      "--target=vc.example.com/dc1",
      "--user=admin@vsphere.local",
      `--thumbprint=${THUMBPRINT}`,
      "--compute-resource=build-cluster",
      "--allow",
    ]);
  });

  it("says who opens the firewall, and with which command, when create is refused by it", () => {
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_CREATE: "firewall" });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        readFixture("vic-create-firewall.txt") +
          'buildenv: the ESXi firewall of cluster build-cluster blocks the VCH management traffic (vic-machine: "Firewall must permit dst 2377/tcp outbound to the VCH management interface"). A vSphere administrator opens it once for the whole cluster: ' +
          `vic-machine-linux update firewall --target=vc.example.com/dc1 --user=<administrator> --thumbprint=${THUMBPRINT} --compute-resource=build-cluster --allow (then run pulumi up again)\n`,
      ),
      result.stderr,
    );
  });

  it("says the same when configure is refused by it", () => {
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(updateScript(realisticSpec()), { FAKE_VIC_CONFIGURE: "firewall" });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        readFixture("vic-configure-firewall.txt") +
          'buildenv: the ESXi firewall of cluster build-cluster blocks the VCH management traffic (vic-machine: "Firewall must permit dst 2377/tcp outbound to the VCH management interface"). A vSphere administrator opens it once for the whole cluster: ' +
          `vic-machine-linux update firewall --target=vc.example.com/dc1 --user=<administrator> --thumbprint=${THUMBPRINT} --compute-resource=build-cluster --allow (then run pulumi up again)\n`,
      ),
      result.stderr,
    );
  });
});

describe("vicMachine scripts: vic-machine.log's tail on failure (fake vic-machine)", () => {
  const vic = useFakeVicMachine();

  // vic-machine.log's format: pkg/log/text_formatter.go:42, 54-58. The SDK URL line is
  // pkg/vsphere/session/errors.go:26 with the URL common/target.go:115 puts the password in;
  // the user/password line and the PEM block are not VIC's: they prove the filter.
  const url = `https://${encodeURIComponent("svc-buildenv@vsphere.local")}:${encodeURIComponent(PASSWORD)}@vc.example.com/sdk`;
  const log = [
    "Oct 15 2018 09:02:11.000-07:00 INFO  op=4242.1: ### Installing VCH ####",
    `Oct 15 2018 09:02:12.000-07:00 ERROR op=4242.1: SDK URL (${url}) could not be parsed: x`,
    `Oct 15 2018 09:02:12.000-07:00 DEBUG op=4242.1: user svc-buildenv@vsphere.local password ${PASSWORD}`,
    "-----BEGIN CERTIFICATE-----",
    "TESTCAMATERIAL",
    "-----END CERTIFICATE-----",
    "Oct 15 2018 09:02:13.000-07:00 ERROR op=4242.1: Failed to create VCH: datastore full",
    "",
  ].join("\n");

  it("prints the last lines, with no credential, user, password or PEM, before the cleanup", () => {
    const logFile = path.join(vic.root, "vic-log.txt");
    fs.writeFileSync(logFile, log);
    const result = vic.run(createScript(realisticSpec()), {
      FAKE_VIC_CREATE: "fail",
      FAKE_VIC_LOG: logFile,
    });

    assert.strictEqual(result.status, 1);
    // Two calls appended to the log (inspect, create), as vic-machine appends (main.go:145).
    const filtered = [
      "Oct 15 2018 09:02:11.000-07:00 INFO  op=4242.1: ### Installing VCH ####",
      "Oct 15 2018 09:02:12.000-07:00 ERROR op=4242.1: SDK URL (https://<credentials>@vc.example.com/sdk) could not be parsed: x",
      "Oct 15 2018 09:02:12.000-07:00 DEBUG op=4242.1: user <user> password <password>",
      "Oct 15 2018 09:02:13.000-07:00 ERROR op=4242.1: Failed to create VCH: datastore full",
    ].join("\n");
    assert.ok(
      result.stderr.endsWith(
        `buildenv: the last 60 lines of vic-machine.log, secrets filtered:\n${filtered}\n${filtered}\n`,
      ),
      result.stderr,
    );
    for (const secret of [
      PASSWORD,
      encodeURIComponent(PASSWORD),
      "TESTCAMATERIAL",
      "svc-buildenv",
    ]) {
      assert.ok(!result.stderr.includes(secret), `stderr leaks ${secret}`);
    }
    assert.deepStrictEqual(fs.readdirSync(vic.tmpDir), []);
  });

  it("filters the ops password too", () => {
    const logFile = path.join(vic.root, "vic-log.txt");
    fs.writeFileSync(
      logFile,
      `Oct 15 2018 09:02:12.000-07:00 DEBUG op=4242.1: ops ${OPS_PASSWORD}\n`,
    );
    const result = vic.run(createScript(realisticSpec({ opsUser: "vch-ops@vsphere.local" })), {
      FAKE_VIC_CREATE: "fail",
      FAKE_VIC_LOG: logFile,
      BUILDENV_OPS_PASSWORD: OPS_PASSWORD,
    });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        "buildenv: the last 60 lines of vic-machine.log, secrets filtered:\n" +
          "Oct 15 2018 09:02:12.000-07:00 DEBUG op=4242.1: ops <password>\n".repeat(2),
      ),
      result.stderr,
    );
  });

  it("prints no log when the script succeeds", () => {
    const logFile = path.join(vic.root, "vic-log.txt");
    fs.writeFileSync(logFile, log);
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_LOG: logFile });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.ok(!result.stderr.includes("vic-machine.log"), result.stderr);
  });
});
