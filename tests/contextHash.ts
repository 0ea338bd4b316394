/**
 * The build-context hash pulumi-docker-build computes in its Diff, re-implemented so plans can
 * see what the provider sees: a context whose hash differs from the one in state is an update of
 * the image, a rebuild (provider/internal/image.go:1030-1036 at v0.0.22: `if hash !=
 * olds.ContextHash { diff["contextHash"] = update }`).
 *
 * provider/internal/context.go:163-298 at v0.0.22, `hashBuildContext`: sha256 over the
 * Dockerfile's content (:219-224, :285-298), then over every non-directory entry of the context,
 * walked in lexical order (fsutil Walk), each as its content, its slash-separated relative path
 * and Go's `FileMode.String()` of its mode, permission bits included (:192-193). So the same
 * commit checked out with umask 002 (0664) and 022 (0644) hashes differently.
 *
 * Only what buildenv's contexts use is modelled: a context without `.dockerignore` (patterns are
 * not re-implemented; one present is an error here) and without symlinks or named contexts.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Go's io/fs FileMode.String() for a regular file: "-" then rwx for owner, group, other. */
export function goFileModeString(mode: number): string {
  const rwx = "rwxrwxrwx";
  let out = "-";
  for (let i = 0; i < 9; i++) {
    out += mode & (1 << (8 - i)) ? rwx[i] : "-";
  }
  return out;
}

/** The provider's contextHash of a build, paths absolute or relative to the working directory. */
export function contextHash(contextPath: string, dockerfilePath: string): string {
  for (const ignore of [
    `${dockerfilePath}.dockerignore`,
    path.join(contextPath, ".dockerignore"),
  ]) {
    if (fs.existsSync(ignore)) {
      throw new Error(`${ignore}: .dockerignore patterns are not modelled by tests/contextHash.ts`);
    }
  }
  const h = createHash("sha256");
  if (fs.statSync(dockerfilePath, { throwIfNoEntry: false })?.isFile()) {
    h.update(fs.readFileSync(dockerfilePath));
  }
  const walk = (relative: string): void => {
    const absolute = path.join(contextPath, relative);
    for (const name of fs.readdirSync(absolute).sort()) {
      const rel = relative === "" ? name : `${relative}/${name}`;
      const stat = fs.lstatSync(path.join(contextPath, rel));
      if (stat.isDirectory()) {
        walk(rel);
      } else if (stat.isSymbolicLink()) {
        throw new Error(
          `${rel}: symlinks in a build context are not modelled by tests/contextHash.ts`,
        );
      } else if (stat.isFile()) {
        h.update(fs.readFileSync(path.join(contextPath, rel)));
        h.update(rel);
        h.update(goFileModeString(stat.mode & 0o777));
      }
    }
  };
  walk("");
  return h.digest("hex");
}
