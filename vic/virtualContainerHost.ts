import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as vsphere from "@pulumi/vsphere";
import { ComputeClass } from "../compute/config";
import { VchHostConfig } from "./config";
import { vchSpec } from "./vchSpec";
import {
  TLS_ENV,
  VIC_PASSWORD_ENV,
  createScript,
  deleteScript,
  parseDockerEndpoint,
  scriptInterpreter,
} from "./vicMachine";

/** A client certificate for one user of the host (a developer, CI). */
export interface ClientCertificate {
  certPem: pulumi.Output<string>;
  /** Secret. */
  privateKeyPem: pulumi.Output<string>;
}

export interface VirtualContainerHostArgs {
  /** Where and how to deploy the VCH; validated by the config module. */
  host: VchHostConfig;
  stack: string;
  owner: string;
  /** Shares, limits and reservations of the stack's resource pool and of the VCH. */
  computeClass: ComputeClass;
  /**
   * Whether every volume of the stack is disposable. Only then does deleting the VCH pass
   * `--force`, which also deletes its volume stores; otherwise kept volumes survive it.
   */
  volumesDisposable: boolean;
  /** Names of the clients to issue certificates for, e.g. `["developer", "ci"]`. At least one. */
  clients: string[];
}

/** Certificates are renewed by replacing them well before they lapse. */
const CERT_VALIDITY_HOURS = 24 * 365;
const CERT_EARLY_RENEWAL_HOURS = 24 * 30;

/**
 * A vSphere Integrated Containers Virtual Container Host for one stack: a resource pool sized by
 * the stack's priority, TLS material made here (keys stay Pulumi secrets), and the VCH itself,
 * created and deleted by vic-machine. Its Docker endpoint is read from what vic-machine reports.
 */
export class VirtualContainerHost extends pulumi.ComponentResource {
  /** `tcp://<address>:2376`, as vic-machine reports it. */
  readonly dockerHost: pulumi.Output<string>;
  readonly caCertPem: pulumi.Output<string>;
  readonly clientCertificates: Record<string, ClientCertificate>;
  readonly resourcePool: vsphere.ResourcePool;
  readonly lifecycle: command.local.Command;

  constructor(
    name: string,
    args: VirtualContainerHostArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("buildenv:vsphere:VirtualContainerHost", name, {}, opts);
    const { host, computeClass } = args;
    if (args.clients.length === 0) {
      throw new Error("VirtualContainerHost: clients must name at least one client");
    }

    const datacenter = vsphere.getDatacenterOutput({ name: host.datacenter }, { parent: this });
    const cluster = vsphere.getComputeClusterOutput(
      { name: host.cluster, datacenterId: datacenter.apply((dc) => dc.id) },
      { parent: this },
    );
    this.resourcePool = new vsphere.ResourcePool(
      `${name}-pool`,
      {
        name: host.name,
        parentResourcePoolId: cluster.apply((c) => c.resourcePoolId),
        cpuShareLevel: computeClass.shares,
        cpuLimit: computeClass.cpuMHz,
        cpuReservation: computeClass.cpuReservationMHz,
        cpuExpandable: false,
        memoryShareLevel: computeClass.shares,
        memoryLimit: computeClass.memoryMB,
        memoryReservation: computeClass.memoryReservationMB,
        memoryExpandable: false,
      },
      { parent: this },
    );

    const caKey = new tls.PrivateKey(
      `${name}-ca-key`,
      { algorithm: "RSA", rsaBits: 4096 },
      { parent: this },
    );
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        subject: { commonName: `buildenv ${args.stack} CA`, organization: "buildenv" },
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        validityPeriodHours: CERT_VALIDITY_HOURS,
        earlyRenewalHours: CERT_EARLY_RENEWAL_HOURS,
      },
      { parent: this },
    );
    this.caCertPem = ca.certPem;

    const issue = (
      suffix: string,
      subject: tls.types.input.CertRequestSubject,
      usage: string,
      sans?: { dnsNames: string[]; ipAddresses: string[] },
    ) => {
      const key = new tls.PrivateKey(
        `${name}-${suffix}-key`,
        { algorithm: "RSA", rsaBits: 2048 },
        { parent: this },
      );
      const request = new tls.CertRequest(
        `${name}-${suffix}-csr`,
        { privateKeyPem: key.privateKeyPem, subject, ...(sans ?? {}) },
        { parent: this },
      );
      const cert = new tls.LocallySignedCert(
        `${name}-${suffix}-cert`,
        {
          certRequestPem: request.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: ca.certPem,
          allowedUses: ["digital_signature", "key_encipherment", usage],
          validityPeriodHours: CERT_VALIDITY_HOURS,
          earlyRenewalHours: CERT_EARLY_RENEWAL_HOURS,
        },
        { parent: this },
      );
      return { certPem: cert.certPem, privateKeyPem: key.privateKeyPem };
    };

    // vic-machine refuses a server certificate whose subject CN differs from --tls-cname.
    const server = issue(
      "server",
      { commonName: host.cname, organization: "buildenv" },
      "server_auth",
      {
        dnsNames: [host.cname],
        ipAddresses: host.ipAddresses,
      },
    );
    this.clientCertificates = {};
    for (const client of [...new Set(args.clients)].sort()) {
      this.clientCertificates[client] = issue(
        `client-${client}`,
        { commonName: `${args.owner}-${client}`, organization: "buildenv" },
        "client_auth",
      );
    }

    const thumbprint = host.thumbprint
      ? pulumi.output(host.thumbprint)
      : vsphere
          .getHostThumbprintOutput(
            { address: host.vsphere.server, insecure: host.vsphere.allowUnverifiedSsl },
            { parent: this },
          )
          .apply((result) => result.id);
    const spec = thumbprint.apply((t) => vchSpec(host, computeClass, t));

    this.lifecycle = new command.local.Command(
      `${name}-vch`,
      {
        create: spec.apply(createScript),
        delete: spec.apply((s) => deleteScript(s, { force: args.volumesDisposable })),
        interpreter: scriptInterpreter(),
        // Secrets reach vic-machine only through its environment: never argv, never the script.
        environment: {
          [VIC_PASSWORD_ENV]: host.vsphere.password,
          [TLS_ENV.ca]: ca.certPem,
          [TLS_ENV.serverCert]: server.certPem,
          [TLS_ENV.serverKey]: server.privateKeyPem,
        },
        // vic-machine changes almost nothing in place and create skips an existing VCH, so any
        // change to what the VCH is made from replaces it; the volume stores survive that.
        triggers: [spec.apply(createScript), ca.certPem, server.certPem],
      },
      {
        parent: this,
        dependsOn: [this.resourcePool],
        // Old and new share one name; the old VCH must be gone before the new one is created.
        deleteBeforeReplace: true,
      },
    );

    this.dockerHost = this.lifecycle.stdout.apply(
      (stdout) => parseDockerEndpoint(stdout).dockerHost,
    );

    this.registerOutputs({
      dockerHost: this.dockerHost,
      caCertPem: this.caCertPem,
      clientCertificates: this.clientCertificates,
      resourcePool: this.resourcePool,
      lifecycle: this.lifecycle,
    });
  }
}
