/**
 * A module resolution hook for the web server process (registered by scripts/web-server.ts):
 * `server-only` resolves as it does inside Next's server bundles, to its empty module (the
 * package's `react-server` export). The web server loads lib code itself (the Jupyter API,
 * lib/jupyter/server.ts) in plain Node, where the marker package would throw; Node's
 * `--conditions=react-server` (what bin/cellar uses) would do the same but also change how Next
 * and React themselves load in this process.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "server-only") return nextResolve(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
  return nextResolve(specifier, context);
}
