import { describe, expect, it } from "vitest";
import { parseExecHosts } from "./hosts";

describe("parseExecHosts", () => {
  it("reads id=url pairs", () => {
    expect(parseExecHosts("a=http://10.0.0.5:3101, b=http://10.0.0.6:3101")).toEqual([
      { id: "a", url: "http://10.0.0.5:3101" },
      { id: "b", url: "http://10.0.0.6:3101" },
    ]);
  });

  it("names the entry that is wrong", () => {
    expect(() => parseExecHosts("a=http://h:1,http://h:2")).toThrow('EXEC_HOSTS: "http://h:2" is not id=url');
    expect(() => parseExecHosts("A-1=http://h:1")).toThrow('"A-1=http://h:1" is not id=url');
    expect(() => parseExecHosts("a=ftp://h")).toThrow('"a=ftp://h" is not id=url');
    expect(() => parseExecHosts("a=http://h:1,a=http://h:2")).toThrow('the host id "a" is given twice');
  });
});
