import * as assert from "assert";
import * as childProcess from "child_process";
import * as fs from "fs";
import * as path from "path";

import {
  createScript,
  deleteScript,
  scriptInterpreter,
  updateScript,
  VchSpec,
} from "../../../components/vic/vicMachine";
import { THUMBPRINT, realisticSpec } from "../../support/fakeVicMachine";
import { FIXTURES_DIR } from "../../support/stack";

const FIXTURES = FIXTURES_DIR;

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
          "|| buildenv_status=$?; " +
          // Exit 0 is success only with create's last line (create.go:761).
          'if [ "$buildenv_status" -eq 0 ]; then buildenv_vic_succeeded "$BUILDENV_TLS_DIR/create.log" ' +
          `'level=info msg="Installer completed successfully" ' create 'Installer completed successfully' || buildenv_status=$?; fi`,
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
    // Every argument is single-quoted; the messages may name the flag.
    assert.doesNotMatch(createScript(spec), /'--force'/);
    assert.doesNotMatch(updateScript(spec), /'--force'/);
    assert.doesNotMatch(deleteScript(spec, { force: false }), /'--force'/);
    assert.match(deleteScript(spec, { force: true }), /'--force'/);
  });
});
