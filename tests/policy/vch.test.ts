import * as assert from "assert";
import * as buildenv from "../../policy/policies";
import { VCH_CREATE, VCH_DELETE, checkResource } from "../support/policyChecks";

describe("VCH TLS policy", () => {
  const p = buildenv.vchTlsPolicy;
  const check = (props: Record<string, unknown>) => checkResource(p, buildenv.COMMAND_TYPE, props);

  it("passes a VCH whose delete, but not create, passes --force", () => {
    assert.deepStrictEqual(check({ create: VCH_CREATE, delete: VCH_DELETE }), []);
  });

  it("reports each TLS-disabling flag in any script, matching flags as whole words", () => {
    const create = `${VCH_CREATE} --no-tlsverify`;
    const del = `NO_TLS="--no-tls=true"\n${VCH_DELETE} $NO_TLS`;
    assert.deepStrictEqual(
      check({ create, update: `${VCH_CREATE} --no-tls-verify`, delete: del }),
      [
        "VCH create script passes --no-tlsverify, which disables TLS verification.",
        "VCH update script passes --no-tls-verify, which disables TLS verification.",
        "VCH delete script passes --no-tls, which disables TLS verification.",
      ],
    );
  });

  it("reports a forced create", () => {
    assert.deepStrictEqual(check({ create: `${VCH_CREATE} --force=true`, delete: VCH_DELETE }), [
      "VCH create script passes --force, which re-installs over an existing VCH and ignores warnings.",
    ]);
  });

  it("does not mistake longer flags for --force", () => {
    assert.deepStrictEqual(
      check({ create: `${VCH_CREATE} --force-recreate`, delete: VCH_DELETE }),
      [],
    );
  });

  it("is not applicable to commands that do not run vic-machine", () => {
    assert.deepStrictEqual(check({ create: "docker volume rm --force scratch" }), {
      notApplicable: "Policy only applies to commands that run vic-machine",
    });
  });
});

describe("VCH volume store folder policy", () => {
  const p = buildenv.vchVolumeStoreFolderPolicy;
  const check = (props: Record<string, unknown>) => checkResource(p, buildenv.COMMAND_TYPE, props);
  const create = (stores: string) =>
    `vic-machine-linux create '--name=buildenv-alice' ${stores} '--tls-cname=vch.example.org'`;

  it("passes stores in folders of the VCH's own, in either flag spelling", () => {
    assert.deepStrictEqual(check({ create: VCH_CREATE }), []);
    assert.deepStrictEqual(
      check({
        create: create(
          "'--volume-store=vsanDatastore/vch/buildenv-alice:default' --volume-store nfs/a/vch/buildenv-alice:archive",
        ),
      }),
      [],
    );
  });

  it("rejects the shared folder every shipped config used, and a datastore root", () => {
    assert.deepStrictEqual(
      check({
        create: create(
          "'--volume-store=vsanDatastore/buildenv/volumes:default' '--volume-store=nfs:archive'",
        ),
      }),
      [
        'VCH "buildenv-alice" volume store "vsanDatastore/buildenv/volumes:default": folder "buildenv/volumes" could hold another VCH\'s volumes; use "vch/buildenv-alice" or "<folder>/vch/buildenv-alice", a folder of this VCH\'s own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH\'s volumes directly under it).',
        'VCH "buildenv-alice" volume store "nfs:archive": folder "" is not a folder of this VCH\'s own; use "vch/buildenv-alice" or "<folder>/vch/buildenv-alice", a folder of this VCH\'s own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH\'s volumes directly under it).',
      ],
    );
  });

  it("rejects another VCH's folder, and a folder that could contain another VCH's", () => {
    const problems = check({
      create: create(
        "'--volume-store=ds/vch/buildenv-bob:default' '--volume-store=ds/vch/x/vch/buildenv-alice:b'",
      ),
    });
    assert.deepStrictEqual(
      (problems as string[]).map((m) => m.split(":")[0]),
      [
        'VCH "buildenv-alice" volume store "ds/vch/buildenv-bob',
        'VCH "buildenv-alice" volume store "ds/vch/x/vch/buildenv-alice',
      ],
    );
  });

  it("is not applicable to commands that do not run vic-machine", () => {
    assert.deepStrictEqual(check({ create: "docker volume create x" }), {
      notApplicable: "Policy only applies to commands that run vic-machine",
    });
  });
});

describe("flagsInScript", () => {
  it("finds bare, quoted and valued flags but not flags they prefix", () => {
    assert.deepStrictEqual(buildenv.flagsInScript(`a "--no-tls" b`, buildenv.TLS_DISABLING_FLAGS), [
      "--no-tls",
    ]);
    assert.deepStrictEqual(
      buildenv.flagsInScript("a --no-tlsverify=true", buildenv.TLS_DISABLING_FLAGS),
      ["--no-tlsverify"],
    );
    assert.deepStrictEqual(
      buildenv.flagsInScript("a --x-no-tls x--no-tls --tls", buildenv.TLS_DISABLING_FLAGS),
      [],
    );
  });
});

describe("VCH in the farm pool policy", () => {
  const p = buildenv.vchInFarmPoolPolicy;
  const withCompute = (value: string) =>
    VCH_CREATE.replace("'build-cluster/Resources/buildenv'", `'${value}'`);

  it("accepts a create into <cluster>/Resources/<pool>", () => {
    assert.deepStrictEqual(
      checkResource(p, buildenv.COMMAND_TYPE, { create: VCH_CREATE, delete: VCH_DELETE }),
      [],
    );
  });

  it("refuses a VCH made directly in the cluster, or in a pool path VIC refuses", () => {
    for (const value of ["build-cluster", "build-cluster/buildenv"]) {
      assert.deepStrictEqual(
        checkResource(p, buildenv.COMMAND_TYPE, { create: withCompute(value) }),
        [
          `VCH create script passes --compute-resource=${value}, outside the build farm's pool; use <cluster>/Resources/<pool> (buildenv:farm).`,
        ],
      );
    }
  });

  it("refuses a create that names no compute resource", () => {
    const create = VCH_CREATE.replace(
      "  --compute-resource 'build-cluster/Resources/buildenv' \\\n",
      "",
    );
    assert.deepStrictEqual(checkResource(p, buildenv.COMMAND_TYPE, { create }), [
      "VCH create script passes no --compute-resource; give the farm pool, <cluster>/Resources/<pool> (buildenv:farm).",
    ]);
  });

  it("does not apply to commands that do not run vic-machine", () => {
    assert.deepStrictEqual(checkResource(p, buildenv.COMMAND_TYPE, { create: "echo hi" }), {
      notApplicable: "Policy only applies to commands whose create runs vic-machine",
    });
  });
});

describe("farm pool limit policy", () => {
  const p = buildenv.farmPoolLimitPolicy;
  const pool = (limits: Record<string, unknown>) => ({
    name: "buildenv",
    parentResourcePoolId: "resgroup-8",
    ...limits,
  });

  it("accepts a CPU or a memory limit", () => {
    for (const limits of [{ cpuLimit: 200000 }, { memoryLimit: 1048576, cpuLimit: -1 }]) {
      assert.deepStrictEqual(checkResource(p, buildenv.RESOURCE_POOL_TYPE, pool(limits)), []);
    }
  });

  it("refuses a pool unlimited in both (absent or -1)", () => {
    for (const limits of [{}, { cpuLimit: -1, memoryLimit: -1 }]) {
      assert.deepStrictEqual(checkResource(p, buildenv.RESOURCE_POOL_TYPE, pool(limits)), [
        'Resource pool "buildenv" has no CPU or memory limit; set buildenv:farm.cpuLimitMHz or memoryLimitMB.',
      ]);
    }
  });
});
