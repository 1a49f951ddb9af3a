import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { checkSharedKey, encodeSharedValue, previewSharedValue, SHARED_LIMITS } from "./value";

function refusal(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a refusal");
}

const f64 = (values: number[]) => ({
  __ndarray__: { dtype: "float64", shape: [values.length], data: Buffer.from(new Float64Array(values).buffer).toString("base64") },
});

describe("encodeSharedValue", () => {
  it("keeps JSON as compact text with its UTF-8 size, and tells arrays apart", () => {
    expect(encodeSharedValue({ a: [1, "é", null, true] })).toEqual({ text: '{"a":[1,"é",null,true]}', kind: "json", size: 24 });
    expect(encodeSharedValue(f64([1, 2])).kind).toBe("ndarray");
    expect(encodeSharedValue({ inside: f64([1]) }).kind).toBe("json");
    expect(encodeSharedValue({ __ndarray__: { dtype: "bool", shape: [2, 0], data: "" } }).kind).toBe("ndarray");
  });

  it("refuses non-JSON, malformed arrays, deep nesting and values over 1 MB", () => {
    expect(refusal(() => encodeSharedValue(Number.NaN)).message).toMatch(/finite/);
    expect(refusal(() => encodeSharedValue({ f: () => 1 })).message).toMatch(/value\.f is not JSON/);
    expect(refusal(() => encodeSharedValue(new Date())).message).toMatch(/plain JSON object/);
    expect(
      refusal(() => encodeSharedValue({ x: f64([1]), y: { __ndarray__: { dtype: "float64", shape: [2], data: f64([1]).__ndarray__.data } } })).message,
    ).toMatch(/value\.y: .*16 bytes of data, not 8/);
    expect(refusal(() => encodeSharedValue({ __ndarray__: { dtype: "float64", shape: [1], data: "!!!!" } })).message).toMatch(/base64/);
    expect(refusal(() => encodeSharedValue({ __ndarray__: f64([1]).__ndarray__, extra: 1 })).message).toMatch(/only key/);
    let deep: unknown = 1;
    for (let i = 0; i < SHARED_LIMITS.depth + 1; i++) deep = [deep];
    expect(refusal(() => encodeSharedValue(deep)).message).toMatch(/nests at most/);
    expect(refusal(() => encodeSharedValue("é".repeat(SHARED_LIMITS.valueBytes / 2))).code).toBe("TOO_LARGE");
    expect(encodeSharedValue("x".repeat(SHARED_LIMITS.valueBytes - 2)).size).toBe(SHARED_LIMITS.valueBytes);
  });
});

describe("checkSharedKey and previews", () => {
  it("takes 1-128 characters of the safe set", () => {
    expect(checkSharedKey("a.b-c_D9")).toBe("a.b-c_D9");
    for (const bad of ["", "x".repeat(129), "a b", "a/b", "é", 3]) expect(refusal(() => checkSharedKey(bad)).code).toBe("INVALID");
  });

  it("describes arrays by dtype and shape and cuts long JSON", () => {
    expect(previewSharedValue(encodeSharedValue(f64([1, 2, 3])).text, "ndarray")).toBe("ndarray float64 (3,)");
    expect(previewSharedValue(JSON.stringify("x".repeat(500)), "json", 10)).toBe('"xxxxxxxx…');
  });
});
