/**
 * The web server: Next's request handler behind a plain node:http server of ours, so that every
 * request carries the socket's address (lib/auth/peer-header.ts) and one port serves the whole
 * site. scripts/start.ts runs it as the unprivileged user CELLAR_USER when started as root.
 *   tsx scripts/web-server.ts [--dev]   (PORT from the environment)
 */
import { createServer } from "node:http";
import { register } from "node:module";
import next from "next";
import { stampPeer } from "@/lib/auth/peer-header";

// Before any lib module that starts with `import "server-only"` is loaded (see the hook).
register("./server-only-hook.mjs", import.meta.url);
const { createJupyterApi, JUPYTER_PREFIX } = await import("@/lib/jupyter/server");
const { execClient } = await import("@/lib/exec/client");
const { fillMissingThumbnails } = await import("@/lib/snippets/fill-missing-thumbnails");

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
// Next fetches the page a server action redirects to from http://<hostname>:<port>: with
// "localhost" that request never answered here (the delete-snippet form hung), with the
// loopback address it does.
const app = next({ dev, dir: process.cwd(), hostname: "127.0.0.1", port });
const handle = app.getRequestHandler();

await app.prepare();
// The Jupyter kernel API (REST and WebSocket) is served here, beside Next: lib/jupyter/server.ts says why.
const jupyter = createJupyterApi({ client: execClient });
const server = createServer((req, res) => {
  stampPeer(req);
  if (req.url?.startsWith(JUPYTER_PREFIX)) void jupyter.handleRequest(req, res);
  else void handle(req, res);
});
// Next's development server takes upgrades for its hot reloading itself (it listens on this
// server); a production server has no other WebSocket. Upgrades of ours are /jupyter/ only.
server.on("upgrade", (req, socket, head) => {
  if (!req.url?.startsWith(JUPYTER_PREFIX)) {
    if (!dev) socket.destroy();
    return;
  }
  stampPeer(req);
  void jupyter.handleUpgrade(req, socket, head);
});
server.listen(port, () => {
  console.log(`Cellar is listening on port ${port}${dev ? " (development)" : ""}, as uid ${process.getuid?.()}`);
  // The launcher (scripts/start.ts) says so when it has started the execution service before this
  // server: snippets published without it (the seed of `npm run serve`, a service that was down)
  // get their thumbnails now, in the background. A server started on its own (the Jupyter API's
  // test) leaves the service to what it is testing.
  if (process.env.CELLAR_THUMBNAIL_SWEEP === "1") void fillMissingThumbnails({ log: (line) => console.log(line) });
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    // Open event streams would keep the server up; the launcher wants it gone.
    server.closeAllConnections();
    process.exit(0);
  });
}
