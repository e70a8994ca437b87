import { describe, expect, it } from "vitest";
import {
  collapse,
  editDistance,
  plainList,
  stripColon,
  unwrap,
} from "../../../src/core/value/text.js";

describe("value text helpers", () => {
  it("collapse: lower case, separator runs to one space, trimmed", () => {
    expect(collapse(" Why__now- ")).toBe("why now");
  });

  it("unwrap: emphasis and code around the whole text", () => {
    expect(unwrap("**`x`**")).toBe("x");
    expect(unwrap("**a** b")).toBe("**a** b");
  });

  it("stripColon, editDistance (a swap is one edit), plainList", () => {
    expect(stripColon("Worth : ")).toBe("Worth");
    expect([editDistance("tpye", "type"), editDistance("wroth", "worth")]).toEqual([1, 1]);
    expect([plainList(["a", "b", "c"]), plainList(["a"]), plainList([])]).toEqual([
      "a, b and c",
      "a",
      "",
    ]);
  });
});
