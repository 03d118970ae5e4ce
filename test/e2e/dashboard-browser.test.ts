// The dashboard in a real browser (issue 18): headless Chromium loads GET / from a mock gateway and the
// test checks what a user would see — the demo team's budget, spend rising after three /v1 calls made
// by the OpenAI SDK (no reload), the chart drawn, a GPU notebook stopped with its button — and that the
// page made no request to another host and logged no error. It saves a screenshot (.artifacts/).
import { mkdirSync } from "node:fs";
import OpenAI from "openai";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { findChromium, launchChromium } from "../helpers/browser.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const probe = findChromium();
const DEMO = { "x-team-id": "demo", "x-api-token": "demo-token", "content-type": "application/json" };
export const SCREENSHOT = ".artifacts/dashboard.png";

describe.skipIf(probe.skip !== undefined)("dashboard in headless Chromium", () => {
  let gw: Gateway;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({ mode: "mock" });
    browser = await launchChromium(probe.executable as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const where = message.location().url;
      // The request journal (GET /admin/requests) is another issue's route: until it is merged the page
      // shows an empty panel after one 404, which Chromium reports as a failed resource load.
      if (where.endsWith("/admin/requests") && message.text().includes("404")) return;
      consoleErrors.push(`${message.text()} (${where})`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(`${gw.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const spent = (): Promise<string> => page.locator('[data-team="demo"] [data-field="spent"]').innerText();

  it("shows the demo team's budget", async () => {
    await expect
      .poll(() => page.locator('[data-team="demo"] [data-field="limit"]').innerText(), { timeout: 15_000 })
      .toBe("$50.00");
    expect(await spent()).toBe("$0.0000");
    expect(await page.locator('[data-team="demo"] [data-field="remaining"]').innerText()).toBe("$50.0000");
  });

  it("shows higher spend after three /v1 calls, without a reload", async () => {
    const before = await spent();
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "demo:demo-token" });
    for (let i = 0; i < 3; i++) {
      await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: `Say hello (${i})` }],
      });
    }
    const quota = (await (await fetch(`${gw.url}/quota`, { headers: DEMO })).json()) as {
      total_cost: number;
    };
    expect(quota.total_cost).toBeGreaterThan(0);
    // The page polls; it must reach the gateway's own figure on its own.
    await expect.poll(spent, { timeout: 15_000 }).toBe(`$${quota.total_cost.toFixed(4)}`);
    expect(await spent()).not.toBe(before);
    await expect
      .poll(() => page.locator("#models tbody tr").first().innerText(), { timeout: 15_000 })
      .toContain("claude-haiku-4-5");
  });

  it("draws the spend chart", async () => {
    await expect
      .poll(() => page.locator("#chart").getAttribute("data-points"), { timeout: 15_000 })
      .not.toBe("1");
    // Run in the page (a string: this project's TypeScript has no DOM types): pixels of the LLM line's
    // colour (#3b6fd8) — axes and grid alone would not count.
    const inked = await page.evaluate<number>(`(() => {
      const canvas = document.querySelector("#chart canvas");
      if (canvas === null) return 0;
      const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      const near = (v, c) => Math.abs(v - c) < 40;
      for (let i = 0; i < pixels.length; i += 4)
        if (near(pixels[i], 59) && near(pixels[i + 1], 111) && near(pixels[i + 2], 216) && pixels[i + 3] > 128) painted++;
      return painted;
    })()`);
    expect(inked).toBeGreaterThan(0);
  });

  it("stops a GPU notebook with its button", async () => {
    const created = await fetch(`${gw.url}/gpu/instances`, {
      method: "POST",
      headers: DEMO,
      body: JSON.stringify({ instance_type: "ml.t3.medium", name: "nb-ui" }),
    });
    expect(created.status).toBe(201);
    const stop = page.locator('[data-instance="nb-ui"] button[data-action="stop"]');
    await stop.waitFor({ timeout: 15_000 });
    await stop.click();
    await expect
      .poll(() => page.locator('[data-instance="nb-ui"] [data-field="status"]').innerText(), {
        timeout: 15_000,
      })
      .toMatch(/^(Stopping|Stopped)$/);
    const after = (await (await fetch(`${gw.url}/gpu/instances/nb-ui`, { headers: DEMO })).json()) as {
      status: string;
      stop_reason: string | null;
    };
    expect(after.status).toMatch(/^(Stopping|Stopped)$/);
    expect(after.stop_reason).toBe("user");
  });

  it("asked no other host, logged no error, and leaves a screenshot", async () => {
    const origin = new URL(gw.url).origin;
    const foreign = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith("data:"));
    expect(foreign).toEqual([]);
    expect(requested.some((url) => url.endsWith("/dashboard/assets/uPlot.iife.min.js"))).toBe(true);
    expect(consoleErrors).toEqual([]);
    mkdirSync(".artifacts", { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
