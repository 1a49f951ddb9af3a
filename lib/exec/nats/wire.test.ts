/** Parts of a reply or event larger than max_payload, put together again (with the machine's NATS). */
import { natsSkip } from "@/test/support/sandbox-required";
import { describe, expect, it } from "vitest";
import { connect } from "@nats-io/transport-node";
import { natsReachable, TEST_NATS_URL } from "@/test/support/nats-hosts";
import { publishParts, Reassembler } from "./wire";

const why = (await natsReachable()) ? undefined : natsSkip("NATS is not running on 127.0.0.1:4222");
if (why) console.warn(`wire.test.ts: skipped: ${why}`);

describe.skipIf(why)("publishParts and Reassembler", () => {
  it("sends 5 MB over a 1 MB max_payload in parts that arrive whole, with the first part's headers", async () => {
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const subject = `cellartest.wire.${process.pid}.${Date.now()}`;
      const sub = nc.subscribe(subject);
      const data = new Uint8Array(5 * 1024 * 1024).map((_, i) => i % 251);
      await nc.flush();
      await publishParts(nc, subject, data, { "Cellar-Status": "200" });
      await publishParts(nc, subject, new TextEncoder().encode("small"));
      const parts = new Reassembler();
      const wholes: { data: Uint8Array; status: string | undefined }[] = [];
      let count = 0;
      for await (const m of sub) {
        count++;
        const whole = parts.add(m);
        if (whole) wholes.push({ data: whole.data, status: whole.headers?.get("Cellar-Status") });
        if (wholes.length === 2) break;
      }
      expect(count).toBeGreaterThan(5);
      expect(wholes[0]!.status).toBe("200");
      expect(Buffer.from(wholes[0]!.data).equals(Buffer.from(data))).toBe(true);
      expect(new TextDecoder().decode(wholes[1]!.data)).toBe("small");
    } finally {
      await nc.close();
    }
  });
});
