// decodeResponse serialises a stored JSON body once and fills the team id into the text: it must give
// exactly JSON.stringify(fillTeam(json, teamId)), the definition, for every body and team id.
import { describe, expect, it } from "vitest";
import { compactResponse, decodeResponse } from "../../src/cassettes/responses.ts";
import { TEAM_PLACEHOLDER, fillTeam } from "../../src/cassettes/scrub.ts";

const P = TEAM_PLACEHOLDER;
const bodies: unknown[] = [
  { content: [{ type: "text", text: "hi" }], metadata: { team_id: P, note: `for ${P} and ${P}` } },
  { [`key ${P}`]: P, nested: [{ [P]: `${P}\n\t"quoted"` }] },
  { text: `\\${P}\\`, unicode: "é\u2028", list: [P, 1, null, true] },
  [P, { a: P }],
  P,
  42,
  null,
];
const teams = ["team-1", 'we"ird\\team\n', "<team_id>", "$&$1"];

describe("decodeResponse", () => {
  it.each(teams.map((t) => [String(t), t]))("fills team %s like fillTeam + JSON.stringify", (_n, team) => {
    for (const json of bodies) {
      const stored = { status: 200, headers: { "content-type": "application/json" }, json };
      const expected = JSON.stringify(fillTeam(json, team));
      // Twice: the second call is served from the cached serialisation.
      expect(decodeResponse(stored, team).text()).toBe(expected);
      expect(decodeResponse(stored, team).text()).toBe(expected);
    }
  });
});

describe("compactResponse", () => {
  it.each(teams.map((t) => [String(t), t]))("decodes to the same bytes for team %s", (_n, team) => {
    const texts = [`{"team_id": "${P}", "n": 1e-05}`, `plain ${P} text`, "", ` [${P}]`];
    const stored = [
      ...bodies.map((json) => ({ status: 200, headers: { "content-type": "application/json" }, json })),
      ...texts.map((text) => ({ status: 503, headers: { "retry-after": "1", "x-note": P }, text })),
    ];
    for (const response of stored) {
      const compact = compactResponse(response);
      expect(decodeResponse(compact, team)).toEqual(decodeResponse(response, team));
    }
  });

  it("keeps a JSON body as text unless the placeholder is in a key", () => {
    const headers = {};
    expect(compactResponse({ status: 200, headers, json: { a: [P] } })).toEqual({
      status: 200,
      headers,
      text: `{"a":["${P}"]}`,
    });
    expect(compactResponse({ status: 200, headers, json: { [P]: 1 } }).json).toEqual({ [P]: 1 });
  });
});

describe("team ids that look like replacement patterns", () => {
  it("are filled in literally", () => {
    const stored = { status: 200, headers: {}, json: { metadata: { team_id: "<team_id>" } } };
    expect(JSON.parse(decodeResponse(stored, "$&$1$`").text())).toEqual({ metadata: { team_id: "$&$1$`" } });
  });
});
