/**
 * What vic-machine prints, read back: logrus's text form (with stderr not a terminal every line
 * is `time="..." level=<level> msg=<value> `, cmd/vic-machine/common/operation.go:26-37,
 * vendor/github.com/Sirupsen/logrus/text_formatter.go:59-168) and the Docker endpoint.
 */

import { DOCKER_TLS_PORT } from "./vicMachineSpec";

/**
 * A value as logrus's TextFormatter writes it (text_formatter.go:130-168): bare when made of
 * `[A-Za-z0-9.-]` only, else Go-%q-quoted. Enough of %q for the texts matched here.
 */
export function logrusValue(text: string): string {
  if (/^[A-Za-z0-9.-]+$/.test(text)) {
    return text;
  }
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t");
  return `"${escaped}"`;
}

/** A fixed string for `grep -F`: one logrus line's level and message, up to `msg`'s end. */
export function logLine(level: string, message: string): string {
  return `level=${level} msg=${logrusValue(message)} `;
}

/** The Docker API endpoint of a VCH as vic-machine reports it. */
export interface DockerEndpoint {
  /** Host name or IP address the VCH serves the Docker API on (IPv6 without brackets). */
  address: string;
  /** `tcp://<address>:2376`, with an IPv6 address in brackets. */
  dockerHost: string;
}

/** `tcp://host:2376`, bracketing an IPv6 address. */
export function dockerHostFor(address: string): string {
  return `tcp://${address.includes(":") ? `[${address}]` : address}:${DOCKER_TLS_PORT}`;
}

// A captured terminal session carries ANSI colour codes (text_formatter.go:103-128).
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

/** Undoes Go's %q for a logrus `msg="..."` value. */
function unquoteGo(quoted: string): string {
  return quoted.replace(/\\(["\\nt])/g, (_, c: string) =>
    c === "n" ? "\n" : c === "t" ? "\t" : c,
  );
}

/** The messages of vic-machine's output: logrus text lines unquoted, other lines as they are. */
export function vicMessages(output: string): string[] {
  const messages: string[] = [];
  for (const raw of output.replace(ANSI_ESCAPE, "").split("\n")) {
    const logrus = /^time=(?:"[^"]*"|\S*) level=\w+(?: msg=(?:"((?:[^"\\]|\\.)*)"|(\S*)))? ?$/.exec(
      raw,
    );
    if (logrus) {
      messages.push(logrus[1] !== undefined ? unquoteGo(logrus[1]) : (logrus[2] ?? ""));
    } else {
      messages.push(raw);
    }
  }
  return messages;
}

/**
 * Finds the Docker endpoint in `vic-machine create` or `inspect` output: the environment line
 * `DOCKER_TLS_VERIFY=1 DOCKER_HOST=<address>:<port> ...` (inspect.go:229-268). With several
 * (create's output followed by inspect's) the last one wins. Throws if there is none, if the VCH
 * does not verify clients (no DOCKER_TLS_VERIFY=1: made with --no-tlsverify or --no-tls, which
 * buildenv does not adopt), or if the port is not 2376.
 */
export function parseDockerEndpoint(output: string): DockerEndpoint {
  const lines = vicMessages(output).filter((m) => /(?:^|\s)DOCKER_HOST=/.test(m));
  const line = lines[lines.length - 1];
  if (line === undefined) {
    throw new Error(
      'No Docker endpoint in vic-machine output: expected a "DOCKER_HOST=<address>:2376" line ' +
        'under "Docker environment variables:"',
    );
  }
  const vars = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf("=");
    if (eq > 0) vars.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const hostPort = (vars.get("DOCKER_HOST") ?? "").replace(/^tcp:\/\//, "");
  const colon = hostPort.lastIndexOf(":");
  const address = hostPort.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = hostPort.slice(colon + 1);
  if (colon <= 0 || !/^\d+$/.test(port)) {
    throw new Error(`vic-machine reported DOCKER_HOST=${hostPort}, not <address>:<port>`);
  }
  if (vars.get("DOCKER_TLS_VERIFY") !== "1") {
    throw new Error(
      `The VCH at ${address}:${port} does not verify client certificates (no DOCKER_TLS_VERIFY=1; ` +
        "it was created with --no-tlsverify or --no-tls). buildenv does not adopt it: delete it " +
        "or give buildenv:host.name another name",
    );
  }
  if (Number(port) !== DOCKER_TLS_PORT) {
    throw new Error(
      `VCH Docker endpoint ${address}:${port} is not the TLS port ${DOCKER_TLS_PORT}: ` +
        "the VCH serves the Docker API without TLS",
    );
  }
  return { address, dockerHost: dockerHostFor(address) };
}

/**
 * What vic-machine prints after a recovered panic, after its app name (filepath.Base of argv[0],
 * cmd/vic-machine/main.go:48): main.go:161-173 logs it to stdout, the stack goes only to
 * vic-machine.log (:171), and the status of app.Run is not used (:182), so the process exits 0.
 * (vmware/vic v1.5.8.)
 */
export const PANIC_MESSAGE = "failed, please check log file vic-machine.log for details";

/**
 * urfave/cli's answer to a flag it does not know, also with exit 0: it prints this and the help,
 * and returns the error that main.go:182 drops (vendor/gopkg.in/urfave/cli.v1/command.go:147-156).
 */
export const INCORRECT_USAGE = "Incorrect Usage:";

/**
 * The line each subcommand prints last when it succeeded; exit 0 without it is a failure.
 * create/create.go:761, configure/configure.go:586, delete/delete.go:170 (v1.5.8).
 */
export const SUCCESS_MESSAGES = {
  create: "Installer completed successfully",
  configure: "Completed successfully",
  delete: "Completed successfully",
} as const;

/**
 * inspect of a VCH whose appliance VM is not running: lib/install/management/inspect.go:46-49
 * ("VCH is not powered on, state %s"). A create that failed after making the VM leaves exactly
 * that: cleanupAfterCreationFailed (lib/install/management/create.go:76-78, 209-234) removes an
 * empty pool, the bridge network and an empty folder, not the VM, which is powered on last.
 */
export const NOT_POWERED_ON = "VCH is not powered on, state poweredOff";

/**
 * create's refusal while the hosts' firewall blocks the VCH's serial-over-LAN port 2377
 * (lib/constants/constants.go:26) outbound: lib/install/validate/config.go:109-114, 203-211.
 */
export const FIREWALL_REFUSAL =
  "Firewall must permit dst 2377/tcp outbound to the VCH management interface";
