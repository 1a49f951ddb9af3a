import { describe, expect, it } from "vitest";
import { addressFrom } from "./client-address";
import { PEER_HEADER } from "./peer-header";

describe("addressFrom", () => {
  it("behind a trusted proxy, takes the right-most X-Forwarded-For entry, the one the proxy appended", () => {
    const headers = new Headers({ "x-forwarded-for": "203.0.113.9, 198.51.100.4", [PEER_HEADER]: "127.0.0.1" });
    expect(addressFrom(headers, 1)).toBe("198.51.100.4");
  });

  it("ignores entries a client put to the left of the proxy's, however many", () => {
    const a = new Headers({ "x-forwarded-for": "1.1.1.1, 198.51.100.4" });
    const b = new Headers({ "x-forwarded-for": "2.2.2.2, 3.3.3.3, 198.51.100.4" });
    expect(addressFrom(a, 1)).toBe(addressFrom(b, 1));
    // Repeated header lines (a Node headers object keeps them as an array): still the last one.
    expect(addressFrom({ "x-forwarded-for": ["9.9.9.9", "198.51.100.4"] }, 1)).toBe("198.51.100.4");
  });

  it("behind two trusted proxies, takes the entry the outer one appended, the second from the right", () => {
    // client -> CDN (appends the client's address) -> nginx (appends the CDN's) -> us
    const chain = new Headers({ "x-forwarded-for": "6.6.6.6, 198.51.100.4, 203.0.113.7", [PEER_HEADER]: "10.0.0.2" });
    expect(addressFrom(chain, 2)).toBe("198.51.100.4");
    expect(addressFrom(chain, 1)).toBe("203.0.113.7"); // one proxy trusted: the CDN would be the client
    // Fewer entries than proxies (reached through the inner one): the left-most.
    expect(addressFrom(new Headers({ "x-forwarded-for": "198.51.100.9" }), 2)).toBe("198.51.100.9");
  });

  it("without a trusted proxy, counts the socket's address and never X-Forwarded-For", () => {
    const spoofed = new Headers({ "x-forwarded-for": "203.0.113.9", [PEER_HEADER]: "192.0.2.33" });
    expect(addressFrom(spoofed, 0)).toBe("192.0.2.33");
    expect(addressFrom(new Headers({ "x-forwarded-for": "203.0.113.9" }), 0)).toBeNull();
  });

  it("falls back to the socket's address when the proxy named nothing usable", () => {
    expect(addressFrom(new Headers({ [PEER_HEADER]: "192.0.2.33" }), 1)).toBe("192.0.2.33");
    expect(addressFrom(new Headers({ "x-forwarded-for": "198.51.100.4, not-an-address", [PEER_HEADER]: "192.0.2.33" }), 1)).toBe("192.0.2.33");
  });

  it("counts IPv4-mapped addresses as IPv4, and an IPv6 client by its /64", () => {
    expect(addressFrom(new Headers({ [PEER_HEADER]: "::ffff:192.0.2.33" }), 0)).toBe("192.0.2.33");
    const one = addressFrom(new Headers({ [PEER_HEADER]: "2001:db8:1:2::1" }), 0);
    const other = addressFrom(new Headers({ [PEER_HEADER]: "2001:db8:1:2:aaaa:bbbb:cccc:dddd" }), 0);
    const elsewhere = addressFrom(new Headers({ [PEER_HEADER]: "2001:db8:1:3::1" }), 0);
    expect(one).toBe("2001:db8:1:2::/64");
    expect(other).toBe(one);
    expect(elsewhere).not.toBe(one);
    expect(addressFrom(new Headers({ [PEER_HEADER]: "::1" }), 0)).toBe("0:0:0:0::/64");
  });
});
