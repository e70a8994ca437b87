import { describe, expect, it } from "vitest";
import { plural } from "../../src/core/text.js";

describe("plural", () => {
  it("writes the count with the singular for 1 and the plural otherwise", () => {
    expect(plural(1, "commit")).toBe("1 commit");
    expect(plural(0, "commit")).toBe("0 commits");
    expect(plural(2, "commit")).toBe("2 commits");
    expect(plural(1, "repository", "repositories")).toBe("1 repository");
    expect(plural(3, "repository", "repositories")).toBe("3 repositories");
  });
});
