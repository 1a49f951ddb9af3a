/** An execution host: its id (the prefix of its session ids; "" for a lone host) and base URL. */
export type TExecHost = { id: string; url: string };

/**
 * `EXEC_HOSTS` (`a=http://10.0.0.5:3101,b=http://10.0.0.6:3101`, each service started with the
 * matching `EXEC_HOST_ID`) as hosts; throws an Error naming the first entry that is not `id=url`
 * or repeats an id. Checked at start-up (lib/env.ts) and read by the client (lib/exec/client.ts).
 */
export function parseExecHosts(list: string): TExecHost[] {
  const hosts = list.split(",").map((entry) => {
    const eq = entry.indexOf("=");
    const id = entry.slice(0, eq).trim();
    const url = entry.slice(eq + 1).trim();
    if (eq < 0 || !/^[a-z0-9]{1,16}$/.test(id) || !/^https?:\/\/[^\s/]+/.test(url)) {
      throw new Error(`EXEC_HOSTS: "${entry.trim()}" is not id=url (id: 1–16 lowercase letters or digits, url: http://host:port)`);
    }
    return { id, url };
  });
  const seen = new Set<string>();
  for (const { id } of hosts) {
    if (seen.has(id)) throw new Error(`EXEC_HOSTS: the host id "${id}" is given twice`);
    seen.add(id);
  }
  return hosts;
}
