import { describe, expect, it } from "vitest";
import { ZKernelChoice, ZKernelName, autoKernelOf, effectiveKernel, languageLabel, missingKernelMessage } from "./kernel";

describe("effectiveKernel", () => {
  it("follows the main file unless the owner chose a kernel", () => {
    expect(autoKernelOf("main.sage")).toBe("sage");
    expect(autoKernelOf("lib/Plot.SAGE")).toBe("sage");
    expect(autoKernelOf("main.py")).toBe("python");
    expect(autoKernelOf(null)).toBe("python");
    expect(effectiveKernel(null, "main.sage")).toBe("sage");
    expect(effectiveKernel("python", "main.sage")).toBe("python");
    expect(effectiveKernel("sage", "main.py")).toBe("sage");
    expect(effectiveKernel("nonsense", "main.py")).toBe("python");
  });
});

describe("ZKernelChoice", () => {
  it("reads auto and null as no choice, and refuses anything else naming the allowed values", () => {
    expect(ZKernelChoice.parse("auto")).toBeNull();
    expect(ZKernelChoice.parse(null)).toBeNull();
    expect(ZKernelChoice.parse("sage")).toBe("sage");
    expect(ZKernelChoice.parse("python")).toBe("python");
    for (const bad of ["julia", "Sage", "", 3]) {
      const r = ZKernelChoice.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toBe('kernel must be "auto", "python" or "sage" (null means "auto").');
    }
    expect(ZKernelName.safeParse("julia").error?.issues[0]?.message).toBe('kernel must be "python" or "sage".');
    expect(ZKernelName.safeParse("auto").success).toBe(false);
  });
});

describe("labels and messages", () => {
  it("names languages and the kernels a server has in words", () => {
    expect(languageLabel("sage")).toBe("SageMath");
    expect(languageLabel("python")).toBe("Python");
    expect(languageLabel("cobol")).toBe("cobol");
    expect(missingKernelMessage("sage", ["python"])).toBe("This server runs Python (python) only; it has no SageMath (sage) kernel.");
    expect(missingKernelMessage("sage", ["python", "r"])).toBe("This server runs Python (python) and r; it has no SageMath (sage) kernel.");
  });
});
