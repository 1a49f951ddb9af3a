import { describe, expect, it } from "vitest";
import { embedScriptRoutePath } from "./embed-path";

describe("embedScriptRoutePath", () => {
  it("maps <owner>/<slug>.js loaded as a script to the embed script route, lower-cased", () => {
    expect(embedScriptRoutePath("/alice/newton.js", "script")).toBe("/embed/script/alice/newton");
    expect(embedScriptRoutePath("/Alice/Newton.js", "script")).toBe("/embed/script/alice/newton");
    expect(embedScriptRoutePath("/alice/v1.2.js", null)).toBe("/embed/script/alice/v1.2");
  });

  it("leaves pages, deeper paths and our own folders alone", () => {
    expect(embedScriptRoutePath("/alice/newton", "script")).toBeNull();
    expect(embedScriptRoutePath("/embed.js", "script")).toBeNull();
    expect(embedScriptRoutePath("/alice/newton/raw/HEAD/x.js", "script")).toBeNull();
    expect(embedScriptRoutePath("/api/thing.js", "script")).toBeNull();
    expect(embedScriptRoutePath("/_next/chunk.js", "script")).toBeNull();
  });

  it("lets a browser open the page of a snippet named x.js", () => {
    expect(embedScriptRoutePath("/alice/x.js", "document")).toBeNull();
    expect(embedScriptRoutePath("/alice/x.js", "iframe")).toBeNull();
    expect(embedScriptRoutePath("/alice/x.js", "script")).toBe("/embed/script/alice/x");
  });
});
