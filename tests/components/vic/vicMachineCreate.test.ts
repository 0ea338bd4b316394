import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import {
  createScript,
  parseDockerEndpoint,
  vicCreateArgs,
  vicInspectArgs,
} from "../../../components/vic/vicMachine";
import {
  OPS_PASSWORD,
  REGISTRY_CA,
  expectedArgs,
  realisticSpec,
  tlsFiles,
  useFakeVicMachine,
} from "../../support/fakeVicMachine";
import { readFixture } from "../../support/stack";

const fixture = readFixture;

describe("vicMachine create script (run by bash against a fake vic-machine)", () => {
  const vic = useFakeVicMachine();

  it("creates a missing VCH with the TLS files private while vic-machine runs, then inspects it", () => {
    const spec = realisticSpec();
    const result = vic.run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create", "inspect"],
    );
    const create = result.calls[1];
    const dir = create.cwd;
    assert.strictEqual(path.dirname(dir), vic.tmpDir);
    assert.deepStrictEqual(create.args, expectedArgs(vicCreateArgs(spec), dir));
    assert.deepStrictEqual(create.files, tlsFiles(dir));
    for (const call of result.calls) {
      // No secret stays in vic-machine's environment but the password it reads itself, and
      // stderr is a pipe, so vic-machine writes logrus's text form.
      assert.deepStrictEqual(
        [call.argv0, call.cwd, call.stdin, call.stderr, call.password, call.secretEnv],
        [
          path.join(vic.binDir, "vic-machine-linux"),
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
    assert.deepStrictEqual(fs.readdirSync(vic.tmpDir), []);
    vic.assertNoSecrets(result);
  });

  it("creates a VCH named with spaces and parentheses, every argument intact", () => {
    const spec = realisticSpec({
      name: "build (dev) 1",
      volumeStores: [{ datastore: "ds", path: "vch/build (dev) 1", label: "default" }],
    });
    const notFound = fixture("vic-inspect-not-found.txt").replace(/buildenv-dev/g, "build (dev) 1");
    // The fake answers with the not-found fixture for this name.
    const result = vic.run(createScript(spec), {
      FAKE_VIC_FIXTURES: vic.fixturesWith({ "vic-inspect-not-found.txt": notFound }),
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
      fs.rmSync(vic.record, { force: true });
      const result = vic.run(createScript(realisticSpec()), {
        FAKE_VIC_FIXTURES: vic.fixturesWith({ "vic-inspect-not-found.txt": notFound }),
      });
      assert.strictEqual(result.status, 1);
      assert.deepStrictEqual(
        result.calls.map((call) => call.command),
        ["inspect"],
      );
    }
  });

  it("skips create when the VCH already exists", () => {
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(createScript(realisticSpec()));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "inspect"],
    );
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
    assert.ok(
      result.stderr.includes("buildenv: VCH buildenv-dev already exists; not creating it again\n"),
    );
    assert.deepStrictEqual(fs.readdirSync(vic.tmpDir), []);
    vic.assertNoSecrets(result);
  });

  it("inspects again while DHCP has not given the client an address, within the wait", () => {
    const spec = realisticSpec({ addressWait: { timeoutSeconds: 30, intervalSeconds: 0 } });
    const result = vic.run(createScript(spec), { FAKE_VIC_NO_IP: "2" });

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
    fs.writeFileSync(vic.state, "2");
    const spec = realisticSpec({ addressWait: { timeoutSeconds: 30, intervalSeconds: 0 } });
    const result = vic.run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "inspect", "inspect"],
    );
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
  });

  it("gives up on a missing client address after the wait", () => {
    const spec = realisticSpec({ addressWait: { timeoutSeconds: 0, intervalSeconds: 0 } });
    const result = vic.run(createScript(spec), { FAKE_VIC_NO_IP: "5" });

    assert.strictEqual(result.status, 1);
    assert.strictEqual(result.stdout, "");
    assert.ok(
      result.stderr.endsWith(
        "buildenv: VCH buildenv-dev has no client-network address after 0s (DHCP); check the client port group, or set buildenv:host.clientNetworkIp\n",
      ),
    );
  });

  it("does not create when inspect fails for another reason", () => {
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_BROKEN: "1" });

    assert.strictEqual(result.status, 1);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect"],
    );
    assert.strictEqual(result.stdout, "");
    assert.ok(
      result.stderr.endsWith(
        "buildenv: vic-machine inspect of VCH buildenv-dev failed (exit 1) for a reason other than a missing or half-made VCH; not creating it (see vic-machine's output above)\n",
      ),
    );
    assert.deepStrictEqual(fs.readdirSync(vic.tmpDir), []);
  });

  it("types the ops password into vic-machine's prompt, never into its argv or environment", () => {
    const spec = realisticSpec({ opsUser: "vch-ops@vsphere.local", registryCa: true });
    const result = vic.run(createScript(spec), {
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
      ...tlsFiles(create.cwd),
      {
        path: `${create.cwd}/registry-ca.pem`,
        mode: "600",
        dirMode: "700",
        content: "-----BEGIN CERTIFICATE-----|TESTREGISTRYCA|-----END CERTIFICATE-----|",
      },
    ]);
    // vic-machine's own output still reaches the log, in the pipe (logrus text) form.
    assert.ok(result.stderr.includes(fixture("vic-create-success.txt")));
    vic.assertNoSecrets(result);
  });

  it("says so when util-linux script, needed for the ops password prompt, is missing", () => {
    const result = vic.run(createScript(realisticSpec({ opsUser: "ops@vsphere.local" })), {
      BUILDENV_OPS_PASSWORD: OPS_PASSWORD,
      PATH: vic.binDir,
    });
    assert.strictEqual(result.status, 127);
    assert.strictEqual(
      result.stderr,
      'buildenv: host.opsUser needs util-linux "script" on PATH to type the ops password into the vic-machine prompt\n',
    );
  });

  it("refuses to run without the ops password when there is an ops user", () => {
    const result = vic.run(createScript(realisticSpec({ opsUser: "ops@vsphere.local" })));
    assert.strictEqual(result.status, 2);
    assert.strictEqual(
      result.stderr,
      "buildenv: environment variable BUILDENV_OPS_PASSWORD is not set\n",
    );
  });

  it("removes the TLS directory when create fails", () => {
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_CREATE: "fail" });

    assert.strictEqual(result.status, 1);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create"],
    );
    assert.strictEqual(fs.existsSync(result.calls[1].cwd), false);
    assert.deepStrictEqual(fs.readdirSync(vic.tmpDir), []);
  });

  it("removes the TLS directory when the script is terminated", () => {
    const result = vic.run(createScript(realisticSpec()), { FAKE_VIC_CREATE: "term" });

    assert.strictEqual(result.status, 143);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["inspect", "create"],
    );
    assert.strictEqual(fs.existsSync(result.calls[1].cwd), false);
    assert.deepStrictEqual(fs.readdirSync(vic.tmpDir), []);
  });

  it("refuses to run without a password and writes nothing", () => {
    const result = vic.run(createScript(realisticSpec()), {}, ["VIC_MACHINE_PASSWORD"]);

    assert.strictEqual(result.status, 2);
    assert.strictEqual(
      result.stderr,
      "buildenv: environment variable VIC_MACHINE_PASSWORD is not set\n",
    );
    assert.deepStrictEqual(result.calls, []);
    assert.deepStrictEqual(fs.readdirSync(vic.tmpDir), []);
  });

  it("runs a binary given by relative path through its absolute path", () => {
    const spec = realisticSpec({ vicMachine: "./bin/vic-machine-linux" });
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(createScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.calls[0].argv0, `${vic.root}/./bin/vic-machine-linux`);
  });

  it("fails clearly when the binary is missing", () => {
    const result = vic.run(createScript(realisticSpec({ vicMachine: "/nonexistent/vic-machine" })));
    assert.strictEqual(result.status, 127);
    assert.strictEqual(
      result.stderr,
      "buildenv: vic-machine binary not found or not executable: /nonexistent/vic-machine\n",
    );
  });
});
