import "server-only";
import { isIP } from "node:net";
import { getEnv } from "@/lib/env";
import { fromTheRight } from "@/lib/http/forwarded";
import { PEER_HEADER } from "./peer-header";

type THeaders = Headers | Record<string, string | string[] | undefined> | undefined;

function header(headers: THeaders, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const v = headers[name];
  // Node joins repeated X-Forwarded-For lines with ", "; an array means a caller kept them apart.
  return Array.isArray(v) ? v.join(", ") : (v ?? null);
}

/**
 * The address a client is counted by (rate limits, views and runs, open event streams): behind
 * `trustProxy` reverse proxies, the X-Forwarded-For entry the outermost of them appended, which
 * is the `trustProxy`-th from the RIGHT (each proxy appends the address it was reached from;
 * entries further left are whatever the client sent, so they never count); else, or when the
 * proxies named nothing usable, the socket's address from {@link PEER_HEADER}. With fewer
 * entries than proxies (a request that came in through an inner proxy) the left-most counts.
 * IPv6 clients are counted by their /64, which one subscriber usually holds whole. Null only
 * when neither exists (a request that did not come through our server, e.g. built in a test).
 */
export function addressFrom(headers: THeaders, trustProxy: number): string | null {
  if (trustProxy > 0) {
    const entry = fromTheRight(header(headers, "x-forwarded-for"), trustProxy);
    const fromProxy = entry ? normalise(entry) : null;
    if (fromProxy) return fromProxy;
  }
  const peer = header(headers, PEER_HEADER)?.trim();
  return peer ? normalise(peer) : null;
}

/** {@link addressFrom} with the site's TRUST_PROXY. */
export function clientAddress(headers: THeaders): string | null {
  return addressFrom(headers, getEnv().trustProxy);
}

/** An IPv4 address as it is; IPv4-mapped IPv6 as IPv4; other IPv6 as its /64 prefix; else null. */
function normalise(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return isIP(mapped[1]) === 4 ? mapped[1] : null;
  const kind = isIP(address);
  if (kind === 4) return address;
  if (kind !== 6) return null;
  return `${expandIPv6(address.split("%")[0] ?? "")
    .slice(0, 4)
    .join(":")}::/64`;
}

/** The eight groups of an IPv6 address, "::" expanded (embedded IPv4 tails count as two groups). */
function expandIPv6(address: string): string[] {
  const toGroups = (part: string): string[] => {
    if (part === "") return [];
    return part.split(":").flatMap((g) => {
      if (!g.includes(".")) return [parseInt(g, 16).toString(16)];
      const [a = 0, b = 0, c = 0, d = 0] = g.split(".").map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const [head = "", tail] = address.split("::");
  const left = toGroups(head);
  if (tail === undefined) return left;
  const right = toGroups(tail);
  return [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
}
