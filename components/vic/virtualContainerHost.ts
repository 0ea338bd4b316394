import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as vsphere from "@pulumi/vsphere";
import { ComputeClass } from "../compute/config";
import { VchHostConfig, cidrAddress } from "./config";
import { FarmConfig } from "./farm";
import { VsphereInventory, inventoryKey } from "./inventory";
import { vchSpec } from "./vchSpec";
import {
  OPS_PASSWORD_ENV,
  REGISTRY_CA_ENV,
  TLS_ENV,
  VIC_PASSWORD_ENV,
  createScript,
  deleteScript,
  dockerHostFor,
  parseDockerEndpoint,
  replacementKey,
  scriptInterpreter,
  updateScript,
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
  /**
   * PEM of the CA that signed the registry's certificate, given to the VCH as `--registry-ca`
   * so it can pull from a registry with a private CA. Default: none (public CAs only).
   */
  registryCa?: pulumi.Input<string>;
  /** What the host names in vSphere, as found by lookUpInventory before any resource. */
  inventory: VsphereInventory;
  /** The build farm's pool; the VCH is created inside it unless `placeVch` is false. Default: none. */
  farm?: FarmConfig;
  /**
   * The farm pool's id: the shared stack's FarmPool, or the developer stack's lookup. The VCH
   * depends on it, so it is created after the pool. Default: none (not placed in a pool).
   */
  farmPoolId?: pulumi.Input<string>;
}

/**
 * The address the Docker API is reached at: the static client-network address when there is
 * one (known before create, and in the certificate), else the cname, which must resolve to the
 * VCH (vic-machine prints a name only when reverse DNS gives one the certificate accepts,
 * dispatcher.go:391-477, so the printed address cannot be relied on).
 */
export function vchDockerAddress(host: VchHostConfig): string {
  return host.clientNetworkIp ? cidrAddress(host.clientNetworkIp) : host.cname;
}

/** Certificates are renewed by replacing them well before they lapse. */
const CERT_VALIDITY_HOURS = 24 * 365;
const CERT_EARLY_RENEWAL_HOURS = 24 * 30;

/**
 * A vSphere Integrated Containers Virtual Container Host for one stack: TLS material made here
 * (keys stay Pulumi secrets), and the VCH itself, created, configured and deleted by
 * vic-machine, in VIC's own resource pool sized by the stack's compute class. Changes
 * `vic-machine configure` can make are made in place; the rest replace the VCH.
 */
export class VirtualContainerHost extends pulumi.ComponentResource {
  /** `tcp://<address>:2376`, as vic-machine reports it. */
  readonly dockerHost: pulumi.Output<string>;
  readonly caCertPem: pulumi.Output<string>;
  readonly clientCertificates: Record<string, ClientCertificate>;
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
        ipAddresses: [
          ...new Set([
            ...host.ipAddresses,
            ...(host.clientNetworkIp ? [cidrAddress(host.clientNetworkIp)] : []),
          ]),
        ],
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
    const registryCa = args.registryCa;
    const spec = thumbprint.apply((t) =>
      vchSpec(host, computeClass, t, {
        registryCa: registryCa !== undefined,
        ...(args.farm ? { farm: args.farm } : {}),
      }),
    );

    this.lifecycle = new command.local.Command(
      `${name}-vch`,
      {
        create: spec.apply(createScript),
        // What vic-machine configure changes (certificates, limits, added volume stores, ops
        // user, registry CA, ...) is changed in place: any other input change runs this.
        update: spec.apply(updateScript),
        delete: spec.apply((s) => deleteScript(s, { force: args.volumesDisposable })),
        interpreter: scriptInterpreter(),
        // Secrets reach vic-machine only through its environment: never argv, never the script.
        environment: {
          [VIC_PASSWORD_ENV]: host.vsphere.password,
          [TLS_ENV.ca]: ca.certPem,
          [TLS_ENV.serverCert]: server.certPem,
          [TLS_ENV.serverKey]: server.privateKeyPem,
          ...(registryCa !== undefined ? { [REGISTRY_CA_ENV]: registryCa } : {}),
          ...(host.opsUser ? { [OPS_PASSWORD_ENV]: host.opsUser.password } : {}),
        },
        // Only what configure cannot change replaces the VCH (configure.go:94-118).
        // The ids found in vSphere too: a datastore, port group or pool made anew under the same
        // name is another object, and a VCH on the old one cannot be reconfigured onto it.
        triggers: [
          spec.apply(replacementKey),
          pulumi.output(args.farmPoolId).apply((poolId) => inventoryKey(args.inventory, poolId)),
        ],
      },
      {
        parent: this,
        // Old and new share one name; the old VCH must be gone before the new one is created.
        deleteBeforeReplace: true,
      },
    );

    const address = vchDockerAddress(host);
    // Parsing checks what vic-machine reported: a VCH that verifies clients, on port 2376.
    this.dockerHost = this.lifecycle.stdout.apply((stdout) => {
      parseDockerEndpoint(stdout);
      return dockerHostFor(address);
    });

    this.registerOutputs({
      dockerHost: this.dockerHost,
      caCertPem: this.caCertPem,
      clientCertificates: this.clientCertificates,
      lifecycle: this.lifecycle,
    });
  }
}
