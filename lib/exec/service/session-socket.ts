/**
 * The service's end of a session's socket (`<run dir>/sock`, docs/exec.md section 2): listens
 * for the relay's single connection for G, checks its hello, and splits what it sends into lines.
 */
import { chownSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { ZHello } from "@/lib/exec/protocol";
import { SANDBOX_UID } from "@/lib/exec/service/sandbox";

/** How long G has to connect and say hello after the spawn. */
export const HELLO_TIMEOUT_MS = 10_000;

export type TRelayListener = {
  /** The session whose hello is expected. */
  session: string;
  /** Past this many characters without a newline the peer is a runaway (`onOverflow`). */
  maxBuffered: number;
  /** Takes the connection; false when the session already has one (the new one is refused). */
  accept: (socket: Socket) => boolean;
  /** Each line after the hello. */
  onLine: (line: string) => void;
  onOverflow: (socket: Socket) => void;
  /** The connection closed (after or before the hello). */
  onClose: () => void;
};

/**
 * Listens on `sockPath` for the relay's single connection: `listening` resolves once the socket
 * exists and belongs to the sandbox user, `hello` with the socket once the relay said hello for
 * this session (rejects on a wrong hello, a hang-up or the timeout).
 */
export function listenForRelay(sockPath: string, h: TRelayListener): { server: Server; listening: Promise<void>; hello: Promise<Socket> } {
  let listened!: () => void;
  let failed!: (e: Error) => void;
  const listening = new Promise<void>((res, rej) => ((listened = res), (failed = rej)));
  let server!: Server;
  const hello = new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the session child did not connect within ${HELLO_TIMEOUT_MS / 1000} s`)), HELLO_TIMEOUT_MS);
    server = createServer((socket) => {
      if (!h.accept(socket)) return socket.destroy(); // only G, once
      server.close(); // no second connection; the path is unlinked at the end
      let buffered = "";
      let greeted = false;
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        buffered += chunk;
        if (buffered.length > h.maxBuffered) {
          buffered = "";
          h.onOverflow(socket);
          return;
        }
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!greeted) {
            greeted = isHello(line, h.session);
            if (greeted) {
              clearTimeout(timer);
              resolve(socket);
            } else {
              socket.destroy();
              reject(new Error("the session child's first message was not a hello for this session"));
              return;
            }
          } else h.onLine(line);
        }
      });
      socket.on("error", () => {}); // "close" follows
      socket.on("close", () => {
        clearTimeout(timer);
        reject(new Error("the session child hung up before saying hello"));
        h.onClose();
      });
    });
    server.on("error", (e) => {
      failed(e);
      reject(e);
    });
    server.listen(sockPath, () => {
      // Root made the socket; G (uid 65534) must be able to connect to it.
      try {
        chownSync(sockPath, SANDBOX_UID, SANDBOX_UID);
        listened();
      } catch (e) {
        failed(e as Error);
      }
    });
  });
  return { server, listening, hello };
}

function isHello(line: string, session: string): boolean {
  try {
    const hello = ZHello.safeParse(JSON.parse(line));
    return hello.success && hello.data.session === session;
  } catch {
    return false;
  }
}
