import { describe, expect, it } from "vitest";
import { authorizationHeader } from "../../src/fly/auth-header.js";

const body = "x".repeat(40);

describe("authorizationHeader", () => {
  it.each(["fm1r_", "fm1a_", "fm2_"])("sends %s macaroons as FlyV1", (prefix) => {
    expect(authorizationHeader(prefix + body)).toBe(`FlyV1 ${prefix}${body}`);
  });

  it("sends a comma-joined bundle as one FlyV1 value", () => {
    const bundle = `fm2_${body},fm2_${body}y`;
    expect(authorizationHeader(bundle)).toBe(`FlyV1 ${bundle}`);
  });

  it("sends the Machines API only a mixed bundle's macaroons, as flyctl's FlapsHeader does", () => {
    const macaroon = `fm2_${body}`;
    const oauth = `fo1_${body}`;
    expect(authorizationHeader(`${macaroon},${oauth}`)).toBe(`FlyV1 ${macaroon}`);
    expect(authorizationHeader(`${oauth}, ${macaroon},fm1a_${body}`, "machines")).toBe(
      `FlyV1 ${macaroon},fm1a_${body}`,
    );
  });

  it("sends GraphQL every part of a mixed bundle, macaroons first, as flyctl's GraphQLHeader does", () => {
    const macaroon = `fm2_${body}`;
    const oauth = `fo1_${body}`;
    expect(authorizationHeader(`${oauth},${macaroon}`, "graphql")).toBe(`FlyV1 ${macaroon},${oauth}`);
  });

  it("sends a bundle without macaroons as Bearer", () => {
    expect(authorizationHeader(`fo1_${body},fo1_${body}y`)).toBe(`Bearer fo1_${body},fo1_${body}y`);
  });

  it("sends other tokens as Bearer", () => {
    expect(authorizationHeader(`fo1_${body}`)).toBe(`Bearer fo1_${body}`);
  });

  it("sends a token that already carries a scheme unchanged", () => {
    expect(authorizationHeader(`FlyV1 fm2_${body}`)).toBe(`FlyV1 fm2_${body}`);
    expect(authorizationHeader(`Bearer fo1_${body}`)).toBe(`Bearer fo1_${body}`);
    expect(authorizationHeader(`bearer fm2_${body}`)).toBe(`bearer fm2_${body}`);
  });

  it("trims the newline a shell substitution leaves behind", () => {
    expect(authorizationHeader(`fm2_${body}\n`)).toBe(`FlyV1 fm2_${body}`);
  });
});
