import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { parseSearchQuery, stripQualifiers, withoutQualifiers } from "./parse-query";

function refusal(q: string): string {
  try {
    parseSearchQuery(q);
  } catch (e) {
    expect(isAppError(e) && e.code).toBe("INVALID");
    return (e as Error).message;
  }
  throw new Error(`"${q}" was accepted`);
}

describe("parseSearchQuery", () => {
  it("takes user:, author: and tag: out of the text, wherever they stand", () => {
    expect(parseSearchQuery("newton user:alice tag:calculus")).toEqual({ text: "newton", owner: "alice", tags: ["calculus"] });
    expect(parseSearchQuery("tag:calculus/limits  newton  method author:bob-2")).toEqual({ text: "newton method", owner: "bob-2", tags: ["calculus/limits"] });
    expect(parseSearchQuery("newton method")).toEqual({ text: "newton method", owner: null, tags: [] });
  });

  it("reads qualifier names in any case and lower-cases their values", () => {
    expect(parseSearchQuery("USER:Alice Tag:Linear-Algebra x")).toEqual({ text: "x", owner: "alice", tags: ["linear-algebra"] });
  });

  it("keeps several tags (without repeats), and the same user twice", () => {
    expect(parseSearchQuery("tag:a tag:b/c tag:A user:al author:AL")).toEqual({ text: "", owner: "al", tags: ["a", "b/c"] });
  });

  it("ignores an empty value, and leaves other words with colons as text", () => {
    expect(parseSearchQuery("user: tag: plot")).toEqual({ text: "plot", owner: null, tags: [] });
    expect(parseSearchQuery("np.linalg:eig users:x re:tag")).toEqual({ text: "np.linalg:eig users:x re:tag", owner: null, tags: [] });
  });

  it("refuses a value that is no username or tag, and a second user, naming the qualifier", () => {
    expect(refusal("plot user:al!ce")).toMatch(/^user:al!ce is not a username/);
    expect(refusal("author:-x")).toMatch(/^author:-x is not a username/);
    expect(refusal(`user:${"a".repeat(40)}`)).toMatch(/is not a username/);
    expect(refusal("tag:calc//x")).toMatch(/^tag:calc\/\/x is not a tag: A tag may use/);
    expect(refusal("user:alice author:bob")).toBe("Only one user can be searched at a time (author:bob after user:alice).");
  });
});

describe("stripQualifiers and withoutQualifiers", () => {
  it("drop qualifiers from the text, whatever their value", () => {
    expect(stripQualifiers("user:al newton tag:calc user: raph!")).toBe("newton raph!");
    expect(stripQualifiers("user:")).toBe("");
  });

  it("drop only the qualifiers asked for, keeping the rest as typed", () => {
    const q = "newton USER:Alice tag:Calc tag:numerics";
    expect(withoutQualifiers(q, (x) => x.name === "user")).toBe("newton tag:Calc tag:numerics");
    expect(withoutQualifiers(q, (x) => x.name === "tag" && x.value === "calc")).toBe("newton USER:Alice tag:numerics");
  });
});
