/**
 * What the end-to-end tests on a real Docker engine share: skipping with the reason when `.ci/run`
 * started no engine, and the build image stand-in (the busybox base image with every applet
 * linked, like a real build image's coreutils).
 */
import type { Context } from "mocha";

/** Skips the suite, saying why, unless BUILDENV_E2E_DOCKER_HOST and BUILDENV_E2E_IMAGE are set. */
export function skipWithoutEngine(context: Context): void {
  if (!process.env.BUILDENV_E2E_DOCKER_HOST || !process.env.BUILDENV_E2E_IMAGE) {
    console.log(
      "skipping: BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE not set (.ci/run starts an engine)",
    );
    context.skip();
  }
}

/** Commits `image`: `base` after `busybox --install`, through a container named `<id>-img`. */
export function makeFullBusyboxImage(
  docker: (args: string[]) => string,
  id: string,
  base: string,
  image: string,
): void {
  docker(["run", "--name", `${id}-img`, base, "busybox", "--install", "-s", "/bin"]);
  docker(["commit", `${id}-img`, image]);
  docker(["rm", `${id}-img`]);
}
