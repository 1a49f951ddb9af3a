/**
 * The request header our web server (scripts/web-server.ts) sets to the address of the socket
 * a request came on. Route code cannot see the socket, so this is how it learns who is asking.
 * No `server-only`: the server loads it outside React Server Components.
 */
import type { IncomingMessage } from "node:http";

export const PEER_HEADER = "x-cellar-peer";

/**
 * Sets {@link PEER_HEADER} on `req` to its socket's address, dropping every copy a client sent
 * (from `headers` and from `rawHeaders`, which some code reads instead).
 */
export function stampPeer(req: IncomingMessage): void {
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? ""];
    if (name.toLowerCase() !== PEER_HEADER) raw.push(name, value);
  }
  delete req.headers[PEER_HEADER];
  const peer = req.socket.remoteAddress;
  if (peer) {
    req.headers[PEER_HEADER] = peer;
    raw.push(PEER_HEADER, peer);
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
}
