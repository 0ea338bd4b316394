import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

import {
  deleteScript,
  updateScript,
  vicConfigureArgs,
  vicDeleteArgs,
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

describe("vicMachine update and delete scripts (run by bash against a fake vic-machine)", () => {
  const vic = useFakeVicMachine();

  it("configures in place, then inspects", () => {
    fs.writeFileSync(vic.state, "0");
    const spec = realisticSpec();
    const result = vic.run(updateScript(spec));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["configure", "inspect"],
    );
    const configure = result.calls[0];
    assert.deepStrictEqual(configure.args, expectedArgs(vicConfigureArgs(spec), configure.cwd));
    assert.deepStrictEqual(configure.files, tlsFiles(configure.cwd));
    assert.strictEqual(configure.secretEnv, "BUILDENV_TLS_DIR");
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
    assert.ok(result.stderr.includes(fixture("vic-configure-success.txt")));
    vic.assertNoSecrets(result);
  });

  it("makes the VCH again when configure finds it gone", () => {
    const spec = realisticSpec();
    // vic-configure-*: configure.go:412-415 logs the same not-found lines as inspect.
    const fixtures = vic.fixturesWith({
      "vic-configure-success.txt": fixture("vic-inspect-not-found.txt")
        .replace("### Inspecting VCH ####", "### Configuring VCH ####")
        .replace(/inspect failed/g, "configure failed"),
    });
    const fake = fs
      .readFileSync(path.join(vic.binDir, "vic-machine-linux"), "utf8")
      .replace(
        "    out vic-configure-success.txt\n",
        "    out vic-configure-success.txt; exit 1\n",
      );
    fs.writeFileSync(path.join(vic.binDir, "vic-machine-linux"), fake);
    const result = vic.run(updateScript(spec), { FAKE_VIC_FIXTURES: fixtures });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => call.command),
      ["configure", "create", "inspect"],
    );
    assert.ok(result.stderr.includes("buildenv: VCH buildenv-dev does not exist; creating it\n"));
    assert.strictEqual(result.stdout, fixture("vic-inspect-running.txt"));
  });

  it("says a VCH must be upgraded before configure can change it", () => {
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(updateScript(realisticSpec()), { FAKE_VIC_CONFIGURE: "upgrade" });

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
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(updateScript(realisticSpec()), { FAKE_VIC_CONFIGURE: "store" });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        "buildenv: VIC cannot change or remove a volume store of an existing VCH, only add one; to move or remove a store, replace the VCH (pulumi up --replace on its command; without disposable volumes its stores are kept)\n",
      ),
      result.stderr,
    );
  });

  it("deletes an existing VCH without --force, with no TLS material in its environment", () => {
    fs.writeFileSync(vic.state, "0");
    const spec = realisticSpec();
    // The Command hands delete the same environment as create: the PEMs and the ops password.
    const result = vic.run(deleteScript(spec, { force: false }), {
      BUILDENV_OPS_PASSWORD: OPS_PASSWORD,
      BUILDENV_REGISTRY_CA: REGISTRY_CA,
    });

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.calls.map((call) => [call.command, call.args, call.password, call.secretEnv]),
      [
        ["delete", vicDeleteArgs(spec, { force: false }), "ok", "BUILDENV_TLS_DIR"],
        // ...and inspect confirms it is gone before the delete counts as done.
        ["inspect", vicInspectArgs(spec), "ok", "BUILDENV_TLS_DIR"],
      ],
    );
    assert.ok(
      result.stderr.endsWith("buildenv: VCH buildenv-dev is gone (inspect no longer finds it)\n"),
    );
    assert.strictEqual(result.calls[0].files.length, 0);
    assert.strictEqual(fs.existsSync(vic.state), false);
    assert.ok(result.stderr.includes(fixture("vic-delete-success.txt")));
    vic.assertNoSecrets(result);
  });

  it("deletes with --force when asked", () => {
    fs.writeFileSync(vic.state, "0");
    const spec = realisticSpec();
    const result = vic.run(deleteScript(spec, { force: true }));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(result.calls[0].args, vicDeleteArgs(spec, { force: true }));
  });

  it("succeeds when the VCH to delete no longer exists", () => {
    const result = vic.run(deleteScript(realisticSpec(), { force: false }));

    assert.strictEqual(result.status, 0, result.stderr);
    assert.ok(
      result.stderr.endsWith("buildenv: VCH buildenv-dev no longer exists; nothing to delete\n"),
    );
  });

  it("names the running containers that keep the VCH from being deleted", () => {
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(deleteScript(realisticSpec(), { force: false }), {
      FAKE_VIC_DELETE: "running",
    });

    assert.strictEqual(result.status, 1);
    assert.ok(
      result.stderr.endsWith(
        "buildenv: VCH buildenv-dev still runs these containers: db-77aa01c2e9f4 web-3f2a9c1b7d0e. Stop and remove them (docker rm -f on the VCH), then run pulumi again; the VCH is left as it was\n",
      ),
      result.stderr,
    );
    assert.strictEqual(fs.existsSync(vic.state), true);
  });

  it("says a VCH of another VIC version must be upgraded before it can be deleted", () => {
    fs.writeFileSync(vic.state, "0");
    const result = vic.run(deleteScript(realisticSpec(), { force: false }), {
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
