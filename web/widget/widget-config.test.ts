import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "./widget-config.ts";

/** The attributes readConfig reads, as an element would give them. */
const element = (attrs: Record<string, string>) => ({ getAttribute: (n: string) => attrs[n] ?? null, hasAttribute: (n: string) => n in attrs }) as unknown as Element;

describe("readConfig: visitor-attributes", () => {
  afterEach(() => void vi.restoreAllMocks());

  it("takes a JSON object of attributes the edge accepts", () => {
    const c = readConfig(element({ tenant: "t", "visitor-attributes": '{"age": 24, "gender": "M", "tags": ["a", "b"], "member": true}' }));
    expect(c.visitorAttributes).toEqual({ age: 24, gender: "M", tags: ["a", "b"], member: true });
    expect(readConfig(element({ tenant: "t" })).visitorAttributes).toBeNull();
    expect(readConfig(element({ tenant: "t", "visitor-attributes": "{}" })).visitorAttributes).toBeNull();
  });

  it("ignores what the edge would refuse, with a warning naming the field", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const bad of ["not json", "[1]", '{"gender": {"x": 1}}', `{"g": "${"x".repeat(129)}"}`, JSON.stringify(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`a${i}`, i])))]) {
      expect(readConfig(element({ tenant: "t", "visitor-attributes": bad })).visitorAttributes).toBeNull();
    }
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(/^edgerec-recs: visitor-attributes is not JSON/),
      expect.stringMatching(/^edgerec-recs: visitor-attributes: /),
      expect.stringMatching(/^edgerec-recs: visitor-attributes\.gender: expected a string/),
      expect.stringMatching(/^edgerec-recs: visitor-attributes\.g: /),
      expect.stringMatching(/^edgerec-recs: visitor-attributes: at most 32 attributes/),
    ]);
  });
});
