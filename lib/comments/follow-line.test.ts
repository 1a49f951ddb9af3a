import { describe, expect, it } from "vitest";
import { lineFollower, lineKey, MAX_LINE_TEXT } from "./follow-line";

const OLD = ["a = 1", "", "b = 2", "", "print(a + b)"];

describe("lineFollower", () => {
  it("keeps an unchanged line where the diff puts it", () => {
    const follow = lineFollower(OLD, ["# header", "", ...OLD]);
    expect(follow(3, "b = 2")).toBe(5);
    expect(follow(5, "print(a + b)")).toBe(7);
  });

  it("follows a blank line by the diff, not to the first blank line it sees", () => {
    const follow = lineFollower(OLD, ["x = 0", ...OLD]);
    expect(follow(4, "")).toBe(5);
  });

  it("finds a moved line by its text, nearest to where it was", () => {
    const follow = lineFollower(OLD, ["b = 2", "", "print(a + b)", "", "a = 1"]);
    expect(follow(1, "a = 1")).toBe(5);
    const twice = lineFollower(["x", "y", "z"], ["y", "x", "q", "q", "q", "x"]);
    expect(twice(1, "x")).toBe(2);
  });

  it("loses a line whose text changed or that was removed", () => {
    const follow = lineFollower(OLD, ["a = 1", "", "b = 3", "", "print(a + b)"]);
    expect(follow(3, "b = 2")).toBeNull();
    expect(lineFollower(OLD, [])(1, "a = 1")).toBeNull();
  });

  it("recognises a very long line by its beginning", () => {
    const long = "x".repeat(MAX_LINE_TEXT + 50);
    expect(lineKey(long)).toHaveLength(MAX_LINE_TEXT);
    expect(lineFollower([long], ["", long])(1, lineKey(long))).toBe(2);
  });
});
