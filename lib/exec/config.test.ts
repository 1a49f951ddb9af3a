/** NATS_* and the other multi-host settings: parsed, checked, and refused with one sentence each. */
import { describe, expect, it } from "vitest";
import { EnvError } from "@/lib/env-error";
import { parseExecEnv } from "@/lib/exec/config";

const problems = (env: Record<string, string>): string[] => {
  try {
    parseExecEnv({ EXEC_SAGE: "0", ...env });
  } catch (e) {
    if (e instanceof EnvError) return e.problems;
    throw e;
  }
  return [];
};

describe("NATS settings", () => {
  it("leaves NATS off without NATS_URL: the embedded host, as before", () => {
    const env = parseExecEnv({ EXEC_SAGE: "0" });
    expect(env.nats).toBeUndefined();
    expect(env.local).toBe(true);
    expect(env.treeCacheBytes).toBe(256 * 1024 * 1024);
  });

  it("reads the servers, the prefix and one kind of credentials", () => {
    const env = parseExecEnv({
      EXEC_SAGE: "0",
      NATS_URL: "nats://10.0.0.2:4222, nats://10.0.0.3:4222",
      NATS_USER: "site",
      NATS_PASSWORD: "pw",
      NATS_PREFIX: "prod",
    });
    expect(env.nats).toEqual({
      servers: ["nats://10.0.0.2:4222", "nats://10.0.0.3:4222"],
      auth: { kind: "user", user: "site", password: "pw" },
      prefix: "prod",
    });
    expect(parseExecEnv({ EXEC_SAGE: "0", NATS_URL: "nats://h:4222", NATS_TOKEN: "t" }).nats?.auth).toEqual({ kind: "token", token: "t" });
    expect(parseExecEnv({ EXEC_SAGE: "0", NATS_URL: "nats://h:4222" }).nats?.prefix).toBe("cellar");
    expect(parseExecEnv({ EXEC_SAGE: "0", NATS_URL: "nats://h:4222", EXEC_LOCAL: "0" }).local).toBe(false);
  });

  it("refuses what cannot work, naming the setting", () => {
    expect(problems({ NATS_URL: "http://h:4222" })).toEqual([expect.stringContaining("NATS_URL must be nats://host:port")]);
    expect(problems({ NATS_URL: "nats://h:4222", NATS_USER: "u" })).toEqual(["NATS_USER and NATS_PASSWORD go together: set both or neither"]);
    expect(problems({ NATS_URL: "nats://h:4222", NATS_TOKEN: "t", NATS_USER: "u", NATS_PASSWORD: "p" })).toEqual([
      "NATS credentials: set only one of NATS_USER/NATS_PASSWORD, NATS_TOKEN",
    ]);
    expect(problems({ NATS_TOKEN: "t" })).toEqual([expect.stringContaining("NATS_TOKEN is set but NATS_URL is not")]);
    expect(problems({ NATS_URL: "nats://h:4222", NATS_PREFIX: "a.b" })).toEqual([expect.stringContaining("NATS_PREFIX must be")]);
    expect(problems({ NATS_URL: "nats://h:4222", NATS_NKEY_SEED: "nope" })).toEqual([expect.stringContaining("NATS_NKEY_SEED must be a user nkey seed")]);
    expect(problems({ NATS_URL: "nats://h:4222", NATS_CREDS: "/nonexistent/x.creds" })).toEqual([
      expect.stringContaining("NATS_CREDS: cannot read /nonexistent/x.creds (ENOENT)"),
    ]);
    expect(problems({ EXEC_LOCAL: "no" })).toEqual([expect.stringContaining('EXEC_LOCAL must be "1"')]);
    expect(problems({ EXEC_HOSTS: "a=http://h:1" })).toEqual([]); // gone: ignored like any unknown variable
  });
});

describe("the site callback for shared values (EXEC_SITE_URL, EXEC_SITE_TOKEN)", () => {
  const token = "k".repeat(43);
  it("is off without them and read with both (a trailing slash dropped)", () => {
    expect(parseExecEnv({ EXEC_SAGE: "0" }).site).toBeUndefined();
    expect(parseExecEnv({ EXEC_SAGE: "0", EXEC_SITE_URL: "http://127.0.0.1:3000/", EXEC_SITE_TOKEN: token }).site).toEqual({
      url: "http://127.0.0.1:3000",
      token,
    });
  });
  it("refuses one without the other, a URL that is not http(s) and a short token", () => {
    expect(problems({ EXEC_SITE_URL: "http://127.0.0.1:3000" })).toEqual([expect.stringContaining("EXEC_SITE_URL and EXEC_SITE_TOKEN go together")]);
    expect(problems({ EXEC_SITE_TOKEN: token })).toEqual([expect.stringContaining("EXEC_SITE_URL and EXEC_SITE_TOKEN go together")]);
    expect(problems({ EXEC_SITE_URL: "ftp://h", EXEC_SITE_TOKEN: token })).toEqual([expect.stringContaining("EXEC_SITE_URL must be the site's http(s) URL")]);
    expect(problems({ EXEC_SITE_URL: "http://h:1", EXEC_SITE_TOKEN: "short" })).toEqual([
      expect.stringContaining("EXEC_SITE_TOKEN must be at least 32 characters"),
    ]);
  });
});
