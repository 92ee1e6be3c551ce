import { hexDigestOf } from "./ids.js";
import type { ImageRef } from "./types.js";

/** Splits an image reference ("registry.fly.io/app:tag", "flyio/postgres-flex:16", "nginx") as Fly reports it. */
export function imageRefFor(image: string): ImageRef {
  const [withoutDigest = image, pinned] = image.split("@");
  const slash = withoutDigest.indexOf("/");
  const first = slash === -1 ? "" : withoutDigest.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const registry = hasRegistry ? first : "registry-1.docker.io";
  const rest = hasRegistry ? withoutDigest.slice(slash + 1) : withoutDigest;
  const colon = rest.lastIndexOf(":");
  const repository = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? "latest" : rest.slice(colon + 1);
  return { registry, repository, tag, digest: pinned ?? `sha256:${hexDigestOf(image, 64)}` };
}
