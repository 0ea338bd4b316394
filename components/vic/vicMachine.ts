/**
 * Turns a Virtual Container Host (VCH) spec into the exact `vic-machine-linux` invocations that
 * buildenv runs through `@pulumi/command`'s `local.Command`, and parses what vic-machine prints.
 *
 * Everything here is pure and deterministic: the same spec always yields the same argv and the
 * same script text, so a Command's `create`/`update`/`delete` inputs only change when the spec
 * does.
 *
 * One file for each thing that changes on its own: vicMachineSpec.ts (the spec and vic-machine's
 * rules for it), vicMachineArgs.ts (argv and shell words), vicMachineShell.ts (what every script
 * shares), vicMachineScripts.ts (create, update, delete), vicMachineOutput.ts (reading what
 * vic-machine prints). Other areas import them from here.
 *
 * Sources (vmware/vic v1.5.6, the vSphere Integrated Containers engine):
 * - cmd/vic-machine/common/target.go:42-71: `--target`/`--user`/`--password`/`--thumbprint`
 *   read VIC_MACHINE_TARGET / VIC_MACHINE_USER / VIC_MACHINE_PASSWORD / VIC_MACHINE_THUMBPRINT;
 *   without a password vic-machine reads the terminal (and silently gets "" when it is none).
 * - cmd/vic-machine/common/compute.go: `--name`, `--compute-resource`. With DRS, create makes the
 *   pool `<compute resource>/<name>` itself (lib/install/management/create.go:57-61,
 *   resource_pool.go:33-62) with the `--cpu*`/`--memory*` limits, reservations and shares
 *   (common/limits.go:40-82); inspect/delete/configure find it the same way (finder.go:90-156).
 * - cmd/vic-machine/create/create.go: `--image-store`, `--volume-store` ("datastore/path:label",
 *   repeatable), `--bridge-network`, `--public-network`, `--client-network`,
 *   `--client-network-ip` (CIDR, create.go:161), `--client-network-gateway` (create.go:154),
 *   `--timeout` (a Go duration, create.go:262), display name at most 31 characters.
 * - cmd/vic-machine/common/dns.go:32-66 `--dns-server` (repeatable, create and configure).
 * - cmd/vic-machine/common/ops_credentials.go:37-109: `--ops-user`, and `--ops-password`, which
 *   has no environment variable; without it vic-machine prompts "vSphere password for <user>: "
 *   and reads the password from a terminal on stdin (terminal.ReadPassword(os.Stdin)).
 * - cmd/vic-machine/common/registries.go:39-66: `--registry-ca` is a file path.
 * - cmd/vic-machine/common/certificate.go: `--tls-server-cert`, `--tls-server-key`, `--tls-ca`,
 *   `--tls-cname`; a supplied server certificate is refused unless its subject CN equals
 *   `--tls-cname`.
 * - cmd/vic-machine/configure/configure.go:94-118: configure changes certificates, CPU/memory
 *   limits/reservations/shares, adds volume stores (lib/install/data/data.go:243-280 refuses a
 *   changed or missing existing one), DNS servers, ops credentials and registry CAs; it has no
 *   flag for the image store, the networks, their addresses or the name. It refuses a VCH that
 *   needs `vic-machine upgrade` (configure.go:438-446).
 * - cmd/vic-machine/delete/delete.go:149-158 (version check) and
 *   lib/install/management/delete.go, appliance.go:190-210 ("VM %q is powered on"),
 *   store_files.go:321-394 (`--force` deletes every volume store folder of the VCH).
 * - lib/install/management/inspect.go:39-118, 166-268: "No client IP address assigned", the
 *   "Docker environment variables:" line "DOCKER_TLS_VERIFY=1 DOCKER_HOST=<addr>:2376 ..."
 *   (no DOCKER_TLS_VERIFY without client verification; IPv6 printed without brackets).
 * - cmd/vic-machine/common/operation.go:26-37 and vendor/github.com/Sirupsen/logrus/
 *   text_formatter.go:59-168: with stderr not a terminal every line is
 *   `time="..." level=<level> msg=<value> ` where the value is Go-%q-quoted unless it is made of
 *   `[A-Za-z0-9.-]` only (tests/resources/VCH-Util.robot:139-145 parses that form).
 */

export * from "./vicMachineSpec";
export * from "./vicMachineArgs";
export { scriptInterpreter } from "./vicMachineShell";
export * from "./vicMachineScripts";
export * from "./vicMachineOutput";
