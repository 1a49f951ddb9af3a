import { describe, expect, it } from "vitest";
import { listQueryHref, parseListQuery } from "./parse-list-query";

describe("parseListQuery", () => {
  it("reads every filter and maps the sort", () => {
    const { query, options, rejected } = parseListQuery({
      also: "Numerics, ode/stiff",
      author: "Ada",
      language: "Python",
      interacts: "1",
      sort: "top",
      page: "3",
    });
    expect(options).toEqual({ tags: ["numerics", "ode/stiff"], owner: "ada", language: "python", hasInteracts: true, sort: "rating", page: 3 });
    expect(rejected).toEqual([]);
    expect(listQueryHref("/tags/calculus", query, { page: 1 })).toBe(
      "/tags/calculus?also=Numerics%2C+ode%2Fstiff&author=Ada&language=Python&interacts=1&sort=top",
    );
  });

  it("falls back to defaults for a bad sort or page, and names tags that are not tags", () => {
    const { options, rejected } = parseListQuery({ also: "ok, a//b", sort: "nonsense", page: "-4" });
    expect(options).toEqual({ tags: ["ok"], sort: "created", page: 1 });
    expect(rejected).toEqual(["a//b"]);
  });

  it("keeps the first of repeated parameters", () => {
    expect(parseListQuery({ sort: ["views", "runs"] }).options.sort).toBe("views");
  });
});
